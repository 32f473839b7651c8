// /o/analytics/countries: sessions, users and new users by country for 30 days, 7 days and today.
import { dataTable, h } from '../dom.js';

const COLUMNS = [
  { key: 't', label: 'Sessions' },
  { key: 'u', label: 'Users' },
  { key: 'n', label: 'New users' },
];

export class CountriesPanel {
  constructor(panel) {
    this.panel = panel;
    this.data = null;
    this.period = '30days';
    this.buttons = [...panel.slot('periods').querySelectorAll('button')];
    for (const button of this.buttons) {
      button.addEventListener('click', () => {
        this.period = button.dataset.period;
        this.render();
      });
    }
  }

  async load(ctx) {
    this.panel.loading();
    this.data = null;
    try {
      this.data = await ctx.api.get('/o/analytics/countries', { app_id: ctx.app.id }, ctx.signal);
    } catch (e) {
      if (ctx.current() && e?.name !== 'AbortError') {
        this.panel.slot('table').replaceChildren();
        this.panel.error(e);
      }
      return;
    }
    if (!ctx.current()) {
      return;
    }
    this.render();
    this.panel.ready();
  }

  render() {
    for (const button of this.buttons) {
      button.setAttribute('aria-pressed', String(button.dataset.period === this.period));
    }
    this.panel.el.dataset.period = this.period;
    const rows = (Array.isArray(this.data?.[this.period]) ? this.data[this.period] : []).map(r => ({
      id: String(r.code),
      label: String(r.country),
      values: { t: Number(r.t) || 0, u: Number(r.u) || 0, n: Number(r.n) || 0 },
    }));
    this.panel.slot('table').replaceChildren(rows.length
      ? dataTable('countries', 'Country', COLUMNS, rows)
      : h('p', { class: 'empty-note' }, 'No sessions in this period'));
  }
}
