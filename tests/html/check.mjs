#!/usr/bin/env node
// tests/html/check.mjs - load pages in headless Chromium and say what a
// reader would find broken (tests/html.bats runs it on make handouts' pages).
//
//   node tests/html/check.mjs [--screenshot PAGE[#ID]=FILE.png] PAGE.html...
//
// --screenshot keeps a picture of PAGE's window (1100x1400), scrolled to the
// element ID when given, else at the top.
//
// One Chromium (CHROMIUM, default /usr/bin/chromium) loads every page in turn
// from file://, driven over the DevTools protocol on a pipe (fds 3 and 4, as
// --remote-debugging-pipe has it: JSON messages ended by a NUL byte), and
// prints a line per finding:
//
//   chromium pid N                    Chromium runs, leading process group N
//   loaded PAGE                       the page loaded
//   diagrams PAGE N of M drawn        N of the page's M ```mermaid blocks are an SVG
//   links PAGE N checked              N local links and images resolve
//   screenshot FILE WIDTHxHEIGHT      the page's top, as a PNG
//   error PAGE load: WHAT             the page did not load, a script failed, or it
//                                     asked the network (not file:) for something
//   error PAGE diagram: WHAT          a diagram not drawn, or Mermaid's error instead
//   error PAGE link: WHAT             a link or image to a missing file or anchor
//
// PAGE is the page's path, relative to the current folder when it is in it.
// HTML_CHECK_TIMES=1 also says on stderr when each page was done, what
// Chromium spent on it, and Chromium's CPU time in all.
// It exits 1 when it printed an error line, 2 when it could not run at all.
// Every page and the whole run have deadlines; Chromium is stopped at the end,
// whatever happens, with every process it started.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PAGE_SECONDS = 120;
const RUN_SECONDS = Number(process.env.HTML_CHECK_SECONDS || 480);

const args = process.argv.slice(2);
const shots = new Map(); // page path -> { file, id }
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--screenshot') {
    const [page, file = ''] = (args[++i] ?? '').split('=');
    const [name, id = ''] = page.split('#');
    shots.set(path.resolve(name), { file: path.resolve(file), id });
  } else pages.push(path.resolve(args[i]));
}
if (pages.length === 0) {
  console.error('usage: check.mjs [--screenshot PAGE[#ID]=FILE.png] PAGE.html...');
  process.exit(2);
}

let errors = 0;
const show = (page) => (page.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), page) : page);
const error = (page, kind, what) => {
  errors++;
  console.log(`error ${show(page)} ${kind}: ${what}`);
};

// Chromium, in a process group of its own, with a profile of its own.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'html-check-'));
const chromium = spawn(
  process.env.CHROMIUM || '/usr/bin/chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--no-default-browser-check',
    '--hide-scrollbars',
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    'about:blank',
  ],
  { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
);
console.log(`chromium pid ${chromium.pid}`);
let chromiumLog = '';
chromium.stderr.on('data', (data) => (chromiumLog = (chromiumLog + data).slice(-4000)));
// The live processes of Chromium's group (a zombie has exited already).
function group() {
  return fs.readdirSync('/proc').filter((pid) => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return /^\d+$/.test(pid) && Number(fields[2]) === chromium.pid && fields[0] !== 'Z';
    } catch {
      return false;
    }
  });
}
// Kill the group, and wait (5 s at most) until none of it is alive.
let stopped = false;
function stop(status) {
  if (!stopped && chromium.pid) {
    stopped = true;
    const until = Date.now() + 5000;
    do {
      try {
        process.kill(-chromium.pid, 'SIGKILL');
      } catch {}
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    } while (group().length > 0 && Date.now() < until);
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.exit(status);
}
chromium.on('error', (e) => {
  console.log(`error chromium: cannot start it: ${e.message}`);
  stop(2);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(2));
const deadline = setTimeout(() => {
  console.log(`error chromium: the check took more than ${RUN_SECONDS} s`);
  stop(2);
}, RUN_SECONDS * 1000);

// The protocol: send(method, params, session) answers with the result; on(e)
// hears events.
const toBrowser = chromium.stdio[3];
const fromBrowser = chromium.stdio[4];
let nextId = 1;
const waiting = new Map();
const listeners = new Set();
let buffer = '';
fromBrowser.setEncoding('utf8');
fromBrowser.on('data', (data) => {
  buffer += data;
  let end;
  while ((end = buffer.indexOf('\0')) >= 0) {
    const message = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    if (message.id && waiting.has(message.id)) {
      const { resolve, reject, method } = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners) listener(message);
    }
  }
});
fromBrowser.on('end', () => {
  if (stopped) return;
  console.log(`error chromium: it exited early; its last words:\n${chromiumLog}`);
  stop(2);
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject, method });
    toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) }) + '\0');
  });
}
const withDeadline = (promise, seconds, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: more than ${seconds} s`)), seconds * 1000))]);

// What the page shows once its diagrams are done (page.js sets
// data-diagrams on the html element): each diagram, every link and image,
// every id.
const inspect = `(async () => {
  const until = Date.now() + ${PAGE_SECONDS * 1000 - 5000};
  while (!(document.documentElement && document.documentElement.dataset.diagrams) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
  const diagrams = [...document.querySelectorAll('figure.diagram, .diagram-error, pre.mermaid')].map((e) => {
    const svgs = e.querySelectorAll('svg');
    const box = svgs[0] ? svgs[0].getBoundingClientRect() : { width: 0, height: 0 };
    return {
      kind: e.matches('figure.diagram') ? 'drawn' : e.matches('.diagram-error') ? 'failed' : 'not drawn',
      svgs: svgs.length,
      width: box.width, height: box.height,
      role: svgs[0] ? svgs[0].getAttribute('aria-roledescription') : null,
      text: e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 300),
    };
  });
  return {
    status: document.documentElement.dataset.diagrams || null,
    diagrams,
    links: [...document.querySelectorAll('a[href]')].map((a) => ({ url: a.href, text: a.getAttribute('href') })),
    resources: [...document.querySelectorAll('img[src], script[src], link[href]')].map((e) => ({ url: e.src || e.href, text: e.getAttribute('src') || e.getAttribute('href') })),
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    text: document.body.innerText,
  };
})()`;

const found = new Map(); // page path -> what inspect returned

// Load a page and inspect it. The wait is for the load event of this very
// navigation (its loaderId): a page given up on cannot be taken for the next.
async function load(sessionId, page) {
  const url = pathToFileURL(page).href;
  let listener;
  const events = [];
  let wake = () => {};
  listeners.add(
    (listener = (m) => {
      if (m.sessionId === sessionId && m.method === 'Page.lifecycleEvent' && m.params.name === 'load') {
        events.push(m.params.loaderId);
        wake();
      }
    }),
  );
  try {
    const navigation = await send('Page.navigate', { url }, sessionId);
    if (navigation.errorText) throw new Error(`cannot load ${url}: ${navigation.errorText}`);
    while (!events.includes(navigation.loaderId)) await new Promise((resolve) => (wake = resolve));
  } finally {
    listeners.delete(listener);
  }
  const { result, exceptionDetails } = await send('Runtime.evaluate', { expression: inspect, awaitPromise: true, returnByValue: true }, sessionId);
  if (exceptionDetails) throw new Error(`inspecting the page: ${exceptionDetails.text}`);
  return result.value;
}

const started = Date.now();
async function main() {
  await withDeadline(send('Browser.getVersion'), 60, 'starting chromium');
  if (process.env.HTML_CHECK_TIMES) console.error(`chromium: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Page.enable', {}, sessionId);
  await send('Page.setLifecycleEventsEnabled', { enabled: true }, sessionId);
  await send('Runtime.enable', {}, sessionId);
  await send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 }, sessionId);
  if (process.env.HTML_CHECK_TIMES) await send('Performance.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: 1100, height: 1400, deviceScaleFactor: 1, mobile: false }, sessionId);

  let current = null;
  listeners.add((m) => {
    if (m.sessionId !== sessionId || !current) return;
    if (m.method === 'Runtime.exceptionThrown') {
      const d = m.params.exceptionDetails;
      error(current, 'load', `script error: ${(d.exception && d.exception.description) || d.text}`.split('\n')[0]);
    } else if (m.method === 'Network.requestWillBeSent') {
      const url = m.params.request.url;
      if (!/^(file|data|about|blob):/.test(url)) error(current, 'load', `it asks the network for ${url}`);
    } else if (m.method === 'Network.loadingFailed' && !m.params.canceled) {
      error(current, 'load', `a file it needs did not load (${m.params.errorText}, request ${m.params.requestId})`);
    }
  });

  for (const page of pages) {
    current = page;
    let seen;
    try {
      seen = await withDeadline(load(sessionId, page), PAGE_SECONDS, `loading ${path.basename(page)}`);
    } catch (e) {
      error(page, 'load', e.message);
      continue;
    }
    found.set(page, seen);
    console.log(`loaded ${show(page)}`);
    if (process.env.HTML_CHECK_TIMES) {
      const { metrics } = await send('Performance.getMetrics', {}, sessionId);
      const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
      console.error(`${path.basename(page)}: ${((Date.now() - started) / 1000).toFixed(1)} s; script ${m.ScriptDuration.toFixed(2)} task ${m.TaskDuration.toFixed(2)} layout ${m.LayoutDuration.toFixed(2)} style ${m.RecalcStyleDuration.toFixed(2)}`);
    }

    // The diagrams: as many as the page's ```mermaid blocks (page.js was
    // handed pre.mermaid elements), each one SVG of a size, none of them
    // Mermaid's own error picture or text.
    const blocks = (fs.readFileSync(page, 'utf8').match(/<pre class="mermaid"/g) || []).length;
    if (seen.status === null) error(page, 'diagram', 'its diagrams were never done (page.js did not finish)');
    let drawn = 0;
    seen.diagrams.forEach((d, i) => {
      const which = `diagram ${i + 1}`;
      if (d.kind !== 'drawn') error(page, 'diagram', `${which} ${d.kind}: ${d.text}`);
      else if (d.svgs !== 1) error(page, 'diagram', `${which} is ${d.svgs} SVGs, not one`);
      else if (!(d.width > 50 && d.height > 50)) error(page, 'diagram', `${which} is an SVG of ${d.width}x${d.height}`);
      else if (d.role === 'error' || /syntax error|parse error|mermaid version/i.test(d.text)) error(page, 'diagram', `${which} is Mermaid's error: ${d.text}`);
      else drawn++;
    });
    if (seen.diagrams.length !== blocks) error(page, 'diagram', `${seen.diagrams.length} diagrams shown for ${blocks} mermaid blocks`);
    if (/syntax error in text|parse error on line/i.test(seen.text)) error(page, 'diagram', 'Mermaid error text on the page');
    console.log(`diagrams ${show(page)} ${drawn} of ${blocks} drawn`);

    if (shots.has(page)) {
      const { file, id } = shots.get(page);
      const scroll = `(document.getElementById(${JSON.stringify(id)}) || document.body).scrollIntoView()`;
      await send('Runtime.evaluate', { expression: id ? scroll : 'window.scrollTo(0, 0)' }, sessionId);
      const { data } = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
      const png = Buffer.from(data, 'base64');
      fs.writeFileSync(file, png);
      console.log(`screenshot ${file} ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`);
    }
  }

  // The links, once every page's ids are known: a file: link must name an
  // existing file or folder; with #anchor, a page of this run with that id.
  for (const [page, seen] of found) {
    let checked = 0;
    for (const { url, text } of [...seen.links, ...seen.resources]) {
      if (!url.startsWith('file:')) continue; // http(s) and mailto: not followed
      const target = new URL(url);
      const hash = decodeURIComponent(target.hash.slice(1));
      target.hash = '';
      let file;
      try {
        file = fileURLToPath(target);
      } catch {
        error(page, 'link', `${text}: not a file`);
        continue;
      }
      if (!fs.existsSync(file)) {
        error(page, 'link', `${text}: no such file ${show(file)}`);
        continue;
      }
      if (hash) {
        const other = found.get(file);
        if (!other) error(page, 'link', `${text}: an anchor in ${path.basename(file)}, which is not one of the pages checked`);
        else if (!other.ids.includes(hash)) error(page, 'link', `${text}: ${path.basename(file)} has no id "${hash}"`);
        else checked++;
      } else checked++;
    }
    console.log(`links ${show(page)} ${checked} checked`);
  }
  if (process.env.HTML_CHECK_TIMES) {
    let ticks = 0;
    for (const pid of group()) {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        {
          ticks += Number(fields[11]) + Number(fields[12]);
          const type = /--type=([a-z-]+)/.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
          console.error(`  ${pid} ${type ? type[1] : 'browser'} ${(Number(fields[11]) + Number(fields[12])) / 100} s (children ${(Number(fields[13]) + Number(fields[14])) / 100} s)`);
        }
      } catch {}
    }
    console.error(`chromium CPU: ${ticks / 100} s`);
  }
  await send('Browser.close').catch(() => {});
}

main()
  .catch((e) => {
    console.log(`error chromium: ${e.message}`);
    errors++;
  })
  .finally(() => {
    clearTimeout(deadline);
    stop(errors > 0 ? 1 : 0);
  });
