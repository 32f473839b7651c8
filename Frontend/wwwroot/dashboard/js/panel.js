import { h } from './dom.js';

/**
 * One dashboard panel: a section with data-panel="name" whose data-state is loading, ready,
 * empty or error; the state's message covers the panel body.
 */
export class Panel {
  constructor(name) {
    this.name = name;
    this.el = document.querySelector(`[data-panel="${name}"]`);
    if (!this.el) {
      throw new Error(`no panel ${name}`);
    }
    this.statusEl = this.slot('status');
  }

  slot(name) {
    return this.el.querySelector(`[data-slot="${name}"]`);
  }

  get state() {
    return this.el.dataset.state;
  }

  loading() {
    this.el.dataset.state = 'loading';
    this.el.removeAttribute('data-error');
    this.el.setAttribute('aria-busy', 'true');
    this.statusEl?.replaceChildren(h('div', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, 'Loading…'));
  }

  ready() {
    this.el.dataset.state = 'ready';
    this.el.removeAttribute('data-error');
    this.el.removeAttribute('aria-busy');
    this.statusEl?.replaceChildren();
  }

  empty(message) {
    this.el.dataset.state = 'empty';
    this.el.removeAttribute('aria-busy');
    this.statusEl?.replaceChildren(h('span', { class: 'status-title' }, message));
  }

  /** Shows the server's message (e.g. "Invalid method" when this server lacks the endpoint). */
  error(err, what = 'data') {
    const status = err?.status;
    const message = err?.message || String(err);
    this.el.dataset.state = 'error';
    this.el.dataset.error = message;
    this.el.removeAttribute('aria-busy');
    const detail = status === 400 && message === 'Invalid method'
      ? 'This server does not provide this endpoint yet.'
      : status ? `The server answered HTTP ${status}.` : '';
    this.statusEl?.replaceChildren(
      h('span', { class: 'status-title' }, `Could not load ${what}: ${message}`),
      detail ? h('span', { class: 'status-detail' }, detail) : null);
  }
}
