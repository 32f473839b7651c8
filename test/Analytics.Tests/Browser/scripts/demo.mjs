// Visits /demo with countly-sdk-web like a person: enters the app key, lets the SDK report a
// session and a page view, sends one custom event, and records every SDK request it saw.
//   node demo.mjs <server url> <api key> <app id> <output.json> [screenshot.png]
import { deadline, launch, openPage, write } from './browser.mjs';

const [serverUrl, apiKey, appId, outPath, screenshotPath] = process.argv.slice(2);
if (!serverUrl || !apiKey || !appId || !outPath) {
  console.error('usage: node demo.mjs <server url> <api key> <app id> <output.json> [screenshot.png]');
  process.exit(64);
}

const report = { step: 'start', requests: [] };
const cancelDeadline = deadline(90_000, outPath, report);

function summarize(request) {
  const url = new URL(request.url());
  const params = new URLSearchParams(request.method() === 'POST' ? request.postData() ?? '' : url.search);
  let events = [];
  try {
    events = params.has('events') ? JSON.parse(params.get('events')).map(e => ({ key: e.key, count: e.count, segmentation: e.segmentation ?? null })) : [];
  } catch {
    events = ['(unparsable)'];
  }
  return {
    method: request.method(),
    path: url.pathname,
    origin: request.headers().origin ?? null,
    beginSession: params.get('begin_session') === '1',
    endSession: params.get('end_session') === '1',
    deviceId: params.get('device_id'),
    appKey: params.get('app_key'),
    events,
    params: [...params.keys()],
    status: null,
  };
}

async function waitFor(predicate, what, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (report.requests.some(predicate)) {
      return;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`no ${what} within ${ms} ms`);
}

let browser;
try {
  report.step = 'find the app key';
  const mine = await (await fetch(`${serverUrl}/o/apps/mine?api_key=${encodeURIComponent(apiKey)}`)).json();
  const app = mine?.admin_of?.[appId] ?? mine?.user_of?.[appId];
  if (!app?.key) {
    throw new Error(`app ${appId} not in /o/apps/mine`);
  }

  browser = await launch();
  const page = await openPage(browser, report);
  const pending = new Map();
  page.on('request', request => {
    const path = new URL(request.url()).pathname;
    if (path === '/i' || path.startsWith('/i/') || path.startsWith('/o/sdk')) {
      const entry = summarize(request);
      pending.set(request, entry);
      report.requests.push(entry);
    }
  });
  page.on('requestfinished', async request => {
    const entry = pending.get(request);
    if (entry) {
      const response = await request.response();
      entry.status = response?.status() ?? null;
      entry.body = await response?.text().catch(() => null) ?? null;
    }
  });
  page.on('requestfailed', request => {
    const entry = pending.get(request);
    if (entry) {
      entry.status = 0;
      entry.failure = request.failure()?.errorText ?? 'failed';
    }
  });

  report.step = 'open /demo';
  const response = await page.goto(`${serverUrl}/demo`);
  report.landing = { status: response.status(), url: page.url(), csp: response.headers()['content-security-policy'] ?? null };

  report.step = 'start tracking';
  await page.fill('#app-key', app.key);
  await page.click('#start');
  await page.waitForFunction(() => document.body.dataset.tracking === 'on');
  report.deviceId = await page.textContent('#device');

  report.step = 'session and view';
  await waitFor(r => r.path === '/i' && r.beginSession && r.status === 200, 'begin_session answered 200');
  await waitFor(r => r.path === '/i' && r.events.some(e => e.key === '[CLY]_view') && r.status === 200, '[CLY]_view answered 200');

  report.step = 'custom event';
  await page.selectOption('#event-color', 'green');
  await page.click('#send-event');
  await waitFor(r => r.path === '/i' && r.events.some(e => e.key === 'demo_click') && r.status === 200, 'demo_click answered 200');
  report.log = await page.$$eval('#log li', items => items.map(i => i.textContent));

  if (screenshotPath) {
    report.step = 'screenshot';
    await page.screenshot({ path: screenshotPath, fullPage: true });
  }
  // What happens while the browser closes (an unload request, say) is not part of the run.
  report.requests = [...report.requests];
  report.step = 'done';
} catch (e) {
  report.fatal = `${report.step}: ${e?.stack ?? e}`;
  console.error(report.fatal);
} finally {
  await browser?.close().catch(() => {});
  write(outPath, report);
  cancelDeadline();
}
process.exit(report.fatal ? 1 : 0);
