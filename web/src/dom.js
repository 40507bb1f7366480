// DOM helpers. Article text and event fields are untrusted: they only ever reach the page as
// textContent or attribute values set through the DOM API, never as HTML.

// el creates an element; attrs are set with setAttribute (or as properties for className/dataset),
// children are nodes or strings (strings become text nodes).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

export function append(parent, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

// safeURL returns an http(s) URL for a link, or '' (a javascript: URL in a feed must not become
// a clickable link).
export function safeURL(u) {
  if (!u) return '';
  try {
    const p = new URL(u, window.location.href);
    return p.protocol === 'http:' || p.protocol === 'https:' ? p.href : '';
  } catch {
    return '';
  }
}

// TYPE_COLOURS gives each ACLED event type its colour on the map, the timeline and the table.
export const TYPE_COLOURS = {
  'Battles': '#d62728',
  'Explosions/Remote violence': '#ff7f0e',
  'Violence against civilians': '#9467bd',
  'Protests': '#2ca02c',
  'Riots': '#8c564b',
  'Strategic developments': '#1f77b4',
};
export const OTHER_COLOUR = '#7f7f7f';
export const EVENT_TYPES = Object.keys(TYPE_COLOURS);
