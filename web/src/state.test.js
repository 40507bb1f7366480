import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseState, queryString, filterQuery } from './state.js';

test('parseState keeps valid filters and drops malformed ones', () => {
  const s = parseState('?country=Mali&since=2024-07-01&until=July&min_fatalities=-3&event_type=Battles&order=up&sort=fatalities&x=1');
  assert.deepEqual(s, { country: 'Mali', since: '2024-07-01', event_type: 'Battles', sort: 'fatalities' });
});

test('queryString round-trips and is stable', () => {
  const s = { until: '2024-12-31', country: 'Niger', q: 'Tassia attack', event: 'NER1', actor: '' };
  const q = queryString(s);
  assert.equal(q, 'country=Niger&until=2024-12-31&q=Tassia+attack&event=NER1');
  assert.deepEqual(parseState('?' + q), { country: 'Niger', until: '2024-12-31', q: 'Tassia attack', event: 'NER1' });
});

test('filterQuery leaves out view keys and the asked-for filters', () => {
  const s = { country: 'Mozambique', since: '2021-03-01', until: '2021-04-01', event: 'MOZ1', sort: 'date' };
  assert.equal(filterQuery(s), 'country=Mozambique&since=2021-03-01&until=2021-04-01');
  assert.equal(filterQuery(s, ['since', 'until']), 'country=Mozambique');
});
