// Events: the registry (get_events), one event's daily count and sum (events&event=K) and its
// breakdown by one segment (events&event=K&segmentation=S), over the last 30 days.
import { dataTable, formatNumber, formatPercent, h } from '../dom.js';
import { bar, colors, draw, integerAxis, line } from '../charts.js';
import { at, lastDays, num } from '../time.js';

const DAY_COLUMNS = [
  { key: 'c', label: 'Count' },
  { key: 's', label: 'Sum' },
  { key: 'dur', label: 'Duration (s)' },
];

const SEGMENT_COLUMNS = [
  { key: 'c', label: 'Count' },
  { key: 's', label: 'Sum' },
  { key: 'share', label: 'Share of count', format: formatPercent },
];

export class EventsPanel {
  constructor(panel) {
    this.panel = panel;
    this.eventSelect = document.getElementById('event-select');
    this.segmentSelect = document.getElementById('segment-select');
    this.ctx = null;
    this.segments = {};
    this.request = 0;
    this.eventSelect.addEventListener('change', () => {
      this.fillSegments();
      this.loadDetail();
    });
    this.segmentSelect.addEventListener('change', () => this.loadDetail());
  }

  async load(ctx) {
    this.ctx = ctx;
    this.panel.loading();
    this.eventSelect.disabled = true;
    this.segmentSelect.disabled = true;
    let registry;
    try {
      registry = await ctx.api.read(ctx.app.id, 'get_events', {}, ctx.signal);
    } catch (e) {
      if (ctx.current() && e?.name !== 'AbortError') {
        this.clear();
        this.panel.error(e, 'events');
      }
      return;
    }
    if (!ctx.current()) {
      return;
    }
    const list = Array.isArray(registry?.list) ? registry.list.map(String) : [];
    const order = Array.isArray(registry?.order) ? registry.order.map(String).filter(k => list.includes(k)) : [];
    const keys = [...order, ...list.filter(k => !order.includes(k)).sort()];
    this.segments = registry?.segments && typeof registry.segments === 'object' ? registry.segments : {};
    const previous = this.eventSelect.value;
    this.eventSelect.replaceChildren(...keys.map(k => h('option', { value: k }, k)));
    if (keys.length === 0) {
      this.clear();
      this.panel.empty('No custom events in this app yet');
      return;
    }
    this.eventSelect.value = keys.includes(previous) ? previous : keys[0];
    this.eventSelect.disabled = false;
    this.fillSegments();
    await this.loadDetail();
  }

  clear() {
    this.panel.slot('totals').replaceChildren();
    this.panel.slot('table').replaceChildren();
    this.panel.slot('segments').replaceChildren();
    this.eventSelect.replaceChildren();
    this.segmentSelect.replaceChildren();
    globalThis.Chart?.getChart(document.getElementById('events-chart'))?.destroy();
  }

  fillSegments() {
    const segments = Array.isArray(this.segments[this.eventSelect.value]) ? this.segments[this.eventSelect.value].map(String) : [];
    const previous = this.segmentSelect.value;
    this.segmentSelect.replaceChildren(h('option', { value: '' }, 'no segment'), ...segments.map(s => h('option', { value: s }, s)));
    // The breakdown is the interesting part: show the first segment unless one was chosen.
    this.segmentSelect.value = segments.includes(previous) ? previous : (segments[0] ?? '');
    this.segmentSelect.disabled = segments.length === 0;
  }

  async loadDetail() {
    const ctx = this.ctx;
    const key = this.eventSelect.value;
    const segment = this.segmentSelect.value;
    const request = ++this.request;
    const current = () => ctx.current() && request === this.request;
    this.panel.loading();
    this.panel.el.dataset.event = key;
    this.panel.el.dataset.segment = segment;
    let plain;
    let split;
    try {
      [plain, split] = await Promise.all([
        ctx.api.read(ctx.app.id, 'events', { event: key, period: '30days' }, ctx.signal),
        segment ? ctx.api.read(ctx.app.id, 'events', { event: key, segmentation: segment, period: '30days' }, ctx.signal) : null,
      ]);
    } catch (e) {
      if (current() && e?.name !== 'AbortError') {
        this.panel.error(e, `event ${key}`);
      }
      return;
    }
    if (!current()) {
      return;
    }
    const days = lastDays(ctx.app.zone, 30);
    this.renderDays(days, plain);
    this.renderSegments(days, segment, split);
    this.panel.ready();
  }

  renderDays(days, data) {
    const rows = days.map(d => {
      const node = at(data, d.year, d.month, d.day);
      return { id: d.id, label: d.label, values: { c: num(node?.c), s: num(node?.s), dur: num(node?.dur) } };
    });
    const count = rows.reduce((a, r) => a + r.values.c, 0);
    const sum = rows.reduce((a, r) => a + r.values.s, 0);
    this.panel.slot('totals').replaceChildren(
      miniKpi('count', 'Count', count),
      miniKpi('sum', 'Sum', Math.round(sum * 100) / 100),
      miniKpi('average', 'Average sum', count > 0 ? Math.round((sum / count) * 100) / 100 : 0));
    draw(document.getElementById('events-chart'), {
      type: 'bar',
      data: {
        labels: rows.map(r => r.label),
        datasets: [
          bar('Count', rows.map(r => r.values.c), colors.sessions, { yAxisID: 'y', order: 2 }),
          line('Sum', rows.map(r => r.values.s), colors.sum, { yAxisID: 'y1', order: 1, pointRadius: 1.5 }),
        ],
      },
      options: {
        scales: {
          y: integerAxis,
          y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } },
          x: { ticks: { maxRotation: 0, autoSkipPadding: 14 } },
        },
      },
    });
    this.panel.slot('table').replaceChildren(dataTable('event-days', 'Day', DAY_COLUMNS, [...rows].reverse()));
  }

  renderSegments(days, segment, data) {
    const side = this.panel.slot('segments');
    if (!segment) {
      const available = this.segmentSelect.options.length - 1;
      side.replaceChildren(h('p', { class: 'empty-note' }, available > 0
        ? 'Choose a segment above to break this event down by its values.'
        : 'This event was sent without segmentation.'));
      return;
    }
    const fromMeta = Array.isArray(data?.meta?.[segment]) ? data.meta[segment].map(String) : [];
    const seen = new Set(fromMeta);
    for (const d of days) {
      for (const value of Object.keys(at(data, d.year, d.month, d.day) ?? {})) {
        seen.add(value);
      }
    }
    const rows = [...seen].map(value => {
      let c = 0;
      let s = 0;
      for (const d of days) {
        const node = at(data, d.year, d.month, d.day, value);
        c += num(node?.c);
        s += num(node?.s);
      }
      return { id: value, label: value, values: { c, s: Math.round(s * 100) / 100 } };
    }).filter(r => r.values.c > 0 || r.values.s > 0).sort((a, b) => b.values.c - a.values.c);
    const total = rows.reduce((a, r) => a + r.values.c, 0);
    rows.forEach(r => { r.values.share = total > 0 ? Math.round((1000 * r.values.c) / total) / 10 : 0; });
    side.replaceChildren(
      h('h3', null, `By ${segment}`),
      rows.length
        ? h('div', { class: 'table-wrap scroll' }, dataTable('event-segments', segment, SEGMENT_COLUMNS, rows))
        : h('p', { class: 'empty-note' }, 'No values in the last 30 days'));
  }
}

function miniKpi(name, label, value) {
  return h('div', { dataset: { total: name, value } },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, formatNumber(value)));
}
