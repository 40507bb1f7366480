// The event table: sortable by any column (click a header), a row opens the event panel.
import { el, TYPE_COLOURS, OTHER_COLOUR } from './dom.js';

export const COLUMNS = [
  { key: 'event_date', label: 'Date' },
  { key: 'event_type', label: 'Type' },
  { key: 'sub_event_type', label: 'Sub-event' },
  { key: 'location', label: 'Location' },
  { key: 'admin1', label: 'Admin1' },
  { key: 'country', label: 'Country' },
  { key: 'actor1', label: 'Actor 1' },
  { key: 'actor2', label: 'Actor 2' },
  { key: 'fatalities', label: 'Fatalities', numeric: true },
  { key: 'sources', label: 'Sources', numeric: true, value: (e) => (e.sources || []).length },
];

const valueOf = (col, e) => (col.value ? col.value(e) : e[col.key]);

// sortEvents orders a copy of events by a column; ties fall back to date then id so the order is
// stable across reloads.
export function sortEvents(events, key, order) {
  const col = COLUMNS.find((c) => c.key === key) || COLUMNS[0];
  const dir = order === 'asc' ? 1 : -1;
  const cmp = (a, b) => {
    const va = valueOf(col, a);
    const vb = valueOf(col, b);
    let c = col.numeric ? (Number(va) || 0) - (Number(vb) || 0) : String(va || '').localeCompare(String(vb || ''));
    if (c === 0 && col.key !== 'event_date') c = String(a.event_date).localeCompare(String(b.event_date));
    if (c === 0) c = String(a.event_id_cnty).localeCompare(String(b.event_id_cnty));
    return c * dir;
  };
  return [...events].sort(cmp);
}

export class EventTable {
  constructor(table, { onSort, onSelect }) {
    this.table = table;
    this.onSort = onSort;
    this.onSelect = onSelect;
  }

  show(events, sortKey, order, selected) {
    const key = sortKey || 'event_date';
    const dir = order || 'desc';
    const head = el('tr', {}, COLUMNS.map((c) => {
      const active = c.key === key;
      const th = el('th', {
        scope: 'col', className: c.numeric ? 'num' : '', tabindex: '0',
        'aria-sort': active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none',
        dataset: { key: c.key },
      }, c.label, active ? (dir === 'asc' ? ' ▲' : ' ▼') : '');
      const sort = () => this.onSort(c.key, active && dir === 'desc' ? 'asc' : 'desc');
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') sort(); });
      return th;
    }));
    const rows = sortEvents(events, key, dir).map((e) => {
      const tr = el('tr', {
        tabindex: '0', dataset: { id: e.event_id_cnty },
        className: e.event_id_cnty === selected ? 'selected' : '',
      }, COLUMNS.map((c) => {
        const v = valueOf(c, e);
        if (c.key === 'event_type') {
          const sw = el('span', { className: 'swatch' });
          sw.style.background = TYPE_COLOURS[v] || OTHER_COLOUR;
          return el('td', {}, sw, v || '');
        }
        return el('td', { className: c.numeric ? 'num' : '' }, v === undefined || v === null ? '' : String(v));
      }));
      const open = () => this.onSelect(e.event_id_cnty);
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') open(); });
      return tr;
    });
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, rows));
    this.table.dataset.rows = String(rows.length);
  }
}
