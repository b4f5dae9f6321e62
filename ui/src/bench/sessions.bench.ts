// Rendering cost of the Live sessions screen with 2,000 live sessions, in jsdom: the first
// mount, one countdown tick (the shared timer moving `now` by a second) and one event, both
// with the windowed list the console uses and with every row in the page. jsdom has no layout
// or paint, so these figures cover Svelte's work and DOM updates only; the real web view is
// measured by `npm run bench:webkit`.
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

function rendered(target: HTMLElement): number {
  return target.querySelectorAll('[data-testid="session-row"]').length;
}

// Every row in the page takes seconds per mount in jsdom, long enough to trip vitest's worker
// time-outs, so that variant runs only when asked for: BENCH_FULL=1 npm run bench.
const variants: [string, number][] = [['windowed (as shipped)', 250]];
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
if (env?.BENCH_FULL === '1') {
  variants.push(['every row in the page', Infinity]);
}

describe(`console state, ${ROWS} sessions`, () => {
  bench(
    'load the snapshot (parse end times, sort by PC)',
    () => {
      const desk = new Desk();
      desk.replaceAll(lab.sessions, lab.pcs);
      if (desk.sessions.length !== ROWS) throw new Error('sessions were lost');
    },
    { iterations: 50, time: 0 },
  );
});

for (const [label, windowFrom] of variants) {
  describe(`live sessions, ${ROWS} rows, ${label} (jsdom)`, () => {
    let target: HTMLElement;
    let app: ReturnType<typeof mount> | null = null;
    let desk: Desk;

    const open = () => {
      target = document.createElement('div');
      document.body.append(target);
    };
    const mountFull = () => {
      open();
      desk = loadedDesk();
      app = mount(Sessions, { target, props: { desk, windowFrom } });
      flushSync();
    };
    const close = () => {
      if (app) void unmount(app);
      app = null;
      target.remove();
    };

    bench(
      'mount',
      () => {
        desk = loadedDesk();
        app = mount(Sessions, { target, props: { desk, windowFrom } });
        flushSync();
        if (rendered(target) === 0) throw new Error('no session was rendered');
        void unmount(app);
        app = null;
      },
      { setup: open, teardown: close, iterations: windowFrom === Infinity ? 3 : 20, time: 0 },
    );

    bench(
      'one countdown tick',
      () => {
        desk.now += 1000;
        flushSync();
      },
      { setup: mountFull, teardown: close, iterations: 30, time: 0 },
    );

    bench(
      'one event (session_extended)',
      () => {
        const s = lab.sessions[ROWS / 2];
        if (!s) throw new Error('fixture too small');
        desk.apply({
          type: 'session_extended',
          session: { ...s, end_time: new Date(Date.parse(s.end_time) + 60_000).toISOString() },
        });
        flushSync();
      },
      { setup: mountFull, teardown: close, iterations: 30, time: 0 },
    );
  });
}
