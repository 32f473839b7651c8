// The live panel: method=live {"o","n","om","nm"} and method=live_graph (60 points, oldest
// first, {"time","o","n","s","r","e"}), refreshed every few seconds while the tab is visible.
import { dataTable, formatNumber, h } from '../dom.js';
import { bar, colors, integerAxis, line, redraw } from '../charts.js';
import { clock, num } from '../time.js';

export const REFRESH_MS = 4000;

const COLUMNS = [
  { key: 'o', label: 'Online' },
  { key: 'n', label: 'New' },
  { key: 's', label: 'Sessions' },
  { key: 'r', label: 'Requests' },
  { key: 'e', label: 'Events' },
];

export class LivePanel {
  constructor(panel) {
    this.panel = panel;
    this.ctx = null;
    this.timer = 0;
    this.refreshes = 0;
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.ctx) {
        this.schedule(0);
      }
    });
  }

  start(ctx) {
    this.stop();
    this.ctx = ctx;
    this.refreshes = 0;
    this.panel.el.dataset.refreshes = '0';
    this.panel.loading();
    this.schedule(0);
  }

  stop() {
    clearTimeout(this.timer);
    this.ctx = null;
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), ms);
  }

  async refresh() {
    const ctx = this.ctx;
    if (!ctx || !ctx.current()) {
      return;
    }
    if (document.hidden) {
      return; // resumed by visibilitychange
    }
    try {
      const [now, graph] = await Promise.all([
        ctx.api.read(ctx.app.id, 'live', {}, ctx.signal),
        ctx.api.read(ctx.app.id, 'live_graph', {}, ctx.signal),
      ]);
      if (ctx !== this.ctx || !ctx.current()) {
        return;
      }
      this.render(ctx, now, Array.isArray(graph) ? graph : []);
      this.refreshes += 1;
      this.panel.el.dataset.refreshes = String(this.refreshes);
      this.panel.ready();
    } catch (e) {
      if (ctx !== this.ctx || !ctx.current() || e?.name === 'AbortError') {
        return;
      }
      this.panel.error(e, 'live data');
    }
    this.schedule(REFRESH_MS);
  }

  render(ctx, now, graph) {
    const el = this.panel.el;
    const figures = { online: num(now?.o), newOnline: num(now?.n), maxOnline: num(now?.om), maxNew: num(now?.nm) };
    el.dataset.online = figures.online;
    el.dataset.newOnline = figures.newOnline;
    el.dataset.maxOnline = figures.maxOnline;
    el.dataset.maxNew = figures.maxNew;
    this.panel.slot('figures').replaceChildren(
      figure('online', 'Online now', figures.online),
      figure('new-online', 'New users online', figures.newOnline),
      figure('max-online', 'Most online at once', figures.maxOnline, true),
      figure('max-new', 'Most new at once', figures.maxNew, true));
    this.panel.slot('updated').textContent = `updated ${clock(Date.now(), ctx.app.zone)} · every ${REFRESH_MS / 1000} s`;

    const points = graph.map(p => ({
      time: num(p?.time), o: num(p?.o), n: num(p?.n), s: num(p?.s), r: num(p?.r), e: num(p?.e),
    }));
    const labels = points.map(p => clock(p.time, ctx.app.zone));
    redraw(document.getElementById('live-chart'), {
      type: 'line',
      data: {
        labels,
        datasets: [
          line('Online', points.map(p => p.o), colors.users, { yAxisID: 'y', pointRadius: 0, fill: true, order: 1 }),
          bar('Requests', points.map(p => p.r), colors.requests + '99', { yAxisID: 'y1', order: 2, maxBarThickness: 6 }),
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { position: 'bottom' } },
        scales: {
          y: integerAxis,
          y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
          x: { ticks: { maxRotation: 0, autoSkipPadding: 18 } },
        },
      },
    });
    const rows = points.map((p, i) => ({ id: String(p.time), label: labels[i], values: p })).reverse();
    this.panel.slot('table').replaceChildren(dataTable('live', 'Time', COLUMNS, rows));
  }
}

function figure(name, label, value, small = false) {
  return h('div', { class: 'live-figure', dataset: { figure: name, value } },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: small ? 'kpi-value small' : 'kpi-value' }, formatNumber(value)));
}
