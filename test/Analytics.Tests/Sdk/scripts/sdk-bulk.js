'use strict';
// Several users through the real countly-sdk-nodejs Bulk API (POST /i/bulk): each user gets
// begin_session(metrics, seconds, timestamp) (one begin plus the SDK's synthetic
// session_duration rows) and events; exits once every bulk request was acknowledged.
// Usage: node sdk-bulk.js <serverUrl> <appKey> <storageDir> <scenarioJson>
//   scenario: { users: [{ deviceId, sessions: [{ metrics, seconds, timestamp }], events: [...] }], timeoutMs? }

const path = require('path');
const capture = require('./capture');

const [url, appKey, storageDir, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
capture.guard(scenario.timeoutMs || 60000);
capture.install('bulk');

const CountlyBulk = require('countly-sdk-nodejs').Bulk;

const server = new CountlyBulk({
    app_key: appKey,
    url,
    interval: 100,
    fail_timeout: 1,
    storage_path: `${path.resolve(storageDir)}/`,
});

for (const u of scenario.users) {
    const user = server.add_user({ device_id: u.deviceId });
    for (const s of u.sessions || []) {
        user.begin_session(s.metrics, s.seconds, s.timestamp);
    }
    for (const e of u.events || []) {
        user.add_event(e);
    }
}

server.start();
capture.until(() => capture.exchanges.length > 0 && server.queue_size() === 0 && capture.inFlight() === 0
    && capture.exchanges[capture.exchanges.length - 1].ok).then(() => capture.finish());
