'use strict';
// The test page's own origin for the web SDK scripts: serves the given HTML at / and the real
// countly-sdk-web (lib/countly.js, unmodified) at /countly.js, on a free loopback port.

const fs = require('fs');
const http = require('http');

const sdkFile = require.resolve('countly-sdk-web/lib/countly.js');

/** Starts the page server; resolves to the listening http.Server. */
function serve(html) {
    const server = http.createServer((req, res) => {
        if (req.url === '/countly.js') {
            res.writeHead(200, { 'content-type': 'application/javascript' });
            fs.createReadStream(sdkFile).pipe(res);
        }
        else if (req.url === '/' || req.url.startsWith('/index.html')) {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            res.end(html);
        }
        else if (req.url === '/favicon.ico') {
            res.writeHead(204);
            res.end();
        }
        else {
            res.writeHead(404);
            res.end();
        }
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

module.exports = { serve };
