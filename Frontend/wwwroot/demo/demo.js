// Starts the vendored countly-sdk-web against this server's own origin.
'use strict';

(function () {
  const $ = id => document.getElementById(id);
  let started = false;

  function log(text) {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()} — ${text}`;
    $('log').append(item);
  }

  function status(text, isError) {
    const el = $('status');
    el.textContent = text;
    el.classList.toggle('error', Boolean(isError));
  }

  function start(appKey) {
    if (started) {
      return;
    }
    const Countly = window.Countly;
    $('tracking').hidden = false;
    if (!Countly || typeof Countly.init !== 'function') {
      status('The Countly web SDK did not load.', true);
      return;
    }
    started = true;
    $('start-form').hidden = true;
    Countly.init({
      app_key: appKey,
      url: window.location.origin,
      // Headless browsers (and the browser tests) carry "HeadlessChrome" in their user agent,
      // which the SDK would otherwise drop as a bot.
      ignore_bots: false,
      app_version: '1.0.0',
    });
    Countly.track_sessions();
    Countly.track_pageview();
    document.body.dataset.tracking = 'on';
    $('server').textContent = window.location.origin;
    $('device').textContent = typeof Countly.get_device_id === 'function' ? Countly.get_device_id() : '';
    status('Tracking: a session and a page view are on their way to this server.');
    log('Countly.init, track_sessions, track_pageview');
  }

  $('start-form').addEventListener('submit', event => {
    event.preventDefault();
    const key = $('app-key').value.trim();
    if (key) {
      start(key);
    }
  });

  let clicks = 0;
  $('event-form').addEventListener('submit', event => {
    event.preventDefault();
    const color = $('event-color').value;
    clicks += 1;
    window.Countly.add_event({ key: 'demo_click', count: 1, sum: 1, segmentation: { color } });
    document.body.dataset.events = String(clicks);
    log(`add_event demo_click {color: ${color}}`);
  });

  const fromUrl = new URLSearchParams(window.location.search).get('app_key');
  if (fromUrl) {
    $('app-key').value = fromUrl;
    start(fromUrl.trim());
  }
})();
