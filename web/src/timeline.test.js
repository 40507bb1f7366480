import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseStats, typeTotals } from './timeline.js';

// A stats answer in the API's shape (internal/api, GET /api/stats).
const body = {
  events: 4,
  fatalities: 31,
  bucket: 'week',
  buckets: [
    { start: '2024-09-16', events: 1, fatalities: 9, by_type: { 'Violence against civilians': 1 } },
    { start: '2024-07-22', events: 3, fatalities: 22, by_type: { Battles: 2, 'Strategic developments': 1 } },
    { start: 'not a date', events: 5, fatalities: 0, by_type: {} },
  ],
  by_type: [
    { event_type: 'Battles', events: 2, fatalities: 20 },
    { event_type: 'Violence against civilians', events: 1, fatalities: 9 },
    { event_type: 'Strategic developments', events: 1, fatalities: 2 },
  ],
};

test('normaliseStats sorts buckets and keeps per-type counts', () => {
  const b = normaliseStats(body);
  assert.deepEqual(b.map((x) => x.start), ['2024-07-22', '2024-09-16']);
  assert.equal(b[0].count, 3);
  assert.equal(b[0].fatalities, 22);
  assert.deepEqual(b[0].types, { Battles: 2, 'Strategic developments': 1 });
});

test('normaliseStats tolerates empty or broken answers', () => {
  assert.deepEqual(normaliseStats({}), []);
  assert.deepEqual(normaliseStats(null), []);
  assert.deepEqual(normaliseStats({ buckets: [{ start: '2024-01-01', by_type: { Riots: 2 } }] })[0].count, 2);
});

test('typeTotals indexes the per-type totals', () => {
  const t = typeTotals(body);
  assert.deepEqual(t.Battles, { events: 2, fatalities: 20 });
  assert.equal(Object.keys(t).length, 3);
});
