// DOM helpers. Everything the API returns is put into the page as text (textContent or
// Text nodes), never parsed as HTML: the dashboard reads with noescape=true, so strings come
// back exactly as the SDKs sent them and may contain markup.

/** Creates an element; string children become Text nodes. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) {
        el.dataset[k] = String(v);
      }
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'style' || key === 'innerHTML' || key === 'srcdoc' || key.startsWith('on')) {
      throw new Error(`h(): ${key} is not allowed`);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 1234 → "1,234"; fractions keep up to two digits. */
export function formatNumber(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) {
    return '–';
  }
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** 12.345 → "12.3%". */
export function formatPercent(value) {
  const n = Number(value);
  return Number.isFinite(n) ? `${Math.round(n * 10) / 10}%` : '–';
}

/**
 * A table whose every number cell carries data-key and data-value, so that people can read
 * the numbers behind a chart and tests can compare them with the API.
 * columns: [{ key, label, format? }]; rows: [{ id, label, values: { key: number } }].
 */
export function dataTable(name, firstHeader, columns, rows) {
  return h('table', { dataset: { table: name } },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, firstHeader), columns.map(c => h('th', { scope: 'col' }, c.label)))),
    h('tbody', null, rows.map(row =>
      h('tr', { dataset: { id: row.id } },
        h('td', { class: 'name', title: row.label }, row.label),
        columns.map(c => {
          const v = row.values[c.key];
          return h('td', { dataset: { key: c.key, value: v ?? '' } }, v === undefined || v === null ? '' : (c.format ?? formatNumber)(v));
        })))));
}

/** A list of horizontal bars: items [{ name, value, percent }]. */
export function barList(name, items) {
  if (items.length === 0) {
    return h('p', { class: 'empty-note' }, 'Nothing in this period');
  }
  const max = Math.max(...items.map(i => i.percent), 1);
  return h('ol', { class: 'bars', dataset: { list: name } }, items.map(item => {
    const fill = h('span', { class: 'bar-fill' });
    // CSSOM, not a style attribute: allowed by the page's style-src 'self' policy.
    fill.style.width = `${Math.max(1.5, (item.percent / max) * 100)}%`;
    return h('li', { dataset: { name: item.name, value: item.value, percent: item.percent } },
      h('span', { class: 'bar-name', title: item.name }, item.name),
      h('span', { class: 'bar-value' }, `${formatNumber(item.value)} · ${formatPercent(item.percent)}`),
      h('span', { class: 'bar-track' }, fill));
  }));
}
