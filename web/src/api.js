// Client of sitrep's JSON API (internal/api). Same origin only: the page fetches nothing else.

async function getJSON(path, signal) {
  const r = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let msg = `${r.status} ${r.statusText}`;
    try {
      const body = await r.json();
      if (body && body.error) msg += `: ${body.error}`;
    } catch { /* not JSON */ }
    throw new Error(`${path}: ${msg}`);
  }
  return r.json();
}

// events returns one page of events and the cursor of the next ('' at the end).
export async function events(query, cursor, signal) {
  const q = new URLSearchParams(query);
  if (cursor) q.set('cursor', cursor);
  const body = await getJSON(`/api/events?${q}`, signal);
  return { events: Array.isArray(body.events) ? body.events : [], next: body.next || '' };
}

export const event = (id, signal) => getJSON(`/api/events/${encodeURIComponent(id)}`, signal);
export const documentText = (id, signal) => getJSON(`/api/documents/${encodeURIComponent(id)}`, signal);
export const stats = (query, signal) => getJSON(`/api/stats?${query}`, signal);
