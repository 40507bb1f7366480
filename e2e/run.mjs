// End-to-end check of the dashboard in headless Chromium (playwright-core from web/node_modules):
// the seeded events appear on the map and in the table, a timeline brush narrows the table, and the
// Bamako event's panel shows its sources with the evidence highlighted in their text.
//
// Usage: SITREP_URL=http://127.0.0.1:PORT/ node e2e/run.mjs
// Env: CHROMIUM (default /usr/bin/chromium), E2E_OUT (screenshots, default e2e/out).
// Exit status 0 when every check passes; each failed check is printed.
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const base = process.env.SITREP_URL;
if (!base) {
  console.error('SITREP_URL is not set (the address of a running `sitrep serve`)');
  process.exit(2);
}
const out = process.env.E2E_OUT || join(here, 'out');
await mkdir(out, { recursive: true });

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    // WebGL without a GPU: SwiftShader, which Chromium no longer enables by itself
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const origin = new URL(base).origin;
  const offsite = [];
  const errors = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) offsite.push(u);
  });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });

  const t0 = Date.now();
  await page.goto(base, { waitUntil: 'load' });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
  const tReady = Date.now() - t0;
  const rows = () => page.$$eval('#events tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const all = await rows();
  check(all.length > 0, `table lists events (${all.length})`);
  const countries = new Set(all.map((r) => r[5]));
  for (const c of ['Mali', 'Niger', 'Mozambique']) check(countries.has(c), `table has events in ${c}`);

  // The map: wait for MapLibre to go idle with the events drawn, then compare with the table.
  await page.waitForFunction(() => {
    const m = document.getElementById('map');
    return m.dataset.state === 'idle' && Number(m.dataset.rendered) > 0;
  }, null, { timeout: 60000 }).catch(() => {});
  const tMap = Date.now() - t0;
  console.log(`time: table and timeline ready ${tReady} ms, map drawn ${tMap} ms after navigation`);
  const map = await page.$eval('#map', (m) => ({ ...m.dataset, labels: m.querySelectorAll('.cluster-label').length, canvas: !!m.querySelector('canvas') }));
  check(map.canvas, 'map canvas created (WebGL available)');
  check(Number(map.features) === all.length, `map source holds every listed event (${map.features} of ${all.length})`);
  check(Number(map.rendered) === all.length, `map draws every event in view (${map.rendered} of ${all.length}, ${map.labels} cluster labels)`);
  await page.screenshot({ path: join(out, 'dashboard.png') });

  // The timeline: brush the last third of its width; the table must shrink and the URL carry dates.
  const box = await (await page.$('#timeline svg')).boundingBox();
  check(box !== null, 'timeline drawn');
  const buckets = Number(await page.$eval('#timeline', (t) => t.dataset.buckets));
  check(buckets > 1, `timeline has buckets (${buckets})`);
  if (box) {
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.66, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.85, y, { steps: 5 });
    await page.mouse.move(box.x + box.width - 2, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => new URL(location.href).searchParams.has('since'), null, { timeout: 10000 }).catch(() => {});
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
    const url = new URL(page.url());
    const since = url.searchParams.get('since');
    const brushed = await rows();
    check(Boolean(since), `brush puts the dates in the URL (since=${since}, until=${url.searchParams.get('until')})`);
    check(brushed.length > 0 && brushed.length < all.length, `brush narrows the table (${brushed.length} of ${all.length} rows)`);
    check(brushed.every((r) => r[0] >= since), 'every brushed row is on or after since');
    const mapAfter = await page.$eval('#map', (m) => Number(m.dataset.features));
    check(mapAfter === brushed.length, `brush narrows the map too (${mapAfter})`);
    await page.screenshot({ path: join(out, 'brushed.png') });

    // The URL alone restores the view (a shared link).
    const shared = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await shared.goto(page.url(), { waitUntil: 'load' });
    await shared.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
    const sharedRows = await shared.$$eval('#events tbody tr', (trs) => trs.length);
    check(sharedRows === brushed.length, `a shared link shows the same rows (${sharedRows})`);
    await shared.close();

    // Clearing the filters brings every event back.
    await page.click('#reset');
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
    await page.waitForFunction((n) => document.querySelectorAll('#events tbody tr').length === n, all.length, { timeout: 10000 }).catch(() => {});
    check((await rows()).length === all.length, 'clearing the filters restores every row');
  }

  // The filter form: a country and a minimum toll narrow the table and the map together.
  await page.fill('#filters input[name="country"]', 'Mali');
  await page.fill('#filters input[name="min_fatalities"]', '10');
  await page.click('#filters button[type="submit"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('min_fatalities') === '10', null, { timeout: 10000 }).catch(() => {});
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
  const filtered = await rows();
  check(filtered.length > 0 && filtered.length < all.length, `country and minimum toll narrow the table (${filtered.length} rows)`);
  check(filtered.every((r) => r[5] === 'Mali' && Number(r[8]) >= 10), 'every filtered row is in Mali with at least 10 fatalities');
  check(Number(await page.$eval('#map', (m) => m.dataset.features)) === filtered.length, 'the map shows the filtered events');
  await page.click('#reset');
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30000 });
  await page.waitForFunction((n) => document.querySelectorAll('#events tbody tr').length === n, all.length, { timeout: 10000 }).catch(() => {});

  // Sorting by fatalities, descending: the first row has the highest toll.
  await page.click('#events th[data-key="fatalities"]');
  const sorted = (await rows()).map((r) => Number(r[8]));
  check(sorted.every((v, i) => i === 0 || sorted[i - 1] >= v), 'sorting by fatalities orders the rows');

  // The Bamako event: the row in Bamako reported by the most sources.
  const bamako = await page.$$eval('#events tbody tr', (trs) => trs
    .map((tr) => ({ id: tr.dataset.id, location: tr.cells[3].textContent, sources: Number(tr.cells[9].textContent) }))
    .filter((r) => r.location === 'Bamako')
    .sort((a, b) => b.sources - a.sources)[0]);
  check(Boolean(bamako), 'an event in Bamako is listed');
  if (bamako) {
    await page.click(`#events tbody tr[data-id="${bamako.id}"]`);
    await page.waitForSelector('#panel[data-state="ready"]', { timeout: 30000 });
    check(new URL(page.url()).searchParams.get('event') === bamako.id, 'the open event is in the URL');
    const panel = await page.$eval('#panel', (p) => ({
      sources: [...p.querySelectorAll('.sources li a')].map((a) => a.href),
      docs: [...p.querySelectorAll('.doc')].map((d) => ({
        id: d.dataset.source,
        marks: [...d.querySelectorAll('.doc-text mark')].map((m) => m.textContent),
        evidence: [...d.querySelectorAll('.evidence li')].map((li) => li.textContent),
        scripts: d.querySelectorAll('script').length,
      })),
      notes: p.querySelector('.notes')?.textContent || '',
    }));
    check(panel.sources.length === 3, `the Bamako event shows three source links (${panel.sources.length})`);
    check(panel.docs.length === 3, `the Bamako event shows three source texts (${panel.docs.length})`);
    for (const d of panel.docs) {
      check(d.marks.length > 0, `source ${d.id}: ${d.marks.length} highlighted passages`);
      check(d.marks.every((m) => d.evidence.some((e) => e.includes(m.trim().slice(0, 40)))),
        `source ${d.id}: each highlight is one of its evidence sentences`);
    }
    check(panel.notes.includes('Bamako'), 'the notes name Bamako');
    await page.screenshot({ path: join(out, 'bamako.png') });
    await (await page.$('#panel')).screenshot({ path: join(out, 'bamako-panel.png') });

    // Escape closes the panel and drops the event from the URL.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#panel', { state: 'hidden', timeout: 5000 }).catch(() => {});
    check(await page.$eval('#panel', (p) => p.hidden), 'Escape closes the event panel');
    check(!new URL(page.url()).searchParams.has('event'), 'a closed panel leaves the URL');
  }

  check(offsite.length === 0, `no request leaves the server (${offsite.slice(0, 3).join(' ') || 'none'})`);
  check(errors.length === 0, `no errors in the console (${errors.slice(0, 3).join(' | ') || 'none'})`);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log(`all checks passed; screenshots in ${out}`);
