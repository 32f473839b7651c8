'use strict';
// Records every HTTP exchange a Countly SDK makes through Node's `http.request` (the SDK itself
// is not modified: the module function is wrapped before the SDK sends anything) and prints one
// JSON line per finished exchange on stdout, for the C# test to read.

const http = require('http');

const exchanges = [];
let inFlight = 0;

/** Countly's own success rule (`cc.isResponseValid`): a 2xx status and a JSON body with a truthy `result`. */
function isResponseValid(status, text) {
    if (!(status >= 200 && status < 300)) {
        return false;
    }
    try {
        const json = JSON.parse(text);
        return !!(json && json.result);
    }
    catch (e) {
        return false;
    }
}

/** The request's parameters: the query string of a GET, the form body of a POST. */
function paramsOf(path, body) {
    const query = path.indexOf('?') >= 0 ? path.slice(path.indexOf('?') + 1) : '';
    const text = body !== null && body !== undefined ? body : query;
    const params = {};
    for (const part of text.split('&')) {
        if (!part) {
            continue;
        }
        const at = part.indexOf('=');
        const name = decodeURIComponent(at < 0 ? part : part.slice(0, at));
        params[name] = at < 0 ? '' : decodeURIComponent(part.slice(at + 1));
    }
    return params;
}

function emit(record) {
    process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Wraps `http.request`; `label` tags the lines (e.g. "sdk"). */
function install(label) {
    const original = http.request;
    http.request = function(options, callback) {
        const record = {
            type: 'exchange',
            label,
            method: (options && options.method) || 'GET',
            path: options && options.path,
            body: null,
            status: 0,
            response: null,
            ok: false,
            error: null,
            sentAt: Date.now(),
        };
        let finished = false;
        const finish = () => {
            if (finished) {
                return;
            }
            finished = true;
            inFlight--;
            record.params = paramsOf(record.path || '', record.body);
            exchanges.push(record);
            emit(record);
        };
        inFlight++;
        const req = original.call(http, options, (res) => {
            let text = '';
            res.on('data', (chunk) => {
                text += chunk;
            });
            res.on('end', () => {
                record.status = res.statusCode;
                record.response = text;
                record.ok = isResponseValid(res.statusCode, text);
                finish();
            });
            if (typeof callback === 'function') {
                callback(res);
            }
        });
        const write = req.write;
        req.write = function(chunk, ...rest) {
            record.body = (record.body || '') + chunk;
            return write.call(this, chunk, ...rest);
        };
        req.on('error', (e) => {
            record.error = String(e);
            finish();
        });
        return req;
    };
}

/** Resolves when `predicate()` holds, checking every 20 ms. */
function until(predicate) {
    return new Promise((resolve) => {
        const check = () => {
            if (predicate()) {
                resolve();
            }
            else {
                setTimeout(check, 20);
            }
        };
        check();
    });
}

/** Whether some acknowledged exchange matches `test(params)`. */
function acknowledged(test) {
    return exchanges.some((x) => x.ok && test(x.params));
}

/** Ends the process after printing a final line (the SDK's timers would keep it alive forever). */
function finish(extra) {
    emit(Object.assign({ type: 'done' }, extra || {}));
    process.exit(0);
}

/** Fails after `ms` (a guard against hanging; the C# side has its own hard timeout). */
function guard(ms) {
    setTimeout(() => {
        emit({ type: 'timeout', ms });
        process.exit(3);
    }, ms).unref();
}

module.exports = { install, until, acknowledged, finish, guard, emit, exchanges, inFlight: () => inFlight, isResponseValid, paramsOf };
