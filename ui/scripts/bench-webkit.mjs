// Measures the Live sessions screen in WebKitGTK, the engine of the desk console's web view on
// Linux: builds the measurement page (production mode), serves it on 127.0.0.1, opens it in
// MiniBrowser through WebKitWebDriver and prints what the page measured.
// Run under a display, e.g. `npm run bench:webkit` (which wraps this in xvfb-run).
// BENCH_ROWS sets the number of sessions (2000); BENCH_FULL=1 renders every row instead of
// the windowed list, to show what windowing saves.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = 'bench-dist';
const rows = Number(process.env.BENCH_ROWS ?? 2000);
const miniBrowser =
  process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function webdriver(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`webdriver ${method} ${path}: ${JSON.stringify(json)}`);
  return json.value;
}

async function waitForDriver(base) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const status = await webdriver(base, 'GET', '/status');
      if (status?.ready !== false) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('WebKitWebDriver did not start within 20 s');
}

await build({
  root,
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true, rollupOptions: { input: 'bench.html' } },
});
const server = await preview({
  root,
  logLevel: 'warn',
  build: { outDir },
  preview: { host: '127.0.0.1', port: await freePort(), strictPort: true },
});
const full = process.env.BENCH_FULL === '1' ? '&full=1' : '';
const pageUrl = `${server.resolvedUrls.local[0]}bench.html?rows=${rows}${full}`;

const driverPort = await freePort();
const driver = spawn('WebKitWebDriver', [`--port=${driverPort}`, '--host=127.0.0.1'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${driverPort}`;
let sessionId = null;

try {
  await waitForDriver(base);
  const session = await webdriver(base, 'POST', '/session', {
    capabilities: {
      alwaysMatch: {
        'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
      },
    },
  });
  sessionId = session.sessionId;
  const s = `/session/${sessionId}`;
  await webdriver(base, 'POST', `${s}/window/rect`, { width: 1920, height: 1080 }).catch(() => {});
  await webdriver(base, 'POST', `${s}/url`, { url: pageUrl });

  const deadline = Date.now() + 180_000;
  let result = null;
  while (!result && Date.now() < deadline) {
    result = await webdriver(base, 'POST', `${s}/execute/sync`, {
      script: 'return window.__benchResult ?? null;',
      args: [],
    });
    if (!result) await new Promise((r) => setTimeout(r, 500));
  }
  if (!result) throw new Error('the page reported nothing within 180 s');
  if (result.error) throw new Error(`the page failed: ${result.error}`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (sessionId) await webdriver(base, 'DELETE', `/session/${sessionId}`).catch(() => {});
  driver.kill('SIGTERM');
  await server.close();
}
