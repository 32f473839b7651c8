'use strict';
// The real countly-sdk-web in Debian's headless Chromium (driven by playwright-core), as a user
// who is offline at first and then on a flaky network: the page inits the SDK in offline mode
// with consent required, gives consent, starts the session, adds an event and user details (all
// queued under the SDK's temporary id), then leaves offline mode with the real device id, lets
// a few session_duration heartbeats go out and ends the session.
// Between the browser and the server sits a proxy that forwards every request, but answers the
// FIRST delivery of each distinct /i request (its parameters without `rr`, the queue length that
// changes between attempts) with 500: the SDK keeps it and sends it again, so the server sees
// every write twice. Every delivery is printed as a JSON `exchange` line (what the server
// received and answered, and what the SDK was answered); exits once the SDK's queues are empty.
// Usage: node web-offline-retry.js <serverUrl> <appKey> <storageDir> <scenarioJson>
//   scenario: { deviceId, event: {...}, userDetails: {...}, heartbeatMs, chromium?, timeoutMs? }

const http = require('http');
const path = require('path');
const capture = require('./capture');
const { serve } = require('./web-page');

const [upstream, appKey, storageDir, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
capture.guard(scenario.timeoutMs || 90000);

const { chromium } = require('playwright-core');

const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers': 'countly-token, Content-Type',
};

function startProxy() {
    const seen = new Map();
    let pending = 0;
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async() => {
            if (req.method === 'OPTIONS') {
                res.writeHead(204, cors);
                res.end();
                return;
            }
            pending++;
            const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
            const params = capture.paramsOf(req.url, body);
            const withoutRr = Object.keys(params).filter((k) => k !== 'rr').sort().map((k) => [k, params[k]]);
            const key = `${req.url.split('?')[0]}\n${JSON.stringify(withoutRr)}`;
            const attempt = (seen.get(key) || 0) + 1;
            seen.set(key, attempt);
            const exchange = { type: 'exchange', label: 'web', method: req.method, path: req.url, body, params, attempt };
            try {
                const headers = {};
                if (req.headers['content-type']) {
                    headers['content-type'] = req.headers['content-type'];
                }
                const answer = await fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
                exchange.status = answer.status;
                exchange.response = await answer.text();
                exchange.ok = capture.isResponseValid(exchange.status, exchange.response);
                exchange.allowOrigin = answer.headers.get('access-control-allow-origin');
                const refuse = attempt === 1 && req.url.split('?')[0] === '/i';
                exchange.answeredStatus = refuse ? 500 : answer.status;
                res.writeHead(exchange.answeredStatus, Object.assign({}, cors, { 'content-type': 'application/json; charset=utf-8' }));
                res.end(refuse ? '{"result":"proxy: first delivery is not acknowledged"}' : exchange.response);
            }
            catch (e) {
                exchange.error = String(e);
                exchange.answeredStatus = 502;
                res.writeHead(502, cors);
                res.end();
            }
            capture.emit(exchange);
            pending--;
        });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        pending: () => pending,
        close: () => server.close(),
    })));
}

function page(config) {
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>Analytics SDK offline test</title>
<script src="/countly.js"></script>
<script>
Countly.init(${JSON.stringify(config)});
Countly.add_consent(["sessions", "events", "users", "views"]);
Countly.track_sessions();
Countly.add_event(${JSON.stringify(scenario.event)});
Countly.user_details(${JSON.stringify(scenario.userDetails)});
</script></head><body><h1>SDK offline test page</h1></body></html>`;
}


const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
    const proxy = await startProxy();
    const site = await serve(page({
        app_key: appKey,
        url: proxy.url,
        offline_mode: true,
        require_consent: true,
        ignore_bots: false,
        use_session_cookie: false,
        session_update: 1,
        interval: 100,
        fail_timeout: 1,
        debug: false,
    }));
    const browser = await chromium.launch({
        executablePath: scenario.chromium || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const tab = await (await browser.newContext()).newPage();
    tab.on('console', (message) => {
        if (message.type() === 'error' && !message.text().includes('status of 500')) {
            capture.emit({ type: 'console', level: message.type(), text: message.text() });
        }
    });
    tab.on('pageerror', (e) => capture.emit({ type: 'console', level: 'pageerror', text: String(e) }));
    const queues = () => tab.evaluate(() => {
        const q = Countly._internals.getLocalQueues();
        return { events: q.eventQ.length, requests: q.requestQ.length };
    });

    await tab.goto(`http://127.0.0.1:${site.address().port}/index.html`);
    await sleep(1000);
    capture.emit(Object.assign({ type: 'offline-queue' }, await queues()));
    await tab.evaluate((id) => Countly.disable_offline_mode(id), scenario.deviceId);
    await sleep(scenario.heartbeatMs || 3500);
    await tab.evaluate(() => Countly.end_session());
    for (;;) {
        const q = await queues();
        if (q.events + q.requests === 0 && proxy.pending() === 0) {
            break;
        }
        await sleep(50);
    }
    await browser.close();
    site.close();
    proxy.close();
    capture.finish({ storageDir: path.resolve(storageDir) });
}

main().catch((e) => {
    capture.emit({ type: 'error', error: String(e && e.stack || e) });
    process.exit(2);
});
