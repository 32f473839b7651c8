// /o?method=app_versions: sessions per app version over the last 30 days.
import { barList } from '../dom.js';
import { at, lastDays, num } from '../time.js';

const SHOWN = 6;

/** Loads the app versions panel. */
export async function loadVersions(ctx, panel) {
  panel.loading();
  let data;
  try {
    data = await ctx.api.read(ctx.app.id, 'app_versions', { period: '30days' }, ctx.signal);
  } catch (e) {
    if (ctx.current() && e?.name !== 'AbortError') {
      panel.error(e);
    }
    return;
  }
  if (!ctx.current()) {
    return;
  }
  const days = lastDays(ctx.app.zone, 30);
  const values = Array.isArray(data?.meta?.app_versions) ? data.meta.app_versions : [];
  const totals = values
    .map(value => ({ value, t: days.reduce((sum, d) => sum + num(at(data, d.year, d.month, d.day, value, 't')), 0) }))
    .filter(v => v.t > 0)
    .sort((a, b) => b.t - a.t);
  const all = totals.reduce((sum, v) => sum + v.t, 0);
  // Countly stores a version's dots as ':' (they would be MongoDB path separators).
  const items = totals.slice(0, SHOWN).map(v => ({
    name: String(v.value).replaceAll(':', '.'),
    value: v.t,
    percent: Math.round((1000 * v.t) / all) / 10,
  }));
  panel.slot('content').replaceChildren(barList('versions', items));
  panel.ready();
}
