// Evidence offsets are UTF-8 byte offsets into a document's clean text (Go strings); JS strings
// index UTF-16 code units. These helpers translate and cut the text into plain and highlighted runs.

const encoder = new TextEncoder();

// byteIndex returns a function mapping a UTF-8 byte offset of text to its UTF-16 index. An offset
// inside a multi-byte character maps to the start of the next character; offsets past the end clamp.
export function byteIndex(text) {
  const n = encoder.encode(text).length;
  const map = new Uint32Array(n + 1);
  let b = 0;
  let u = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    const w = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    map[b] = u;
    u += ch.length;
    for (let i = 1; i < w; i++) map[b + i] = u;
    b += w;
  }
  map[n] = u;
  return (off) => {
    if (!Number.isFinite(off) || off <= 0) return 0;
    return map[Math.min(Math.floor(off), n)];
  };
}

// locate finds each span in text: by its byte offsets when the slice there reads as the span's own
// text, else by searching for that text (an offset from another version of the document must not
// highlight the wrong words). Spans that cannot be found are returned with found=false.
export function locate(text, spans) {
  const idx = byteIndex(text);
  return spans.map((s) => {
    const start = idx(s.start);
    const end = idx(s.end);
    const want = (s.text || '').trim();
    if (end > start && (want === '' || sameText(text.slice(start, end), want))) {
      return { ...s, from: start, to: end, found: true };
    }
    if (want !== '') {
      const at = text.indexOf(want);
      if (at >= 0) return { ...s, from: at, to: at + want.length, found: true };
    }
    return { ...s, from: -1, to: -1, found: false };
  });
}

function sameText(a, b) {
  const norm = (x) => x.replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

// runs cuts text into consecutive runs; a run inside one or more located spans carries them all
// (overlapping evidence for several fields marks the same words once, labelled with each field).
export function runs(text, located) {
  const cuts = new Set([0, text.length]);
  for (const s of located) {
    if (!s.found) continue;
    cuts.add(s.from);
    cuts.add(s.to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i];
    const to = points[i + 1];
    if (to <= from) continue;
    const spans = located.filter((s) => s.found && s.from <= from && s.to >= to);
    out.push({ text: text.slice(from, to), from, spans });
  }
  return out;
}
