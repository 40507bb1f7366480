-- +goose Up

-- The PostgreSQL schema mirrors the SQLite one (same tables, columns and migration versions) so that
-- exports and SQL tools read either alike. Text keys that are ordered or range-compared use the "C"
-- collation: byte order, as SQLite compares, whatever the database's locale.

-- Articles as read. Text is immutable once stored: evidence offsets point into it.
CREATE TABLE documents (
    id               TEXT PRIMARY KEY,
    url              TEXT NOT NULL DEFAULT '',
    guid             TEXT NOT NULL DEFAULT '',
    outlet           TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL DEFAULT '',
    language         TEXT NOT NULL DEFAULT '',
    published        TEXT NOT NULL DEFAULT '', -- RFC 3339 with nanoseconds and the article's own offset
    published_approx BOOLEAN NOT NULL DEFAULT FALSE,
    fetched_at       TEXT NOT NULL DEFAULT '',
    content_hash     TEXT NOT NULL,
    text             TEXT NOT NULL,
    origin           TEXT NOT NULL DEFAULT ''
);
-- Partial indexes: an empty URL or GUID is "unknown" and must never make two documents collide.
CREATE UNIQUE INDEX documents_url ON documents (url) WHERE url <> '';
CREATE UNIQUE INDEX documents_guid ON documents (guid) WHERE guid <> '';
CREATE UNIQUE INDEX documents_content_hash ON documents (content_hash) WHERE content_hash <> '';

CREATE TABLE events (
    event_id_cnty      TEXT COLLATE "C" PRIMARY KEY,
    event_date         TEXT COLLATE "C" NOT NULL,
    year               INTEGER NOT NULL,
    time_precision     INTEGER NOT NULL,
    disorder_type      TEXT NOT NULL,
    event_type         TEXT NOT NULL,
    sub_event_type     TEXT NOT NULL,
    actor1             TEXT NOT NULL,
    assoc_actor_1      TEXT NOT NULL,
    inter1             INTEGER NOT NULL,
    actor2             TEXT NOT NULL,
    assoc_actor_2      TEXT NOT NULL,
    inter2             INTEGER NOT NULL,
    interaction        INTEGER NOT NULL,
    civilian_targeting TEXT NOT NULL,
    iso                INTEGER NOT NULL,
    region             TEXT NOT NULL,
    country            TEXT NOT NULL,
    admin1             TEXT NOT NULL,
    admin2             TEXT NOT NULL,
    admin3             TEXT NOT NULL,
    location           TEXT NOT NULL,
    latitude           DOUBLE PRECISION NOT NULL,
    longitude          DOUBLE PRECISION NOT NULL,
    geo_precision      INTEGER NOT NULL,
    source             TEXT NOT NULL,
    source_scale       TEXT NOT NULL,
    notes              TEXT NOT NULL,
    fatalities         INTEGER NOT NULL,
    tags               TEXT NOT NULL,
    timestamp          BIGINT NOT NULL,

    date_start         TEXT NOT NULL,
    date_end           TEXT NOT NULL,
    fatalities_low     INTEGER NOT NULL,
    fatalities_high    INTEGER NOT NULL,
    geonameid          BIGINT NOT NULL,
    confidence         DOUBLE PRECISION NOT NULL,
    status             TEXT NOT NULL,
    background         BOOLEAN NOT NULL,

    country_key        TEXT COLLATE "C" NOT NULL, -- lower-cased country, for case-insensitive filters
    cell               BIGINT NOT NULL, -- the dedup place/time cell the pipeline indexes under
    span_start         TEXT COLLATE "C" NOT NULL, -- date_start, else event_date
    span_end           TEXT COLLATE "C" NOT NULL  -- date_end, else event_date
);
-- NearbyEvents: one range scan per cell on span_end, never a scan of all events.
CREATE INDEX events_cell_span ON events (cell, span_end, span_start);
-- Exports and the API read in (event_date, event_id_cnty) order.
CREATE INDEX events_date ON events (event_date, event_id_cnty);
CREATE INDEX events_country_date ON events (country_key, event_date, event_id_cnty);

CREATE TABLE event_sources (
    event_id  TEXT COLLATE "C" NOT NULL REFERENCES events (event_id_cnty) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    source_id TEXT NOT NULL,
    url       TEXT NOT NULL,
    outlet    TEXT NOT NULL,
    title     TEXT NOT NULL,
    published TEXT NOT NULL,
    language  TEXT NOT NULL,
    PRIMARY KEY (event_id, idx)
);
CREATE INDEX event_sources_source ON event_sources (source_id);

CREATE TABLE claims (
    event_id  TEXT COLLATE "C" NOT NULL REFERENCES events (event_id_cnty) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    by_party  TEXT NOT NULL,
    figure    INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    of_whom   TEXT NOT NULL,
    text      TEXT NOT NULL,
    source_id TEXT NOT NULL,
    start_off INTEGER NOT NULL,
    end_off   INTEGER NOT NULL,
    PRIMARY KEY (event_id, idx)
);

CREATE TABLE evidence (
    event_id  TEXT COLLATE "C" NOT NULL REFERENCES events (event_id_cnty) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    field     TEXT NOT NULL,
    source_id TEXT NOT NULL,
    start_off INTEGER NOT NULL,
    end_off   INTEGER NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (event_id, idx)
);

-- One row per event coded from one document; a mention belongs to exactly one stored event.
CREATE TABLE event_mentions (
    document_id TEXT NOT NULL,
    idx         INTEGER NOT NULL,
    event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (event_id_cnty) ON DELETE CASCADE,
    ord         INTEGER NOT NULL, -- position in the stored event's mention list
    event_json  TEXT NOT NULL,    -- text, not jsonb: kept byte for byte as the pipeline wrote it
    PRIMARY KEY (document_id, idx)
);
CREATE INDEX event_mentions_event ON event_mentions (event_id, ord);

-- Merged-away ids keep resolving to the event that absorbed them.
CREATE TABLE event_aliases (
    id       TEXT COLLATE "C" PRIMARY KEY,
    survivor TEXT COLLATE "C" NOT NULL
);
CREATE INDEX event_aliases_survivor ON event_aliases (survivor);

-- Highest number ever used per country, so ids are never reused after deletes or merges.
CREATE TABLE id_counters (
    iso3 TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- User-imported gazetteer place sets, in the gazetteer's own encoding.
CREATE TABLE place_sets (
    name       TEXT PRIMARY KEY,
    data       BYTEA NOT NULL,
    updated_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE place_sets;
DROP TABLE id_counters;
DROP TABLE event_aliases;
DROP TABLE event_mentions;
DROP TABLE evidence;
DROP TABLE claims;
DROP TABLE event_sources;
DROP TABLE events;
DROP TABLE documents;
