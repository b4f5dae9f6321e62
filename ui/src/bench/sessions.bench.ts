// Rendering cost of the Live sessions screen with 2,000 live sessions, in jsdom: the first
// mount, and one countdown tick (the shared timer moving `now` by a second). jsdom has no
// layout or paint, so these figures cover Svelte's work and DOM updates only; the real
// web view is measured by `npm run bench:webkit`.
import { flushSync, mount, unmount } from 'svelte';
import { bench, describe } from 'vitest';
import Sessions from '../components/Sessions.svelte';
import { Desk } from '../lib/desk.svelte';
import { BENCH_NOW, busyLab } from './fixtures';

const ROWS = 2000;
const lab = busyLab(ROWS);

function loadedDesk(): Desk {
  const desk = new Desk();
  desk.settings = { listen: '0.0.0.0:7700', warning_leads_secs: [300, 60], time_zone: 'UTC' };
  desk.now = BENCH_NOW;
  desk.replaceAll(lab.sessions, lab.pcs);
  return desk;
}

function countRows(target: HTMLElement): number {
  return target.querySelectorAll('[data-testid="session-row"]').length;
}

describe(`live sessions, ${ROWS} rows (jsdom)`, () => {
  let target: HTMLElement;
  let app: ReturnType<typeof mount> | null = null;

  bench(
    'mount',
    () => {
      const desk = loadedDesk();
      app = mount(Sessions, { target, props: { desk } });
      flushSync();
      if (countRows(target) !== ROWS) throw new Error('not every session was rendered');
      void unmount(app);
      app = null;
    },
    {
      setup: () => {
        target = document.createElement('div');
        document.body.append(target);
      },
      teardown: () => target.remove(),
      iterations: 10,
      time: 0,
    },
  );

  let desk: Desk;
  bench(
    'one countdown tick',
    () => {
      desk.now += 1000;
      flushSync();
    },
    {
      setup: () => {
        target = document.createElement('div');
        document.body.append(target);
        desk = loadedDesk();
        app = mount(Sessions, { target, props: { desk } });
        flushSync();
      },
      teardown: () => {
        if (app) void unmount(app);
        app = null;
        target.remove();
      },
      iterations: 50,
      time: 0,
    },
  );

  bench(
    'one event (session_extended) on a full list',
    () => {
      const s = lab.sessions[ROWS / 2];
      if (!s) throw new Error('fixture too small');
      desk.apply({
        type: 'session_extended',
        session: { ...s, end_time: new Date(Date.parse(s.end_time) + 60_000).toISOString() },
      });
      flushSync();
    },
    {
      setup: () => {
        target = document.createElement('div');
        document.body.append(target);
        desk = loadedDesk();
        app = mount(Sessions, { target, props: { desk } });
        flushSync();
      },
      teardown: () => {
        if (app) void unmount(app);
        app = null;
        target.remove();
      },
      iterations: 50,
      time: 0,
    },
  );
});
