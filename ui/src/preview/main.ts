// Entry point of the preview page: the real console over a pretend desk.
import { mount } from 'svelte';
import App from '../App.svelte';
import '../app.css';
import { installPretendDesk } from './pretend-desk';

installPretendDesk(new URLSearchParams(location.search).get('signed-in') !== '0');
const target = document.getElementById('app');
if (!target) throw new Error('the preview page has no #app element');
mount(App, { target });
