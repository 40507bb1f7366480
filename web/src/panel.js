// The event panel: notes, every field, the competing claims, the sources as links, and each
// source's clean text with the evidence sentences highlighted. Article text is untrusted: it is
// inserted as text nodes, and highlights are <mark> elements built with createElement.
import * as api from './api.js';
import { el, safeURL } from './dom.js';
import { locate, runs } from './offsets.js';

// Fields shown in the field list, in the schema's order; lists are shown in their own sections.
const FIELDS = ['event_id_cnty', 'event_date', 'date_start', 'date_end', 'time_precision', 'disorder_type',
  'event_type', 'sub_event_type', 'actor1', 'assoc_actor_1', 'inter1', 'actor2', 'assoc_actor_2', 'inter2',
  'interaction', 'civilian_targeting', 'iso', 'region', 'country', 'admin1', 'admin2', 'admin3', 'location',
  'latitude', 'longitude', 'geo_precision', 'geonameid', 'source', 'source_scale', 'fatalities',
  'fatalities_low', 'fatalities_high', 'fatalities_vague', 'tags', 'confidence', 'status', 'background',
  'timestamp'];

export class EventPanel {
  constructor(container, onClose) {
    this.container = container;
    this.onClose = onClose;
    this.abort = null;
  }

  close() {
    if (this.abort) this.abort.abort();
    this.container.replaceChildren();
    this.container.hidden = true;
    delete this.container.dataset.event;
  }

  async open(id) {
    if (this.abort) this.abort.abort();
    const ctl = new AbortController();
    this.abort = ctl;
    this.container.hidden = false;
    this.container.dataset.event = id;
    this.container.dataset.state = 'loading';
    this.container.replaceChildren(el('p', { className: 'muted' }, `Loading ${id}…`));
    let e;
    try {
      e = await api.event(id, ctl.signal);
    } catch (err) {
      if (ctl.signal.aborted) return;
      this.container.replaceChildren(this.header(id), el('p', { className: 'error' }, err.message));
      this.container.dataset.state = 'error';
      return;
    }
    this.render(e);
    const docs = (e.sources || []).map((s) => this.loadDocument(e, s, ctl.signal));
    await Promise.allSettled(docs);
    if (!ctl.signal.aborted) this.container.dataset.state = 'ready';
  }

  header(title) {
    const close = el('button', { type: 'button', className: 'close', 'aria-label': 'Close panel' }, '×');
    close.addEventListener('click', () => this.onClose());
    return el('div', { className: 'panel-head' }, el('h2', {}, title), close);
  }

  render(e) {
    const title = [e.location || e.admin1 || e.country, e.event_date].filter(Boolean).join(', ');
    const fields = el('dl', { className: 'fields' });
    for (const k of FIELDS) {
      const v = e[k];
      if (v === undefined || v === null || v === '' || v === false) continue;
      fields.append(el('dt', {}, k), el('dd', {}, String(v)));
    }
    const claims = (e.claims || []).length === 0 ? el('p', { className: 'muted' }, 'No claims recorded.')
      : el('table', { className: 'claims' },
        el('thead', {}, el('tr', {}, ['By', 'Figure', 'Kind', 'Of', 'Said in'].map((h) => el('th', {}, h)))),
        el('tbody', {}, e.claims.map((c) => el('tr', { title: c.text || '' },
          el('td', {}, c.by || '—'), el('td', { className: 'num' }, String(c.figure)), el('td', {}, c.kind || ''),
          el('td', {}, c.of || ''), el('td', {}, c.source || '')))));
    const sources = el('ul', { className: 'sources' }, (e.sources || []).map((s) => {
      const url = safeURL(s.url);
      const name = s.title || s.url || s.id;
      const link = url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, name) : el('span', {}, name);
      return el('li', { dataset: { source: s.id } }, link,
        el('span', { className: 'muted' }, ` — ${[s.outlet, (s.published || '').slice(0, 10)].filter(Boolean).join(', ')}`));
    }));
    this.docs = el('div', { className: 'documents' }, (e.sources || []).map((s) => el('section', {
      className: 'doc', dataset: { source: s.id },
    }, el('h4', {}, s.title || s.id), el('p', { className: 'muted' }, 'Loading text…'))));
    this.container.replaceChildren(
      this.header(title || e.event_id_cnty),
      el('p', { className: 'subtitle' }, `${e.event_type || ''} · ${e.sub_event_type || ''}`),
      el('p', { className: 'notes' }, e.notes || ''),
      el('h3', {}, `Sources (${(e.sources || []).length})`), sources,
      el('h3', {}, 'Claims'), claims,
      el('details', {}, el('summary', {}, 'All fields'), fields),
      el('h3', {}, 'Evidence'), this.docs,
    );
  }

  async loadDocument(e, s, signal) {
    const section = [...this.docs.children].find((n) => n.dataset.source === s.id);
    if (!section) return;
    const spans = [
      ...(e.evidence || []).filter((v) => v.source_id === s.id).map((v) => ({ ...v, label: v.field })),
      ...(e.claims || []).filter((c) => c.source === s.id)
        .map((c) => ({ ...c, label: `claim: ${c.figure} ${c.kind}${c.by ? ` (${c.by})` : ''}` })),
    ];
    let doc;
    try {
      doc = await api.documentText(s.id, signal);
    } catch (err) {
      if (signal.aborted) return;
      section.replaceChildren(el('h4', {}, s.title || s.id), el('p', { className: 'error' }, err.message),
        evidenceList(spans.map((v) => ({ ...v, found: false }))));
      return;
    }
    const text = String(doc.text || '');
    const located = locate(text, spans);
    const body = el('div', { className: 'doc-text' });
    for (const r of runs(text, located)) {
      if (r.spans.length === 0) {
        body.append(document.createTextNode(r.text));
        continue;
      }
      const labels = [...new Set(r.spans.map((v) => v.label))];
      const mark = document.createElement('mark');
      mark.textContent = r.text;
      mark.title = labels.join(', ');
      mark.dataset.fields = labels.join(',');
      mark.dataset.from = String(r.from);
      if (r.spans.every((v) => v.label.startsWith('claim:'))) mark.className = 'claim';
      body.append(mark);
    }
    const list = evidenceList(located, body);
    section.replaceChildren(el('h4', {}, doc.title || s.title || s.id), list, body);
    section.dataset.marks = String(body.querySelectorAll('mark').length);
  }
}

// evidenceList lists the spans of one source; clicking one scrolls its highlight into view.
function evidenceList(located, body) {
  const byText = new Map();
  for (const v of located) {
    const key = `${v.from}:${v.to}:${v.text}`;
    if (!byText.has(key)) byText.set(key, { ...v, labels: [] });
    byText.get(key).labels.push(v.label);
  }
  return el('ul', { className: 'evidence' }, [...byText.values()].map((v) => {
    const li = el('li', { className: v.found ? '' : 'not-found' },
      el('span', { className: 'field' }, [...new Set(v.labels)].join(', ')), ' ', v.text || '',
      v.found ? '' : el('span', { className: 'muted' }, ' (not found in the text)'));
    if (v.found && body) {
      li.addEventListener('click', () => {
        const marks = [...body.querySelectorAll('mark')];
        const target = marks.find((m) => Number(m.dataset.from) >= v.from && Number(m.dataset.from) < v.to);
        if (target) {
          target.scrollIntoView({ block: 'center', behavior: 'smooth' });
          target.classList.add('flash');
          setTimeout(() => target.classList.remove('flash'), 1200);
        }
      });
    }
    return li;
  }));
}
