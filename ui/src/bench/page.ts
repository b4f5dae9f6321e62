// A measurement page for a real web view: mounts the Live sessions screen with 2,000 sessions
// and times the mount and countdown ticks, including style, layout and the next frame. The
// figures land in `window.__benchResult` (read by scripts/bench-webkit.mjs) and on the page.
import { flushSync, mount, unmount } from 'svelte';
import Sessions from '../components/Sessions.svelte';
import { Desk } from '../lib/desk.svelte';
import '../app.css';
import { BENCH_NOW, busyLab } from './fixtures';

const params = new URLSearchParams(location.search);
const ROWS = Number(params.get('rows') ?? 2000);
const MOUNTS = Number(params.get('mounts') ?? 5);
const TICKS = Number(params.get('ticks') ?? 30);
// `full=1` renders every row (no windowing), to show what windowing saves.
// `style=…` adds CSS to the page, to try what a rule costs without a rebuild.
const extraStyle = params.get('style');
if (extraStyle) {
  const el = document.createElement('style');
  el.textContent = extraStyle;
  document.head.append(el);
}
const WINDOW_FROM = params.get('full') === '1' ? Infinity : 250;

/** Resolves after the browser has produced the next frame (two animation frames). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
  );
}

interface Sample {
  script: number;
  layout: number;
  frame: number;
}

function summary(samples: Sample[]) {
  const pick = (key: keyof Sample) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? NaN;
    return {
      median: +at(0.5).toFixed(1),
      p95: +at(0.95).toFixed(1),
      max: +(v[v.length - 1] ?? NaN).toFixed(1),
    };
  };
  return {
    n: samples.length,
    script: pick('script'),
    layout: pick('layout'),
    frame: pick('frame'),
  };
}

async function measure() {
  const target = document.getElementById('bench-target');
  const report = document.getElementById('bench-report');
  if (!target || !report) throw new Error('the bench page lost its elements');
  const lab = busyLab(ROWS);
  const mounts: Sample[] = [];
  const ticks: Sample[] = [];
  let rendered = 0;

  // Baseline: what two animation frames cost in this web view when nothing changes.
  const idle: Sample[] = [];
  for (let i = 0; i < 10; i += 1) {
    const a = performance.now();
    await nextFrame();
    const d = performance.now() - a;
    idle.push({ script: 0, layout: 0, frame: d });
  }

  // Baseline: the next frame after changing one short text, the least a tick can cost.
  const oneText: Sample[] = [];
  for (let i = 0; i < 10; i += 1) {
    await nextFrame();
    const a = performance.now();
    report.textContent = `measuring… ${i}`;
    await nextFrame();
    oneText.push({ script: 0, layout: 0, frame: performance.now() - a });
  }

  for (let run = 0; run < MOUNTS; run += 1) {
    const desk = new Desk();
    desk.settings = { listen: '0.0.0.0:7700', warning_leads_secs: [300, 60], time_zone: 'UTC' };
    desk.now = BENCH_NOW;
    await nextFrame();

    const t0 = performance.now();
    desk.replaceAll(lab.sessions, lab.pcs);
    const app = mount(Sessions, { target, props: { desk, windowFrom: WINDOW_FROM } });
    flushSync();
    const t1 = performance.now();
    void document.body.offsetHeight; // style and layout now, so they are timed
    const t2 = performance.now();
    await nextFrame();
    const t3 = performance.now();
    mounts.push({ script: t1 - t0, layout: t2 - t0, frame: t3 - t0 });

    rendered = target.querySelectorAll('[data-testid="session-row"]').length;
    const expected = WINDOW_FROM >= ROWS ? ROWS : Math.min(ROWS, 1);
    if (rendered < expected) throw new Error(`rendered ${rendered} rows of ${ROWS}`);

    if (run === MOUNTS - 1) {
      for (let i = 0; i < TICKS; i += 1) {
        await nextFrame();
        const a = performance.now();
        desk.now += 1000;
        flushSync();
        const b = performance.now();
        void document.body.offsetHeight;
        const c = performance.now();
        await nextFrame();
        const d = performance.now();
        ticks.push({ script: b - a, layout: c - a, frame: d - a });
      }
    }
    await unmount(app);
  }

  const result = {
    rows: ROWS,
    rendered,
    windowed: WINDOW_FROM < ROWS,
    userAgent: navigator.userAgent,
    viewport: `${innerWidth}x${innerHeight}`,
    mount: summary(mounts),
    tick: summary(ticks),
    idleFrame: summary(idle).frame,
    oneTextFrame: summary(oneText).frame,
  };
  report.textContent = JSON.stringify(result, null, 2);
  (window as unknown as { __benchResult: unknown }).__benchResult = result;
}

measure().catch((error: unknown) => {
  const text = error instanceof Error ? error.message : String(error);
  (window as unknown as { __benchResult: unknown }).__benchResult = { error: text };
  const report = document.getElementById('bench-report');
  if (report) report.textContent = `failed: ${text}`;
});
