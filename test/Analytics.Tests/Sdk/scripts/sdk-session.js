'use strict';
// One device's session through the real countly-sdk-nodejs:
//   begin_session (with metrics) -> add_event(s) -> wait for the SDK's own session extension
//   (session_duration) -> end_session -> exit once the end_session request was acknowledged.
// Usage: node sdk-session.js <serverUrl> <appKey> <storageDir> <scenarioJson>
//   scenario: { deviceId, appVersion, metrics, events: [...], salt?, failFirstDelivery?, timeoutMs? }
// Prints JSON lines: every HTTP exchange of the SDK ("exchange"), every proxy delivery when
// failFirstDelivery is set ("delivery"), then "done".

const path = require('path');
const capture = require('./capture');
const proxy = require('./retry-proxy');

const [url, appKey, storageDir, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
capture.guard(scenario.timeoutMs || 60000);
capture.install('sdk');

// The SDK must be loaded from the repository's node_modules (passed in NODE_PATH or found upwards).
const Countly = require('countly-sdk-nodejs');

async function main() {
    let target = url;
    if (scenario.failFirstDelivery) {
        target = (await proxy.start(url, capture.emit)).url;
    }

    const conf = {
        app_key: appKey,
        url: target,
        device_id: scenario.deviceId,
        app_version: scenario.appVersion,
        storage_path: `${path.resolve(storageDir)}/`,
        clear_stored_device_id: true,
        interval: 100,
        session_update: 1,
        fail_timeout: 1,
        metrics: scenario.metrics,
    };
    if (scenario.salt) {
        conf.salt = scenario.salt;
    }
    Countly.init(conf);
    Countly.begin_session();
    for (const event of scenario.events || []) {
        Countly.add_event(event);
    }

    // The heartbeat sends session_duration on its own once more than session_update seconds passed.
    await capture.until(() => capture.acknowledged((p) => p.session_duration !== undefined && p.end_session === undefined));
    Countly.end_session();
    await capture.until(() => capture.acknowledged((p) => p.end_session !== undefined));
    capture.finish({ deviceId: scenario.deviceId });
}

main().catch((e) => {
    capture.emit({ type: 'error', error: String(e && e.stack || e) });
    process.exit(2);
});
