// The map: MapLibre GL with a Natural Earth basemap drawn from the world-atlas TopoJSON shipped in
// the bundle (no tiles, no glyphs, no network), and the events as clustered points coloured by
// event type and sized by fatalities. Cluster counts are DOM markers, since text layers would need
// a glyph server.
import * as maplibregl from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import { el, TYPE_COLOURS, OTHER_COLOUR } from './dom.js';

// The worker is a sibling file of the bundle (copied by scripts/build.mjs); MapLibre starts it as a
// module worker from this URL, so the CSP needs worker-src 'self' (some browsers take blob: too).
maplibregl.setWorkerUrl(new URL('./maplibre-gl-worker.mjs', import.meta.url).href);

const typeColour = ['match', ['get', 'event_type']];
for (const [t, c] of Object.entries(TYPE_COLOURS)) typeColour.push(t, c);
typeColour.push(OTHER_COLOUR);

// toGeoJSON turns events into point features carrying what the map styles and popups need.
export function toGeoJSON(events) {
  const features = [];
  for (const e of events) {
    const lon = Number(e.longitude);
    const lat = Number(e.latitude);
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || (lon === 0 && lat === 0)) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: {
        id: e.event_id_cnty,
        event_type: e.event_type || '',
        fatalities: Number(e.fatalities) || 0,
        location: e.location || '',
        event_date: e.event_date || '',
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

export class EventMap {
  // container: the map's element; onSelect(id) is called when an event point is clicked.
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.labels = new Map(); // cluster id -> maplibregl.Marker
    this.pending = null;
    this.selected = '';
    this.features = [];
    this.ready = false;
    this.map = null;
  }

  // start loads the basemap and creates the map; it resolves false (and says so on the page) when
  // the browser has no WebGL, leaving the timeline and table usable.
  async start(basemapURL) {
    let countries;
    try {
      const r = await fetch(basemapURL);
      if (!r.ok) throw new Error(`${basemapURL}: ${r.status}`);
      countries = await r.json();
    } catch (err) {
      this.fail(`basemap not loaded: ${err.message}`);
      return false;
    }
    const obj = countries.objects.countries;
    const land = feature(countries, obj);
    for (const f of land.features) f.properties = { name: f.properties?.name || '', iso: Number(f.id) || 0 };
    const borders = mesh(countries, obj, (a, b) => a !== b);
    try {
      this.map = new maplibregl.Map({
        container: this.container,
        style: {
          version: 8,
          sources: {
            countries: { type: 'geojson', data: land },
            borders: { type: 'geojson', data: borders },
            events: {
              type: 'geojson',
              data: { type: 'FeatureCollection', features: [] },
              cluster: true,
              clusterRadius: 40,
              clusterMaxZoom: 9,
              clusterProperties: { fatalities: ['+', ['get', 'fatalities']] },
            },
            selected: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
          },
          layers: [
            { id: 'sea', type: 'background', paint: { 'background-color': '#dce9f2' } },
            { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f4f1ea' } },
            {
              id: 'land-active', type: 'fill', source: 'countries', filter: ['in', ['get', 'iso'], ['literal', []]],
              paint: { 'fill-color': '#ebe3cf' },
            },
            { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#9a948a', 'line-width': 0.8 } },
            {
              id: 'clusters', type: 'circle', source: 'events', filter: ['has', 'point_count'],
              paint: {
                'circle-color': '#37474f',
                'circle-opacity': 0.85,
                'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'point_count']], 1, 12, 10, 30],
                'circle-stroke-color': '#ffffff',
                'circle-stroke-width': 1.5,
              },
            },
            {
              id: 'points', type: 'circle', source: 'events', filter: ['!', ['has', 'point_count']],
              paint: {
                'circle-color': typeColour,
                'circle-opacity': 0.9,
                'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'fatalities']], 0, 5, 10, 22],
                'circle-stroke-color': '#ffffff',
                'circle-stroke-width': 1.2,
              },
            },
            {
              // the open event, from its own unclustered source so it shows even inside a cluster
              id: 'selected', type: 'circle', source: 'selected',
              paint: {
                'circle-color': typeColour,
                'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'fatalities']], 0, 6, 10, 22],
                'circle-stroke-color': '#ffb300',
                'circle-stroke-width': 3,
              },
            },
          ],
        },
        center: [5, 5],
        zoom: 2,
        attributionControl: { compact: true, customAttribution: 'Natural Earth' },
        fadeDuration: 0,
      });
    } catch (err) {
      this.fail(`map unavailable (WebGL?): ${err.message}`);
      return false;
    }
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.on('error', (e) => console.error('map:', e.error?.message || e));
    this.map.on('click', 'points', (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (id) this.onSelect(id);
    });
    this.map.on('click', 'clusters', (e) => this.zoomInto(e.features?.[0]));
    for (const layer of ['points', 'clusters']) {
      this.map.on('mouseenter', layer, () => { this.map.getCanvas().style.cursor = 'pointer'; });
      this.map.on('mouseleave', layer, () => { this.map.getCanvas().style.cursor = ''; });
    }
    // A hover card names the event; built from text nodes (event fields are untrusted).
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 10 });
    this.map.on('mousemove', ['points', 'selected'], (e) => {
      const p = e.features?.[0]?.properties;
      if (!p) return;
      popup.setLngLat(e.features[0].geometry.coordinates).setDOMContent(el('div', { className: 'hover' },
        el('strong', {}, p.location || p.id), ` ${p.event_date}`, el('br'), p.event_type,
        `, ${p.fatalities} fatalit${p.fatalities === 1 ? 'y' : 'ies'}`)).addTo(this.map);
    });
    this.map.on('mouseleave', ['points', 'selected'], () => popup.remove());
    this.map.on('render', () => this.updateLabels());
    this.map.on('idle', () => this.measure());
    await new Promise((resolve) => this.map.once('load', resolve));
    this.ready = true;
    if (this.pending) this.show(...this.pending);
    this.select(this.selected);
    return true;
  }

  // select rings the open event and brings it into view when it is off screen.
  select(id) {
    this.selected = id || '';
    if (!this.ready) return;
    const f = this.features.find((x) => x.properties.id === this.selected);
    this.map.getSource('selected').setData({ type: 'FeatureCollection', features: f ? [f] : [] });
    if (f && !this.map.getBounds().contains(f.geometry.coordinates)) {
      this.map.easeTo({ center: f.geometry.coordinates, duration: 0 });
    }
  }

  fail(msg) {
    console.error(msg);
    this.container.replaceChildren(el('p', { className: 'map-error' }, msg));
    this.container.dataset.state = 'error';
  }

  // show replaces the events on the map; fit frames them (first load, new filters).
  show(events, fit) {
    if (!this.ready) {
      this.pending = [events, fit];
      return;
    }
    const gj = toGeoJSON(events);
    this.features = gj.features;
    this.container.dataset.features = String(gj.features.length);
    this.container.dataset.state = 'loading';
    this.map.getSource('events').setData(gj);
    const isos = [...new Set(events.map((e) => Number(e.iso)).filter((n) => n > 0))];
    this.map.setFilter('land-active', ['in', ['get', 'iso'], ['literal', isos]]);
    if (fit && gj.features.length > 0) {
      const b = new maplibregl.LngLatBounds();
      for (const f of gj.features) b.extend(f.geometry.coordinates);
      this.map.fitBounds(b, { padding: 60, maxZoom: 8, duration: 0 });
    }
    this.select(this.selected);
  }

  async zoomInto(f) {
    if (!f) return;
    const zoom = await this.map.getSource('events').getClusterExpansionZoom(f.properties.cluster_id);
    this.map.easeTo({ center: f.geometry.coordinates, zoom });
  }

  // updateLabels keeps one DOM count label on each cluster on screen.
  updateLabels() {
    if (!this.map.getSource('events') || !this.map.isSourceLoaded('events')) return;
    const seen = new Set();
    for (const f of this.map.querySourceFeatures('events', { filter: ['has', 'point_count'] })) {
      const id = f.properties.cluster_id;
      if (seen.has(id)) continue;
      seen.add(id);
      let m = this.labels.get(id);
      if (!m) {
        const label = el('div', {
          className: 'cluster-label',
          title: `${f.properties.point_count} events, ${f.properties.fatalities} fatalities`,
        }, String(f.properties.point_count));
        m = new maplibregl.Marker({ element: label }).setLngLat(f.geometry.coordinates);
        this.labels.set(id, m);
      }
      m.addTo(this.map);
    }
    for (const [id, m] of this.labels) {
      if (!seen.has(id)) {
        m.remove();
        this.labels.delete(id);
      }
    }
  }

  // measure records on the element how many events are drawn in view (clusters count their
  // members), so a test or a user script can check what the map shows.
  measure() {
    if (!this.map.getSource('events')) return;
    let drawn = 0;
    const seen = new Set();
    for (const f of this.map.queryRenderedFeatures({ layers: ['clusters', 'points'] })) {
      const key = f.properties.cluster_id !== undefined ? `c${f.properties.cluster_id}` : `p${f.properties.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      drawn += f.properties.point_count || 1;
    }
    this.container.dataset.rendered = String(drawn);
    this.container.dataset.state = 'idle';
  }

  resize() {
    if (this.map) this.map.resize();
  }
}
