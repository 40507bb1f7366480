import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteIndex, locate, runs } from './offsets.js';

// byteOffset is the Go view of a JS string prefix: its UTF-8 length.
const byteOffset = (s) => new TextEncoder().encode(s).length;

test('byteIndex maps UTF-8 offsets to UTF-16 indices', () => {
  const cases = [
    ['plain ascii', 'Gunmen attacked a village.', 'attacked'],
    ['accents', 'Les assaillants ont attaqué Faladié à l’aube.', 'Faladié'],
    ['astral', 'Soldiers 🪖 were killed in Sénou.', 'Sénou'],
    ['arabic', 'هاجم مسلحون قرية in Tessit.', 'Tessit'],
  ];
  for (const [name, text, word] of cases) {
    const at = text.indexOf(word);
    const idx = byteIndex(text);
    const from = idx(byteOffset(text.slice(0, at)));
    const to = idx(byteOffset(text.slice(0, at + word.length)));
    assert.equal(text.slice(from, to), word, name);
  }
});

test('byteIndex clamps and rounds forward inside a character', () => {
  const text = 'é!';
  const idx = byteIndex(text);
  assert.equal(idx(-5), 0);
  assert.equal(idx(1), 1); // inside é: next character
  assert.equal(idx(2), 1);
  assert.equal(idx(99), 2);
  assert.equal(idx(NaN), 0);
});

test('locate prefers offsets and falls back to the span text', () => {
  const text = 'On Tuesday, JNIM fighters struck Bamako. Nine were killed in Sénou.';
  const s1 = 'Nine were killed in Sénou.';
  const good = { field: 'fatalities', start: byteOffset(text.slice(0, text.indexOf(s1))), end: byteOffset(text), text: s1 };
  const stale = { field: 'location', start: 0, end: 5, text: 'JNIM fighters struck Bamako.' };
  const missing = { field: 'actor1', start: 3, end: 9, text: 'not in this text' };
  const [a, b, c] = locate(text, [good, stale, missing]);
  assert.equal(text.slice(a.from, a.to), s1);
  assert.equal(text.slice(b.from, b.to), 'JNIM fighters struck Bamako.');
  assert.equal(c.found, false);
});

test('runs cover the text once and label overlaps with every span', () => {
  const text = 'aaa bbb ccc ddd';
  const located = [
    { field: 'event_date', from: 4, to: 11, found: true },
    { field: 'location', from: 8, to: 15, found: true },
    { field: 'actor1', from: -1, to: -1, found: false },
  ];
  const r = runs(text, located);
  assert.equal(r.map((x) => x.text).join(''), text);
  const fields = r.map((x) => x.spans.map((s) => s.field).join('+'));
  assert.deepEqual(r.map((x) => x.text), ['aaa ', 'bbb ', 'ccc', ' ddd']);
  assert.deepEqual(fields, ['', 'event_date', 'event_date+location', 'location']);
});
