// A long live list renders only the rows in view, follows scrolling, and still applies every
// event; the search box finds a PC anywhere in it.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { busyLab } from '../bench/fixtures';
import type { Desk } from '../lib/desk.svelte';
import * as stub from '../test/api-stub';
import Harness from '../test/Harness.svelte';
import { fakeClock, settle, startedDesk } from '../test/helpers';
import Pcs from './Pcs.svelte';
import Sessions from './Sessions.svelte';

vi.mock('../lib/api', () => import('../test/api-stub'));

const N = 500;
let desk: Desk;

const rows = () => screen.getAllByTestId('session-row');
const table = () => document.querySelector('table.sessions');

beforeEach(async () => {
  fakeClock();
  desk = await startedDesk(busyLab(N));
  render(Harness, { desk, screen: Sessions });
  await settle();
});

afterEach(() => {
  desk.stop();
  vi.useRealTimers();
});

describe('long live list', () => {
  it('renders a window of rows but announces the full count', () => {
    expect(rows().length, 'only the rows in view (and a margin) are in the page').toBeLessThan(100);
    expect(rows().length, 'but some are').toBeGreaterThan(10);
    expect(table()?.getAttribute('aria-rowcount'), 'assistive tech hears all rows + header').toBe(
      String(N + 1),
    );
    expect(rows()[0]?.getAttribute('aria-rowindex'), 'the first row follows the header').toBe('2');
    expect(
      screen.getByRole('heading', { level: 1 }).textContent,
      'the heading counts all',
    ).toContain(String(N));
  });

  it('follows scrolling', async () => {
    const scroller = document.querySelector<HTMLElement>('.table-scroll');
    if (!scroller) throw new Error('no scroll region');
    expect(scroller.tabIndex, 'the scroll region is reachable by keyboard').toBe(0);
    Object.defineProperty(scroller, 'scrollTop', { value: 4000, configurable: true });
    await fireEvent.scroll(scroller);
    await settle();
    const first = rows()[0];
    // 4,000 px of 40 px rows is row 100; 12 rows of margin above leave row 88 first.
    expect(first?.dataset.pc, 'the window moved down the list').toBe('PC-0089');
    expect(first?.getAttribute('aria-rowindex'), 'row index counts from the top of the list').toBe(
      '90',
    );
  });

  it('applies events to rows outside the window', async () => {
    stub.emit({ type: 'session_ended', booking_id: 10_000 + N, pc: `PC-0${N}`, reason: 'expired' });
    await settle();
    expect(table()?.getAttribute('aria-rowcount'), 'the last session left the list').toBe(
      String(N),
    );
    expect(desk.sessions.length, 'the state dropped it').toBe(N - 1);
  });

  it('finds a PC anywhere in the list', async () => {
    await fireEvent.input(screen.getByPlaceholderText('Find a PC or patron'), {
      target: { value: 'PC-0450' },
    });
    await settle();
    expect(
      rows().map((r) => r.dataset.pc),
      'the search narrows the list to one PC',
    ).toEqual(['PC-0450']);
  });
});

describe('long PC board', () => {
  it('renders a window of PCs but announces them all', async () => {
    desk.replaceAll([], busyLab(600).pcs);
    const { container } = render(Harness, { desk, screen: Pcs });
    await settle();
    const board = container.querySelector('table.board');
    const shown = container.querySelectorAll('[data-testid="pc-row"]').length;
    expect(shown, 'only the PCs in view (and a margin) are in the page').toBeLessThan(100);
    expect(shown, 'but some are').toBeGreaterThan(10);
    expect(board?.getAttribute('aria-rowcount'), 'all PCs + header are announced').toBe('601');
  });
});
