'use strict';
// The real countly-sdk-web in Debian's headless Chromium (driven by playwright-core): a page
// served from its own origin loads lib/countly.js, inits it against the server, tracks the
// session and a page view, adds a custom event, and finally ends the session; exits once the
// end_session request was acknowledged and the SDK's queues are empty. Every request the browser made to the server, every
// failed request and every console error is printed as a JSON line.
// Usage: node web-session.js <serverUrl> <appKey> <storageDir> <scenarioJson>
//   scenario: { deviceId, appVersion, event: {...}, chromium?, timeoutMs? }

const path = require('path');
const capture = require('./capture');
const { serve } = require('./web-page');

const [url, appKey, storageDir, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
capture.guard(scenario.timeoutMs || 60000);

const { chromium } = require('playwright-core');

function page(config) {
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>Analytics SDK test</title>
<script src="/countly.js"></script>
<script>
Countly.init(${JSON.stringify(config)});
Countly.track_sessions();
Countly.track_pageview();
Countly.add_event(${JSON.stringify(scenario.event)});
</script></head><body><h1>SDK test page</h1></body></html>`;
}


function eventKeys(params) {
    try {
        return JSON.parse(params.events || '[]').map((e) => e.key);
    }
    catch (e) {
        return [];
    }
}

async function main() {
    const html = page({
        app_key: appKey,
        url,
        device_id: scenario.deviceId,
        app_version: scenario.appVersion,
        ignore_bots: false,
        use_session_cookie: false,
        interval: 100,
        fail_timeout: 1,
        debug: false,
    });
    const site = await serve(html);
    const origin = `http://127.0.0.1:${site.address().port}`;
    const browser = await chromium.launch({
        executablePath: scenario.chromium || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext();
    const tab = await context.newPage();
    const toServer = (u) => u.startsWith(url);
    let pending = 0; // requests to the server not yet recorded
    tab.on('request', (request) => {
        if (toServer(request.url())) {
            pending++;
        }
    });
    tab.on('response', (response) => record(response)
        .catch((e) => capture.emit({ type: 'error', error: String(e) }))
        .finally(() => {
            if (toServer(response.url())) {
                pending--;
            }
        }));
    async function record(response) {
        const request = response.request();
        if (!toServer(request.url())) {
            return;
        }
        let text = null;
        try {
            text = await response.text();
        }
        catch (e) {
            text = null;
        }
        const u = new URL(request.url());
        const body = request.postData();
        const exchange = {
            type: 'exchange',
            label: 'web',
            method: request.method(),
            path: u.pathname + u.search,
            body: body === undefined ? null : body,
            status: response.status(),
            response: text,
            ok: capture.isResponseValid(response.status(), text),
            allowOrigin: await response.headerValue('access-control-allow-origin'),
            origin: (await request.headerValue('origin')) || null,
        };
        exchange.params = capture.paramsOf(exchange.path, exchange.body);
        capture.exchanges.push(exchange);
        capture.emit(exchange);
    }
    tab.on('requestfailed', (request) => {
        if (toServer(request.url())) {
            pending--;
        }
        capture.emit({ type: 'failed', method: request.method(), url: request.url(), error: request.failure() && request.failure().errorText });
    });
    tab.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
            capture.emit({ type: 'console', level: message.type(), text: message.text() });
        }
    });
    tab.on('pageerror', (e) => capture.emit({ type: 'console', level: 'pageerror', text: String(e) }));

    await tab.goto(`${origin}/index.html`);
    const custom = scenario.event.key;
    await capture.until(() => capture.acknowledged((p) => p.begin_session !== undefined)
        && capture.acknowledged((p) => eventKeys(p).includes('[CLY]_view'))
        && capture.acknowledged((p) => eventKeys(p).includes(custom)));
    await tab.evaluate(() => Countly.end_session());
    await capture.until(() => capture.acknowledged((p) => p.end_session !== undefined));

    // end_session also queues the page view's duration ([CLY]_view with dur): wait until the
    // SDK's own queues are empty and every request it made was answered and recorded.
    const queued = () => tab.evaluate(() => {
        const q = Countly._internals.getLocalQueues();
        return q.eventQ.length + q.requestQ.length;
    });
    for (;;) {
        if (pending <= 0 && await queued() === 0 && pending <= 0) {
            break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await browser.close();
    site.close();
    capture.finish({ origin, storageDir: path.resolve(storageDir) });
}

main().catch((e) => {
    capture.emit({ type: 'error', error: String(e && e.stack || e) });
    process.exit(2);
});
