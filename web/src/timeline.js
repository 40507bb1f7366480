// The timeline: events per day or week from /api/stats as stacked bars by event type, with a brush
// (drag across it) that sets the since/until filters. A click without a drag clears the brush.
import { TYPE_COLOURS, OTHER_COLOUR, EVENT_TYPES } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY = 86400000;

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

// normaliseStats reads the /api/stats answer ({buckets: [{start, events, fatalities, by_type:
// {event_type: n}}], by_type: [{event_type, events, fatalities}], bucket}) into sorted buckets
// [{start, count, fatalities, types}]; a bucket without a readable date is dropped.
export function normaliseStats(body) {
  const out = [];
  for (const b of Array.isArray(body?.buckets) ? body.buckets : []) {
    const start = String(b?.start || '').slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) continue;
    const types = {};
    for (const [k, v] of Object.entries(b.by_type || {})) types[k] = Number(v) || 0;
    const count = Number(b.events) || Object.values(types).reduce((a, c) => a + c, 0);
    out.push({ start, count, fatalities: Number(b.fatalities) || 0, types });
  }
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return out;
}

// typeTotals reads the per-type totals of the stats answer into {event_type: {events, fatalities}}.
export function typeTotals(body) {
  const out = {};
  for (const t of Array.isArray(body?.by_type) ? body.by_type : []) {
    if (t?.event_type) out[t.event_type] = { events: Number(t.events) || 0, fatalities: Number(t.fatalities) || 0 };
  }
  return out;
}

const toTime = (d) => Date.parse(`${d}T00:00:00Z`);
const toDate = (t) => new Date(t).toISOString().slice(0, 10);

export class Timeline {
  // onBrush(since, until) receives the brushed dates, or (null, null) when the brush is cleared.
  constructor(container, onBrush) {
    this.container = container;
    this.onBrush = onBrush;
    this.buckets = [];
    this.bucket = 'week';
    this.range = null; // [since, until] shown as the brush
    this.drag = null;
    // redraw when the panel opens or the window resizes: bars are laid out in pixels
    this.width = 0;
    new ResizeObserver(() => {
      if (this.container.clientWidth !== this.width && this.scale) this.draw();
    }).observe(container);
  }

  // set draws new data; range is the current since/until filter.
  set(buckets, bucket, range) {
    this.buckets = buckets;
    this.bucket = bucket;
    this.range = range;
    this.draw();
  }

  draw() {
    this.width = this.container.clientWidth;
    const width = Math.max(200, this.width || 600);
    const height = 110;
    const pad = { l: 34, r: 8, t: 8, b: 20 };
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'timeline-svg' });
    this.container.replaceChildren(root);
    this.container.dataset.buckets = String(this.buckets.length);
    if (this.buckets.length === 0) {
      const t = svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'tl-empty' });
      t.textContent = 'no events';
      root.append(t);
      return;
    }
    const step = this.bucket === 'day' ? DAY : 7 * DAY;
    let t0 = toTime(this.buckets[0].start);
    let t1 = toTime(this.buckets[this.buckets.length - 1].start) + step;
    if (this.range) {
      // keep the brushed range on screen even where it has no events
      if (this.range[0]) t0 = Math.min(t0, toTime(this.range[0]));
      if (this.range[1]) t1 = Math.max(t1, toTime(this.range[1]) + DAY);
    }
    const span = Math.max(t1 - t0, DAY);
    const x = (t) => pad.l + ((t - t0) / span) * (width - pad.l - pad.r);
    const max = Math.max(...this.buckets.map((b) => b.count), 1);
    const y = (n) => pad.t + (1 - n / max) * (height - pad.t - pad.b);
    this.scale = { t0, span, pad, width };

    // axis: baseline, max count, and year (or month) ticks
    root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: y(0), y2: y(0), class: 'tl-axis' }));
    const maxLabel = svg('text', { x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end', class: 'tl-label' });
    maxLabel.textContent = String(max);
    root.append(maxLabel);
    for (const tick of ticks(t0, t1)) {
      const tx = x(tick.t);
      root.append(svg('line', { x1: tx, x2: tx, y1: y(0), y2: y(0) + 4, class: 'tl-axis' }));
      const label = svg('text', { x: tx + 2, y: height - 5, class: 'tl-label' });
      label.textContent = tick.label;
      root.append(label);
    }

    const bars = svg('g', { class: 'tl-bars' });
    for (const b of this.buckets) {
      const bx = x(toTime(b.start));
      const bw = Math.max(2, x(toTime(b.start) + step) - bx - 1);
      let acc = 0;
      const parts = Object.keys(b.types).length ? orderTypes(b.types) : [['', b.count]];
      for (const [type, n] of parts) {
        if (!n) continue;
        const r = svg('rect', {
          x: bx, y: y(acc + n), width: bw, height: Math.max(1, y(acc) - y(acc + n)),
          fill: type ? TYPE_COLOURS[type] || OTHER_COLOUR : '#37474f',
        });
        const title = svg('title');
        title.textContent = `${b.start}${type ? ` ${type}` : ''}: ${n} event(s); bucket total ${b.count}, ${b.fatalities} fatalities`;
        r.append(title);
        bars.append(r);
        acc += n;
      }
    }
    root.append(bars);

    const brush = svg('rect', { class: 'tl-brush', y: pad.t, height: height - pad.t - pad.b, x: 0, width: 0 });
    root.append(brush);
    if (this.range && (this.range[0] || this.range[1])) {
      const a = this.range[0] ? x(toTime(this.range[0])) : pad.l;
      const b = this.range[1] ? x(toTime(this.range[1]) + DAY) : width - pad.r;
      brush.setAttribute('x', String(a));
      brush.setAttribute('width', String(Math.max(1, b - a)));
    }
    this.listen(root, brush);
  }

  listen(root, brush) {
    const at = (ev) => {
      const r = root.getBoundingClientRect();
      const { pad, width } = this.scale;
      return Math.min(Math.max(ev.clientX - r.left, pad.l), width - pad.r);
    };
    const time = (px) => {
      const { t0, span, pad, width } = this.scale;
      return t0 + ((px - pad.l) / (width - pad.l - pad.r)) * span;
    };
    root.addEventListener('pointerdown', (ev) => {
      root.setPointerCapture(ev.pointerId);
      this.drag = { from: at(ev) };
      brush.setAttribute('x', String(this.drag.from));
      brush.setAttribute('width', '0');
    });
    root.addEventListener('pointermove', (ev) => {
      if (!this.drag) return;
      const px = at(ev);
      brush.setAttribute('x', String(Math.min(px, this.drag.from)));
      brush.setAttribute('width', String(Math.abs(px - this.drag.from)));
    });
    root.addEventListener('pointerup', (ev) => {
      if (!this.drag) return;
      const a = this.drag.from;
      const b = at(ev);
      this.drag = null;
      if (Math.abs(b - a) < 3) {
        this.onBrush(null, null);
        return;
      }
      const since = toDate(time(Math.min(a, b)));
      // the right edge is exclusive: the day it falls in is the last one kept
      const until = toDate(time(Math.max(a, b)) - 1);
      this.onBrush(since, until < since ? since : until);
    });
  }
}

function orderTypes(types) {
  const known = EVENT_TYPES.filter((t) => types[t]).map((t) => [t, types[t]]);
  const other = Object.entries(types).filter(([t]) => !EVENT_TYPES.includes(t));
  return [...known, ...other];
}

// ticks are year starts, or month starts when the span is under two years.
function ticks(t0, t1) {
  const out = [];
  const d = new Date(t0);
  const monthly = t1 - t0 < 2 * 365 * DAY;
  let y = d.getUTCFullYear();
  let m = monthly ? d.getUTCMonth() + 1 : 0;
  if (!monthly) y++;
  for (let i = 0; i < 60; i++) {
    if (m > 11) { m = 0; y++; }
    const t = Date.UTC(y, m, 1);
    if (t > t1) break;
    if (t >= t0) out.push({ t, label: monthly ? `${y}-${String(m + 1).padStart(2, '0')}` : String(y) });
    if (monthly) m++; else y++;
  }
  // thin the labels so they do not overlap
  const every = Math.ceil(out.length / 12);
  return out.filter((_, i) => i % every === 0);
}
