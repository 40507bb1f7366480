// sitrep dashboard: filters in the URL, a map, a timeline with a brush, a sortable table and an
// event panel with highlighted evidence. Everything comes from the same-origin JSON API.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import * as api from './api.js';
import { el, EVENT_TYPES, TYPE_COLOURS } from './dom.js';
import { parseState, queryString, filterQuery, FILTERS } from './state.js';
import { EventMap } from './map.js';
import { Timeline, normaliseStats, typeTotals } from './timeline.js';
import { EventTable } from './table.js';
import { EventPanel } from './panel.js';

const PAGE = 500;
const $ = (id) => document.getElementById(id);

class App {
  constructor() {
    this.state = parseState(window.location.search);
    this.events = [];
    this.next = '';
    this.abort = null;
    this.lastFit = null;
    this.form = $('filters');
    this.status = $('status');
    this.map = new EventMap($('map'), (id) => this.select(id));
    this.timeline = new Timeline($('timeline'), (since, until) => this.update({ since, until }));
    this.table = new EventTable($('events'), {
      onSort: (sort, order) => this.update({ sort, order }, false),
      onSelect: (id) => this.select(id),
    });
    this.panel = new EventPanel($('panel'), () => this.select(null));
  }

  start() {
    const types = this.form.elements.event_type;
    for (const t of EVENT_TYPES) types.append(el('option', { value: t }, t));
    this.legend({});
    this.syncForm();
    this.form.addEventListener('submit', (ev) => { ev.preventDefault(); this.fromForm(); });
    this.form.addEventListener('change', () => this.fromForm());
    $('reset').addEventListener('click', () => {
      // clearing the filters keeps the table order and the timeline's bucket
      const keep = { sort: this.state.sort, order: this.state.order, bucket: this.state.bucket };
      this.state = Object.fromEntries(Object.entries(keep).filter(([, v]) => v));
      this.syncForm();
      this.push();
      this.reload();
    });
    $('more').addEventListener('click', () => this.loadMore());
    $('bucket').value = this.state.bucket === 'day' ? 'day' : 'week';
    $('bucket').addEventListener('change', () => {
      this.update({ bucket: $('bucket').value === 'day' ? 'day' : '' }, false);
      this.reloadStats();
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.state.event) this.select(null);
    });
    window.addEventListener('popstate', () => {
      this.state = parseState(window.location.search);
      this.syncForm();
      $('bucket').value = this.state.bucket === 'day' ? 'day' : 'week';
      this.reload();
      this.openFromState();
    });
    this.map.start(new URL('./countries-50m.json', import.meta.url).href);
    this.reload();
    this.openFromState();
  }

  // legend lists the event types with their colours and, once stats arrive, their totals.
  legend(totals) {
    $('legend').replaceChildren(...EVENT_TYPES.map((t) => {
      const sw = el('span', { className: 'swatch' });
      sw.style.background = TYPE_COLOURS[t];
      const n = totals[t];
      return el('li', {}, sw, t, n ? el('span', { className: 'muted' }, ` ${n.events} (${n.fatalities} killed)`) : '');
    }));
  }

  syncForm() {
    for (const k of FILTERS) {
      const input = this.form.elements[k];
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = this.state[k] === 'true';
      else input.value = this.state[k] || '';
    }
  }

  fromForm() {
    const patch = {};
    for (const k of FILTERS) {
      const input = this.form.elements[k];
      if (!input) continue;
      patch[k] = input.type === 'checkbox' ? (input.checked ? 'true' : '') : input.value.trim();
    }
    this.update(patch);
  }

  // update merges a change into the state, records it in the URL and reloads the data (or only
  // re-sorts the table when reload is false).
  update(patch, reload = true) {
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') delete this.state[k];
      else this.state[k] = v;
    }
    this.syncForm();
    this.push();
    if (reload) this.reload();
    else this.table.show(this.events, this.state.sort, this.state.order, this.state.event);
  }

  push() {
    const q = queryString(this.state);
    const url = `${window.location.pathname}${q ? `?${q}` : ''}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.pushState(null, '', url);
    const filters = filterQuery(this.state);
    $('export-csv').href = `/api/events.csv${filters ? `?${filters}` : ''}`;
    $('export-geojson').href = `/api/events.geojson${filters ? `?${filters}` : ''}`;
  }

  eventsQuery() {
    const q = new URLSearchParams(filterQuery(this.state));
    // the server orders pages by date or toll; other columns are sorted here
    q.set('sort', this.state.sort === 'fatalities' ? 'fatalities' : 'date');
    q.set('limit', String(PAGE));
    return q.toString();
  }

  async reload() {
    if (this.abort) this.abort.abort();
    const ctl = new AbortController();
    this.abort = ctl;
    this.push();
    this.status.textContent = 'Loading…';
    document.body.dataset.state = 'loading';
    const stats = this.reloadStats(ctl.signal);
    try {
      const page = await api.events(this.eventsQuery(), '', ctl.signal);
      if (ctl.signal.aborted) return;
      this.events = page.events;
      this.next = page.next;
      // frame the events again only when the place filters change, not for a brush or a sort
      const fitKey = filterQuery(this.state, ['since', 'until', 'min_fatalities', 'q']);
      this.showEvents(this.lastFit !== fitKey);
      this.lastFit = fitKey;
    } catch (err) {
      if (ctl.signal.aborted) return;
      this.status.textContent = `Could not load events: ${err.message}`;
    }
    await stats;
    if (!ctl.signal.aborted) document.body.dataset.state = 'ready';
  }

  async reloadStats(signal) {
    const bucket = $('bucket').value === 'day' ? 'day' : 'week';
    const q = new URLSearchParams(filterQuery(this.state, ['since', 'until']));
    q.set('bucket', bucket);
    try {
      const body = await api.stats(q.toString(), signal);
      this.timeline.set(normaliseStats(body), bucket, [this.state.since, this.state.until]);
      this.legend(typeTotals(body));
    } catch (err) {
      if (signal?.aborted) return;
      $('timeline').replaceChildren(el('p', { className: 'error' }, `Timeline unavailable: ${err.message}`));
    }
  }

  async loadMore() {
    if (!this.next) return;
    try {
      const page = await api.events(this.eventsQuery(), this.next);
      this.events = this.events.concat(page.events);
      this.next = page.next;
      this.showEvents(false);
    } catch (err) {
      this.status.textContent = `Could not load more events: ${err.message}`;
    }
  }

  showEvents(fit) {
    const n = this.events.length;
    const fatalities = this.events.reduce((a, e) => a + (Number(e.fatalities) || 0), 0);
    const order = this.state.sort === 'fatalities' ? 'deadliest' : 'latest';
    this.status.textContent = n === 0 ? 'No events match these filters.'
      : `${n} event${n === 1 ? '' : 's'}, ${fatalities} fatalities${this.next ? ` (the ${order} ${n}: load more below)` : ''}`;
    $('more').hidden = !this.next;
    this.table.show(this.events, this.state.sort, this.state.order, this.state.event);
    this.map.show(this.events, fit);
  }

  select(id) {
    this.update({ event: id }, false);
    this.openFromState();
  }

  openFromState() {
    if (this.state.event) {
      document.body.classList.add('with-panel');
      this.panel.open(this.state.event);
      this.map.select(this.state.event);
    } else {
      document.body.classList.remove('with-panel');
      this.panel.close();
      this.map.select(null);
    }
    this.map.resize();
  }
}

new App().start();
