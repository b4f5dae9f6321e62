// Shared steps for the scripts that open the console's pages in WebKitGTK (the engine of the
// desk console's web view on Linux): build a page in production mode, serve it on 127.0.0.1,
// and drive MiniBrowser through WebKitWebDriver's HTTP interface.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const miniBrowser =
  process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Builds `page` (an HTML file in ui/) into `outDir` and serves it; resolves to { url, close }. */
export async function servePage(page, outDir) {
  await build({
    root,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: page } },
  });
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: await freePort(), strictPort: true },
  });
  return { url: `${server.resolvedUrls.local[0]}${page}`, close: () => server.close() };
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`webdriver ${method} ${path}: ${JSON.stringify(json)}`);
  return json.value;
}

/**
 * Starts WebKitWebDriver and one MiniBrowser session, runs `fn(browser)`, then ends both.
 * `browser` has `go(url)`, `size(w, h)`, `keys(...keys)`, `run(script, ...args)`,
 * `screenshot()` (PNG bytes)
 * and `until(script, timeoutMs)` (polls until the script returns something truthy).
 */
export async function withWebKit(fn) {
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  let id = null;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await call(base, 'GET', '/status');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start: ${error}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const session = await call(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
        },
      },
    });
    id = session.sessionId;
    const s = `/session/${id}`;
    const browser = {
      go: (url) => call(base, 'POST', `${s}/url`, { url }),
      size: (width, height) => call(base, 'POST', `${s}/window/rect`, { width, height }),
      // Presses keys one after another (WebDriver key codes, e.g. '\uE004' for Tab).
      keys: (...keys) =>
        call(base, 'POST', `${s}/actions`, {
          actions: [
            {
              type: 'key',
              id: 'keyboard',
              actions: keys.flatMap((value) => [
                { type: 'keyDown', value },
                { type: 'keyUp', value },
              ]),
            },
          ],
        }),
      run: (script, ...args) => call(base, 'POST', `${s}/execute/sync`, { script, args }),
      // A short pause first, so the last DOM change has been painted.
      screenshot: async () => {
        await new Promise((r) => setTimeout(r, 400));
        return Buffer.from(await call(base, 'GET', `${s}/screenshot`), 'base64');
      },
      until: async (script, timeoutMs) => {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const value = await browser.run(script);
          if (value) return value;
          if (Date.now() > end) throw new Error(`timed out waiting for: ${script}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
    };
    return await fn(browser);
  } finally {
    if (id) await call(base, 'DELETE', `/session/${id}`).catch(() => {});
    driver.kill('SIGTERM');
  }
}
