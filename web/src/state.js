// View state <-> URL query string. Every filter lives in the URL so a view can be shared; the
// names are the API's own query parameters, so the same string also selects the data.

// FILTERS are the query parameters the dashboard sends to /api/events and /api/stats.
export const FILTERS = ['country', 'admin1', 'event_type', 'sub_event_type', 'actor', 'since', 'until',
  'min_fatalities', 'civilian_targeting', 'q', 'background'];

// VIEW are the parameters that only shape the page (table order, the open event).
export const VIEW = ['sort', 'order', 'event', 'bucket'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// parseState reads a query string into a plain object, dropping values the API would reject so a
// hand-edited link degrades to a wider view instead of an error.
export function parseState(search) {
  const p = new URLSearchParams(search);
  const s = {};
  for (const k of [...FILTERS, ...VIEW]) {
    const v = (p.get(k) || '').trim();
    if (v === '') continue;
    if ((k === 'since' || k === 'until') && !DATE.test(v)) continue;
    if (k === 'min_fatalities' && !/^\d+$/.test(v)) continue;
    if ((k === 'civilian_targeting' || k === 'background') && v !== 'true' && v !== 'false') continue;
    if (k === 'order' && v !== 'asc' && v !== 'desc') continue;
    if (k === 'bucket' && v !== 'day' && v !== 'week') continue;
    s[k] = v;
  }
  return s;
}

// queryString writes the chosen keys of a state in a fixed order (stable, shareable URLs).
export function queryString(state, keys = [...FILTERS, ...VIEW]) {
  const p = new URLSearchParams();
  for (const k of keys) {
    const v = state[k];
    if (v !== undefined && v !== null && String(v) !== '') p.set(k, String(v));
  }
  return p.toString();
}

// filterQuery is the query for the data endpoints; without lists the keys to leave out (the
// timeline shows the whole period, so it drops since/until).
export function filterQuery(state, without = []) {
  return queryString(state, FILTERS.filter((k) => !without.includes(k)));
}
