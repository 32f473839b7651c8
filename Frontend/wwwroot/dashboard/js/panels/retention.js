// method=retention&period=adaily&span=14&rettype=classic: daily cohorts, oldest first,
// [{"_id":"yyyymmdd","tu":N,"1":n1,"2":n2,…}] — who came back N days after their first session.
import { formatNumber, h } from '../dom.js';
import { cohortLabel, num } from '../time.js';

const SPAN = 14;

export async function loadRetention(ctx, panel) {
  panel.loading();
  const table = panel.slot('table');
  let rows;
  try {
    rows = await ctx.api.read(ctx.app.id, 'retention', { period: 'adaily', span: SPAN, rettype: 'classic' }, ctx.signal);
  } catch (e) {
    if (ctx.current() && e?.name !== 'AbortError') {
      table.replaceChildren();
      panel.error(e, 'retention');
    }
    return;
  }
  if (!ctx.current()) {
    return;
  }
  if (!Array.isArray(rows)) {
    table.replaceChildren();
    panel.error(new Error('the answer is not a list of cohorts'), 'retention');
    return;
  }
  const days = Array.from({ length: SPAN }, (_, i) => i + 1);
  table.replaceChildren(h('table', { class: 'retention', dataset: { table: 'retention' } },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Cohort (first session)'),
      h('th', { scope: 'col' }, 'Users'),
      days.map(d => h('th', { scope: 'col' }, `Day ${d}`)))),
    h('tbody', null, rows.map(row => {
      const tu = num(row?.tu);
      return h('tr', { dataset: { cohort: String(row?._id), users: tu } },
        h('td', null, cohortLabel(row?._id)),
        h('td', { dataset: { key: 'tu', value: tu } }, formatNumber(tu)),
        days.map(d => cell(row, d, tu)));
    }))));
  if (rows.length === 0) {
    panel.empty('No cohorts in the last 14 days');
  } else {
    panel.ready();
  }
}

function cell(row, day, tu) {
  const value = row?.[String(day)];
  if (typeof value !== 'number') {
    return h('td', { class: 'cell na', dataset: { day } });
  }
  const percent = tu > 0 ? Math.round((1000 * value) / tu) / 10 : 0;
  const td = h('td', { class: value > 0 ? 'cell' : 'cell zero', dataset: { day, count: value, percent }, title: `${value} of ${tu} users` },
    h('span', { class: 'pct' }, tu > 0 ? `${percent}%` : '–'),
    value > 0 ? h('span', { class: 'count' }, formatNumber(value)) : null);
  if (value > 0) {
    td.style.backgroundColor = `rgba(37, 99, 235, ${(0.08 + (0.5 * Math.min(percent, 100)) / 100).toFixed(3)})`;
  }
  return td;
}
