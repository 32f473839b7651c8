// The dashboard: sign in with an api key (kept in sessionStorage, i.e. this tab only), choose
// one of the user's apps (/o/apps/mine), then load every panel for it.
import { Api } from './api.js';
import { destroyAll } from './charts.js';
import { h } from './dom.js';
import { Panel } from './panel.js';
import { clock, knownZone, offsetName } from './time.js';
import { CountriesPanel } from './panels/countries.js';
import { EventsPanel } from './panels/events.js';
import { LivePanel } from './panels/live.js';
import { loadOverview } from './panels/overview.js';
import { loadRetention } from './panels/retention.js';
import { loadUsage } from './panels/usage.js';
import { loadVersions } from './panels/versions.js';

const KEY_ITEM = 'analytics.apiKey';
const APP_ITEM = 'analytics.appId';

const $ = id => document.getElementById(id);

const views = {
  signIn: $('sign-in-view'),
  noApps: $('no-apps-view'),
  dashboard: $('dashboard-view'),
};

const panels = Object.fromEntries(
  ['summary', 'daily', 'live', 'hourly', 'countries', 'platforms', 'resolutions', 'carriers', 'versions', 'events', 'retention']
    .map(name => [name, new Panel(name)]));
const countries = new CountriesPanel(panels.countries);
const events = new EventsPanel(panels.events);
const live = new LivePanel(panels.live);

let api = null;
let apps = [];
let generation = 0;
let controller = null;

function show(view) {
  for (const [name, el] of Object.entries(views)) {
    el.hidden = name !== view;
  }
  const signedIn = view !== 'signIn';
  $('sign-out').hidden = !signedIn;
  $('refresh').hidden = view !== 'dashboard';
  $('app-picker').hidden = view !== 'dashboard';
  document.body.dataset.view = view;
}

function signInError(message) {
  const el = $('sign-in-error');
  el.textContent = message;
  el.hidden = !message;
}

async function signIn(key, remember) {
  const button = $('sign-in-button');
  button.disabled = true;
  button.textContent = 'Signing in…';
  signInError('');
  try {
    const candidate = new Api(key);
    const mine = await candidate.get('/o/apps/mine');
    api = candidate;
    if (remember) {
      sessionStorage.setItem(KEY_ITEM, key);
    }
    chooseApp(mine);
  } catch (e) {
    sessionStorage.removeItem(KEY_ITEM);
    show('signIn');
    signInError(e?.message || String(e));
    $('api-key').focus();
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

function chooseApp(mine) {
  const byId = new Map();
  for (const group of [mine?.admin_of, mine?.user_of]) {
    for (const app of Object.values(group ?? {})) {
      if (app && typeof app._id === 'string') {
        byId.set(app._id, app);
      }
    }
  }
  apps = [...byId.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  if (apps.length === 0) {
    show('noApps');
    return;
  }
  const select = $('app-select');
  select.replaceChildren(...apps.map(app => h('option', { value: app._id }, String(app.name ?? app._id))));
  const remembered = sessionStorage.getItem(APP_ITEM);
  select.value = apps.some(a => a._id === remembered) ? remembered : apps[0]._id;
  show('dashboard');
  openApp(select.value);
}

function openApp(appId) {
  const app = apps.find(a => a._id === appId);
  if (!app) {
    return;
  }
  sessionStorage.setItem(APP_ITEM, app._id);
  const zone = knownZone(String(app.timezone || 'UTC'));
  const offset = offsetName(zone);
  $('app-zone').textContent = `times in ${zone}${offset && offset !== zone ? ` (${offset})` : ''}`;
  document.title = `${app.name} · Analytics`;
  document.body.dataset.app = app._id;

  controller?.abort();
  controller = new AbortController();
  const mine = ++generation;
  const ctx = {
    api,
    app: { id: app._id, name: String(app.name), zone },
    signal: controller.signal,
    current: () => mine === generation,
  };
  $('loaded-at').textContent = `loaded ${clock(Date.now(), zone)}`;
  live.start(ctx);
  Promise.allSettled([
    loadOverview(ctx, panels),
    loadUsage(ctx, panels),
    loadVersions(ctx, panels.versions),
    countries.load(ctx),
    events.load(ctx),
    loadRetention(ctx, panels.retention),
  ]).then(results => {
    for (const r of results) {
      if (r.status === 'rejected') {
        console.warn('panel failed', r.reason);
      }
    }
    if (ctx.current()) {
      document.body.dataset.loaded = String(mine);
    }
  });
}

function signOut() {
  generation += 1;
  controller?.abort();
  live.stop();
  destroyAll(views.dashboard);
  api = null;
  apps = [];
  sessionStorage.removeItem(KEY_ITEM);
  sessionStorage.removeItem(APP_ITEM);
  $('api-key').value = '';
  document.title = 'Analytics dashboard';
  show('signIn');
  $('api-key').focus();
}

$('sign-in').addEventListener('submit', e => {
  e.preventDefault();
  const key = $('api-key').value.trim();
  if (!key) {
    signInError('Enter an API key');
    return;
  }
  signIn(key, true);
});
$('app-select').addEventListener('change', e => openApp(e.target.value));
$('refresh').addEventListener('click', () => openApp($('app-select').value));
$('sign-out').addEventListener('click', signOut);

const saved = sessionStorage.getItem(KEY_ITEM);
if (saved) {
  show('signIn');
  signIn(saved, false);
} else {
  show('signIn');
  $('api-key').focus();
}
