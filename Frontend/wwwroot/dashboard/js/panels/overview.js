// /o/analytics/dashboard: the 30-day summary cards and the top platforms, resolutions and carriers.
import { barList, formatNumber, h } from '../dom.js';
import { colors } from '../charts.js';

const KPIS = [
  { key: 'total_sessions', label: 'Total sessions', color: colors.sessions },
  { key: 'total_users', label: 'Total users', color: colors.users },
  { key: 'new_users', label: 'New users', color: colors.newUsers },
  { key: 'total_time', label: 'Time spent' },
  { key: 'avg_time', label: 'Avg. session time' },
  { key: 'avg_requests', label: 'Requests per user' },
];

const TOPS = ['platforms', 'resolutions', 'carriers'];

function change(figure) {
  if (!figure || figure.change === 'NA' || figure.change === undefined) {
    return h('div', { class: 'kpi-change' }, 'no previous data');
  }
  const up = figure.trend === 'u';
  return h('div', { class: `kpi-change ${up ? 'up' : 'down'}`, title: 'compared with the 30 days before' },
    `${up ? '▲' : '▼'} ${figure.change} vs previous 30 days`);
}

function kpi(def, figure) {
  const total = figure?.total;
  const shown = typeof total === 'number' ? formatNumber(total) : String(total ?? '–');
  return h('div', { class: 'kpi', dataset: { kpi: def.key, value: total ?? '' } },
    h('div', { class: 'kpi-label' }, def.color ? swatch(def.color) : null, def.label),
    h('div', { class: 'kpi-value' }, shown, figure?.is_estimate ? h('span', { class: 'muted', title: 'estimate' }, ' ≈') : null),
    change(figure));
}

function swatch(color) {
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = color;
  return s;
}

/** Loads the dashboard endpoint into the summary panel and the three top-list panels. */
export async function loadOverview(ctx, panels) {
  const targets = [panels.summary, ...TOPS.map(t => panels[t])];
  targets.forEach(p => p.loading());
  let data;
  try {
    data = await ctx.api.get('/o/analytics/dashboard', { app_id: ctx.app.id }, ctx.signal);
  } catch (e) {
    if (ctx.current() && e?.name !== 'AbortError') {
      targets.forEach(p => p.error(e));
    }
    return;
  }
  if (!ctx.current()) {
    return;
  }
  const month = data?.['30days'];
  const figures = month?.dashboard ?? {};
  panels.summary.slot('content').replaceChildren(...KPIS.map(def => kpi(def, figures[def.key])));
  panels.summary.ready();
  for (const name of TOPS) {
    const items = (month?.top?.[name] ?? []).map(i => ({ name: String(i.name), value: Number(i.value) || 0, percent: Number(i.percent) || 0 }));
    panels[name].slot('content').replaceChildren(barList(name, items));
    panels[name].ready();
  }
}
