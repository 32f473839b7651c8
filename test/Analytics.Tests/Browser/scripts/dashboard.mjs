// Drives the dashboard like a person and writes what it shows as JSON.
//   node dashboard.mjs <server url> <api key> <app id> <output.json> [screenshot.png]
// Between the first look at the live panel and the second it prints LIVE_BASELINE and waits
// for one line on stdin (the test sends traffic meanwhile); at the end of stdin it goes on.
import { deadline, launch, openPage, readLine, write } from './browser.mjs';

const [serverUrl, apiKey, appId, outPath, screenshotPath] = process.argv.slice(2);
if (!serverUrl || !apiKey || !appId || !outPath) {
  console.error('usage: node dashboard.mjs <server url> <api key> <app id> <output.json> [screenshot.png]');
  process.exit(64);
}

const report = { step: 'start' };
const cancelDeadline = deadline(170_000, outPath, report);
const settled = ['ready', 'empty', 'error'];

// Everything the dashboard shows, read from the DOM and from the Chart.js instances.
function snapshot() {
  const num = v => (v === undefined || v === '' ? null : Number(v));
  const tables = {};
  for (const table of document.querySelectorAll('table[data-table]')) {
    tables[table.dataset.table] = [...table.querySelectorAll('tbody tr')].map(tr => ({
      id: tr.dataset.id ?? tr.dataset.cohort ?? null,
      label: tr.querySelector('td')?.textContent ?? '',
      values: Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map(td => [td.dataset.key, num(td.dataset.value)])),
      cells: Object.fromEntries([...tr.querySelectorAll('td[data-day]')].map(td => [td.dataset.day, td.dataset.count === undefined ? null : { count: num(td.dataset.count), percent: num(td.dataset.percent), text: td.textContent }])),
      text: [...tr.querySelectorAll('td')].map(td => td.textContent),
    }));
  }
  const bars = {};
  for (const list of document.querySelectorAll('ol[data-list]')) {
    bars[list.dataset.list] = [...list.querySelectorAll('li')].map(li => ({
      name: li.dataset.name, value: num(li.dataset.value), percent: num(li.dataset.percent), text: li.querySelector('.bar-name').textContent,
    }));
  }
  const charts = {};
  for (const canvas of document.querySelectorAll('canvas')) {
    const chart = globalThis.Chart?.getChart(canvas);
    if (chart) {
      charts[canvas.id] = { labels: [...chart.data.labels], datasets: chart.data.datasets.map(d => ({ label: d.label, data: [...d.data] })) };
    }
  }
  const panels = {};
  for (const panel of document.querySelectorAll('[data-panel]')) {
    panels[panel.dataset.panel] = { state: panel.dataset.state ?? null, error: panel.dataset.error ?? null, status: panel.querySelector('[data-slot=status]')?.textContent ?? '' };
  }
  const live = document.querySelector('[data-panel=live]').dataset;
  const select = document.getElementById('app-select');
  return {
    view: document.body.dataset.view,
    app: document.body.dataset.app,
    title: document.title,
    appOptions: [...select.options].map(o => ({ value: o.value, text: o.textContent })),
    selectedAppText: select.selectedOptions[0]?.textContent ?? null,
    kpis: Object.fromEntries([...document.querySelectorAll('[data-kpi]')].map(k => [k.dataset.kpi, k.dataset.value])),
    eventTotals: Object.fromEntries([...document.querySelectorAll('[data-total]')].map(k => [k.dataset.total, num(k.dataset.value)])),
    tables,
    bars,
    charts,
    panels,
    live: { state: panels.live.state, online: num(live.online), newOnline: num(live.newOnline), maxOnline: num(live.maxOnline), maxNew: num(live.maxNew), refreshes: num(live.refreshes) },
    countriesPeriod: document.querySelector('[data-panel=countries]').dataset.period ?? null,
    credit: document.querySelector('[data-panel=countries] .credit')?.textContent ?? null,
    injected: { xss: globalThis.__xss ?? null, images: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length },
    storage: { apiKey: sessionStorage.getItem('analytics.apiKey'), appId: sessionStorage.getItem('analytics.appId') },
  };
}

async function waitSettled(page, id) {
  await page.waitForFunction(([wanted, states]) =>
    document.body.dataset.app === wanted && document.body.dataset.loaded
    && [...document.querySelectorAll('[data-panel]')].every(p => states.includes(p.dataset.state)),
  [id, settled], { timeout: 45_000 });
}

// segment null: whichever segment the panel chose.
async function waitEventPanel(page, event, segment) {
  await page.waitForFunction(([e, s, states]) => {
    const p = document.querySelector('[data-panel=events]');
    return p.dataset.event === e && (s === null || p.dataset.segment === s) && states.includes(p.dataset.state);
  }, [event, segment, settled]);
}

const liveSums = s => {
  const rows = s.tables.live ?? [];
  const sum = key => rows.reduce((a, r) => a + (r.values[key] ?? 0), 0);
  return { s: sum('s'), r: sum('r'), e: sum('e') };
};

let browser;
try {
  browser = await launch();
  const page = await openPage(browser, report);

  report.step = 'open /dashboard';
  const response = await page.goto(`${serverUrl}/dashboard`);
  report.landing = { status: response.status(), url: page.url(), csp: response.headers()['content-security-policy'] ?? null };
  await page.waitForSelector('#sign-in:visible');

  report.step = 'sign in with a wrong key';
  await page.fill('#api-key', 'not-an-api-key');
  await page.click('#sign-in-button');
  await page.waitForSelector('#sign-in-error:visible');
  report.wrongKey = { message: await page.textContent('#sign-in-error'), view: await page.evaluate(() => document.body.dataset.view) };

  report.step = 'sign in';
  await page.fill('#api-key', apiKey);
  await page.click('#sign-in-button');
  await page.waitForFunction(() => document.body.dataset.view === 'dashboard');
  report.step = 'choose the app';
  await page.selectOption('#app-select', appId);
  await waitSettled(page, appId);
  report.initial = await page.evaluate(snapshot);

  report.step = 'events';
  report.events = {};
  const eventKeys = await page.$$eval('#event-select option', os => os.map(o => o.value));
  for (const key of eventKeys) {
    await page.selectOption('#event-select', key);
    await waitEventPanel(page, key, null);
    const plain = await page.evaluate(snapshot);
    const entry = {
      chosenSegment: await page.$eval('#segment-select', s => s.value),
      plain: { state: plain.panels.events.state, error: plain.panels.events.error, days: plain.tables['event-days'] ?? [], totals: plain.eventTotals, chart: plain.charts['events-chart'] ?? null },
      segments: {},
    };
    const segments = await page.$$eval('#segment-select option', os => os.map(o => o.value));
    for (const segment of segments) {
      await page.selectOption('#segment-select', segment);
      await waitEventPanel(page, key, segment);
      const split = await page.evaluate(snapshot);
      entry.segments[segment] = { state: split.panels.events.state, rows: split.tables['event-segments'] ?? [], days: split.tables['event-days'] ?? [] };
    }
    report.events[key] = entry;
  }
  if (eventKeys.length > 0) {
    // Leave the first event, with its first segment, on screen for the screenshot.
    await page.selectOption('#event-select', eventKeys[0]);
    await waitEventPanel(page, eventKeys[0], null);
  }

  report.step = 'countries periods';
  report.countries = {};
  for (const period of ['today', '7days', '30days']) {
    await page.click(`[data-panel=countries] button[data-period="${period}"]`);
    const s = await page.evaluate(snapshot);
    report.countries[period] = { period: s.countriesPeriod, rows: s.tables.countries ?? [] };
  }

  report.step = 'live baseline';
  await page.waitForFunction(states => states.includes(document.querySelector('[data-panel=live]').dataset.state), settled);
  const before = await page.evaluate(snapshot);
  report.live = { before: { ...before.live, sums: liveSums(before), error: before.panels.live.error } };
  console.log('LIVE_BASELINE');
  const reply = await readLine(60_000);
  report.live.reply = reply;

  report.step = 'live update';
  if (before.live.state === 'ready') {
    try {
      await page.waitForFunction(([b, sums]) => {
        const d = document.querySelector('[data-panel=live]').dataset;
        if (d.state !== 'ready') {
          return false;
        }
        const rows = [...document.querySelectorAll('table[data-table=live] tbody tr')];
        const sum = key => rows.reduce((a, tr) => a + Number(tr.querySelector(`td[data-key=${key}]`)?.dataset.value ?? 0), 0);
        return Number(d.online) > b.online || Number(d.newOnline) > b.newOnline || sum('r') > sums.r || sum('s') > sums.s || sum('e') > sums.e;
      }, [before.live, liveSums(before)], { timeout: 30_000 });
      report.live.changed = true;
    } catch {
      report.live.changed = false;
    }
  } else {
    // Two more refreshes: the panel stays in its error state and keeps trying.
    await page.waitForTimeout(9_000);
  }
  const after = await page.evaluate(snapshot);
  report.live.after = { ...after.live, sums: liveSums(after), error: after.panels.live.error, rows: after.tables.live ?? [], chart: after.charts['live-chart'] ?? null };

  if (screenshotPath) {
    report.step = 'screenshot';
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath, fullPage: true });
    await page.screenshot({ path: screenshotPath.replace(/\.png$/, '-screen.png'), fullPage: false });
  }

  report.step = 'reload';
  await page.reload();
  await waitSettled(page, appId);
  const reloaded = await page.evaluate(snapshot);
  report.reload = { view: reloaded.view, app: reloaded.app, signInVisible: await page.isVisible('#sign-in') };

  report.step = 'sign out';
  await page.click('#sign-out');
  await page.waitForFunction(() => document.body.dataset.view === 'signIn');
  report.signOut = await page.evaluate(() => ({
    view: document.body.dataset.view,
    apiKey: sessionStorage.getItem('analytics.apiKey'),
    appId: sessionStorage.getItem('analytics.appId'),
    keyField: document.getElementById('api-key').value,
  }));
  report.step = 'done';
} catch (e) {
  report.fatal = `${report.step}: ${e?.stack ?? e}`;
  console.error(report.fatal);
  try {
    const pages = browser?.contexts().flatMap(c => c.pages()) ?? [];
    if (pages[0]) {
      await pages[0].screenshot({ path: `${outPath}.failure.png`, fullPage: true });
    }
  } catch {
    // best effort
  }
} finally {
  await browser?.close().catch(() => {});
  write(outPath, report);
  cancelDeadline();
}
process.exit(report.fatal ? 1 : 0);
