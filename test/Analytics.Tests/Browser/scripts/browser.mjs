// Shared set-up of the browser scripts: Debian's Chromium driven by playwright-core (from the
// repository's node_modules), a hard deadline, and a record of everything that went wrong on
// the page (script errors, CSP violations, console errors other than expected HTTP errors).
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Exits with code 2 after ms, writing what is known so far. */
export function deadline(ms, outPath, report) {
  const timer = setTimeout(() => {
    report.fatal = `deadline of ${ms} ms passed (last step: ${report.step})`;
    writeFileSync(outPath, JSON.stringify(report, null, 2));
    console.error(report.fatal);
    process.exit(2);
  }, ms);
  return () => clearTimeout(timer);
}

export async function launch() {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars'],
  });
}

/** A page at 1366×768 (a laptop screen) that records its problems in report.problems. */
export async function openPage(browser, report) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  report.problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page.on('pageerror', e => report.problems.push(`page error: ${e.message}`));
  page.on('console', m => {
    // 4xx answers are part of what the tests exercise (wrong key, endpoints not there yet).
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      report.problems.push(`console error: ${m.text()}`);
    }
  });
  return page;
}

/** Resolves with the first line on stdin (or null at its end / after ms). */
export function readLine(ms) {
  return new Promise(resolve => {
    let buffer = '';
    const done = value => {
      clearTimeout(timer);
      process.stdin.removeAllListeners();
      process.stdin.pause();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), ms);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', chunk => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        done(buffer.slice(0, nl).trim());
      }
    });
    process.stdin.on('end', () => done(null));
    process.stdin.resume();
  });
}

export function write(outPath, report) {
  writeFileSync(outPath, JSON.stringify(report, null, 2));
}
