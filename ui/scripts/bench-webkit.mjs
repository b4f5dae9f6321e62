// Measures the Live sessions screen in WebKitGTK: builds bench.html in production mode, opens
// it in MiniBrowser and prints what the page measured (see src/bench/page.ts).
// Run under a display: `npm run bench:webkit` wraps this in xvfb-run.
// BENCH_ROWS sets the number of sessions (2000); BENCH_FULL=1 renders every row instead of
// the windowed list, to show what windowing saves; BENCH_STYLE adds CSS to try a rule's cost.
import { servePage, withWebKit } from './webkit.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 2000);
const full =
  (process.env.BENCH_FULL === '1' ? '&full=1' : '') +
  (process.env.BENCH_STYLE ? `&style=${encodeURIComponent(process.env.BENCH_STYLE)}` : '');
const page = await servePage('bench.html', 'bench-dist');

try {
  const result = await withWebKit(async (browser) => {
    await browser.size(1920, 1080).catch(() => {});
    await browser.go(`${page.url}?rows=${rows}${full}`);
    return browser.until('return window.__benchResult ?? null;', 180_000);
  });
  if (result.error) throw new Error(`the page failed: ${result.error}`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await page.close();
}
