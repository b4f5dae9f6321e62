// Screenshots of the console over the pretend desk (preview.html) in WebKitGTK, at the two
// screen sizes staff use: 1280x720 and 1920x1080. Written to ui/shots/ (not committed).
// Also walks the End Session flow with the keyboard alone, and fails if it cannot.
// Run under a display: `npm run shots` wraps this in xvfb-run.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { servePage, withWebKit } from './webkit.mjs';

const out = fileURLToPath(new URL('../shots/', import.meta.url));
await mkdir(out, { recursive: true });
const page = await servePage('preview.html', 'preview-dist');

const click = (testId) =>
  `document.querySelector('[data-testid="${testId}"]').click(); return true;`;

const TAB = '\uE004';
const ENTER = '\uE007';
const ESCAPE = '\uE00C';
const active =
  'const a = document.activeElement; return a ? (a.dataset.testid || a.tagName) : null;';

/** Ends a session with the keyboard alone: Tab to End Session, Enter, Tab, Enter. */
async function keyboardWalk(browser) {
  await browser.run(`document.querySelector('[data-testid="nav-sessions"]').click(); return true;`);
  await browser.until(
    'return document.querySelectorAll("[data-testid=session-row]").length',
    5_000,
  );
  const before = await browser.run(
    'return document.querySelectorAll("[data-testid=session-row]").length;',
  );
  await browser.run('document.activeElement?.blur(); return true;');
  let tabs = 0;
  while ((await browser.run(active)) !== 'end-session') {
    tabs += 1;
    if (tabs > 60) throw new Error('Tab never reached an End Session button');
    await browser.keys(TAB);
  }
  await browser.keys(ENTER);
  await browser.until('return document.querySelector("dialog[open]")', 5_000);
  const inDialog = await browser.run('return !!document.activeElement?.closest("dialog[open]");');
  if (!inDialog) throw new Error('focus did not move into the End Session dialog');
  await browser.keys(ESCAPE);
  await browser.until('return !document.querySelector("dialog[open]")', 5_000);
  await browser.keys(ENTER);
  await browser.until('return document.querySelector("dialog[open]")', 5_000);
  await browser.keys(TAB, ENTER);
  await browser.until(
    `return document.querySelectorAll("[data-testid=session-row]").length === ${before - 1}`,
    5_000,
  );
  const status = await browser.run(
    'return document.querySelector("[data-testid=status]").textContent.trim();',
  );
  console.log(
    `keyboard: ${tabs} Tabs to End Session; Escape closes the dialog; Tab, Enter ends it`,
  );
  console.log(`keyboard: status reads "${status}"`);
}

try {
  await withWebKit(async (browser) => {
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
    ]) {
      await browser.size(w, h);
      await browser.go(page.url);
      await browser.until(
        'return document.querySelectorAll("[data-testid=session-row]").length',
        20_000,
      );
      await writeFile(`${out}sessions-${w}x${h}.png`, await browser.screenshot());

      await browser.run(
        'document.querySelector(\'[data-testid="session-row"] [data-testid="end-session"]\')' +
          '.click(); return true;',
      );
      await browser.until('return document.querySelector("dialog[open]")', 5_000);
      await writeFile(`${out}end-dialog-${w}x${h}.png`, await browser.screenshot());
      await browser.run('document.querySelector("dialog[open]").close(); return true;');

      await browser.run(click('clean-up'));
      await browser.until(
        'return document.querySelector("[data-testid=status]").textContent.trim()',
        5_000,
      );
      await writeFile(`${out}clean-up-${w}x${h}.png`, await browser.screenshot());

      await browser.run(click('nav-pcs'));
      await browser.until('return document.querySelectorAll("[data-testid=pc-row]").length', 5_000);
      await writeFile(`${out}pcs-${w}x${h}.png`, await browser.screenshot());

      await browser.run(click('nav-settings'));
      await browser.until('return document.querySelector("[data-testid=settings-zone]")', 5_000);
      await writeFile(`${out}settings-${w}x${h}.png`, await browser.screenshot());

      if (w === 1280) await keyboardWalk(browser);

      await browser.go(`${page.url}?signed-in=0`);
      await browser.until('return document.querySelector("[data-testid=sign-in]")', 20_000);
      await writeFile(`${out}sign-in-${w}x${h}.png`, await browser.screenshot());
    }
  });
  console.log(`screenshots in ${out}`);
} finally {
  await page.close();
}
