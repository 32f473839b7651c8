// Chart.js (vendored from node_modules, loaded before the modules as a classic script).

export const colors = {
  sessions: '#2563eb',
  users: '#0d9488',
  newUsers: '#f59e0b',
  sum: '#7c3aed',
  requests: '#94a3b8',
};

let configured = false;

function lib() {
  const Chart = globalThis.Chart;
  if (!Chart) {
    throw new Error('Chart.js did not load');
  }
  if (!configured) {
    configured = true;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = '#64748b';
    Chart.defaults.borderColor = '#eef1f5';
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.plugins.legend.labels.boxWidth = 10;
    Chart.defaults.plugins.legend.labels.boxHeight = 10;
    // Legend in dataset order, whatever the drawing order (lines are drawn over bars).
    Chart.defaults.plugins.legend.labels.sort = (a, b) => a.datasetIndex - b.datasetIndex;
    Chart.defaults.plugins.tooltip.mode = 'index';
    Chart.defaults.plugins.tooltip.intersect = false;
    Chart.defaults.animation = window.matchMedia('(prefers-reduced-motion: reduce)').matches ? false : { duration: 350 };
  }
  return Chart;
}

/** Draws (or redraws) a chart on canvas; returns the Chart instance. */
export function draw(canvas, config) {
  const Chart = lib();
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, config);
}

/** Updates a chart's labels and data in place (no animation), or draws it. */
export function redraw(canvas, config) {
  const Chart = lib();
  const chart = Chart.getChart(canvas);
  if (!chart || chart.config.type !== config.type || chart.data.datasets.length !== config.data.datasets.length) {
    return draw(canvas, config);
  }
  chart.data.labels = config.data.labels;
  config.data.datasets.forEach((d, i) => { chart.data.datasets[i].data = d.data; });
  chart.update('none');
  return chart;
}

/** Removes every chart under root. */
export function destroyAll(root) {
  const Chart = globalThis.Chart;
  if (!Chart) {
    return;
  }
  for (const canvas of root.querySelectorAll('canvas')) {
    Chart.getChart(canvas)?.destroy();
  }
}

export function line(label, data, color, extra = {}) {
  return { type: 'line', label, data, borderColor: color, backgroundColor: color + '22', pointRadius: 2, pointHoverRadius: 4, borderWidth: 2, tension: 0, ...extra };
}

export function bar(label, data, color, extra = {}) {
  return { type: 'bar', label, data, backgroundColor: color, borderRadius: 3, maxBarThickness: 18, ...extra };
}

export const integerAxis = { beginAtZero: true, ticks: { precision: 0 } };
