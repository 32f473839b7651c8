'use strict';
// A device-id change with merge through the real countly-sdk-nodejs: begin_session as
// scenario.deviceId, then Countly.change_id(scenario.newId, true) in the middle of the session
// (the SDK sends old_device_id and keeps the session going under the new id), the SDK's own
// session extension, end_session; exits once the end_session request was acknowledged.
// Usage: node sdk-change-id.js <serverUrl> <appKey> <storageDir> <scenarioJson>
//   scenario: { deviceId, newId, timeoutMs? }
// Prints JSON lines: every HTTP exchange of the SDK ("exchange"), then "done".

const path = require('path');
const capture = require('./capture');

const [url, appKey, storageDir, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson);
capture.guard(scenario.timeoutMs || 60000);
capture.install('sdk');

const Countly = require('countly-sdk-nodejs');

async function main() {
    Countly.init({
        app_key: appKey,
        url,
        device_id: scenario.deviceId,
        storage_path: `${path.resolve(storageDir)}/`,
        clear_stored_device_id: true,
        interval: 100,
        session_update: 1,
        fail_timeout: 1,
    });
    Countly.begin_session();
    await capture.until(() => capture.acknowledged((p) => p.begin_session !== undefined));

    Countly.change_id(scenario.newId, true);
    await capture.until(() => capture.acknowledged((p) => p.old_device_id !== undefined));
    await capture.until(() => capture.acknowledged((p) => p.session_duration !== undefined && p.device_id === scenario.newId && p.end_session === undefined));
    Countly.end_session();
    await capture.until(() => capture.acknowledged((p) => p.end_session !== undefined));
    capture.finish({ deviceId: scenario.newId });
}

main().catch((e) => {
    capture.emit({ type: 'error', error: String(e && e.stack || e) });
    process.exit(2);
});
