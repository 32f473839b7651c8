'use strict';
// A tiny HTTP proxy in front of the server: the FIRST delivery of every distinct request
// (method + path + body) is forwarded to the server, but the SDK is answered 500, so the SDK
// keeps the request and sends it again, unchanged; later deliveries are forwarded and the
// server's answer is passed back. Every delivery is printed as a JSON line.
// Use as a module (`start(upstream)`) or standalone: `node retry-proxy.js http://127.0.0.1:PORT`.

const http = require('http');

function start(upstream, emit) {
    emit = emit || ((record) => process.stdout.write(`${JSON.stringify(record)}\n`));
    const seen = new Map();
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async() => {
            const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
            const key = `${req.method} ${req.url}\n${body === null ? '' : body}`;
            const attempt = (seen.get(key) || 0) + 1;
            seen.set(key, attempt);
            const record = { type: 'delivery', method: req.method, path: req.url, body, attempt, upstreamStatus: 0, upstreamBody: null, answeredStatus: 0 };
            try {
                const headers = {};
                if (req.headers['content-type']) {
                    headers['content-type'] = req.headers['content-type'];
                }
                // fetch (undici) does not go through http.request, so an SDK capture never sees these.
                const answer = await fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
                record.upstreamStatus = answer.status;
                record.upstreamBody = await answer.text();
                if (attempt === 1) {
                    record.answeredStatus = 500;
                    res.writeHead(500, { 'content-type': 'application/json' });
                    res.end('{"result":"proxy: first delivery is not acknowledged"}');
                }
                else {
                    record.answeredStatus = answer.status;
                    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') || 'application/json' });
                    res.end(record.upstreamBody);
                }
            }
            catch (e) {
                record.error = String(e);
                record.answeredStatus = 502;
                res.writeHead(502);
                res.end();
            }
            emit(record);
        });
    });
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => {
            resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
        });
    });
}

module.exports = { start };

if (require.main === module) {
    start(process.argv[2]).then((p) => process.stdout.write(`${JSON.stringify({ type: 'listening', url: p.url })}\n`));
}
