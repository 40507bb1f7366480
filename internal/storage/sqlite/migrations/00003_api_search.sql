-- +goose Up
-- The API's filters and sort orders (internal/api). Every list is read newest first by keyset, so
-- each index ends with (event_date, event_id_cnty) and serves both the filter and the order.
CREATE INDEX events_fatalities ON events (fatalities, event_date, event_id_cnty);
CREATE INDEX events_type_date ON events (event_type COLLATE NOCASE, event_date, event_id_cnty);
CREATE INDEX events_subtype_date ON events (sub_event_type COLLATE NOCASE, event_date, event_id_cnty);
CREATE INDEX events_admin1_date ON events (admin1 COLLATE NOCASE, event_date, event_id_cnty);

-- Full text of notes and of source documents (external content: the text is stored once, in its
-- table). remove_diacritics lets "segou" find "Ségou". The FTS and R*Tree ids are the rowids of events
-- and documents; SQLite keeps rowids through VACUUM and VACUUM INTO (tested in query_test.go), and
-- `INSERT INTO events_fts(events_fts) VALUES ('rebuild')` repairs an index if ever needed.
CREATE VIRTUAL TABLE events_fts USING fts5 (notes, content = 'events', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE documents_fts USING fts5 (title, text, content = 'documents', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2');
-- Located events only (0,0 with geo_precision 0 is "unknown"), for bbox queries.
CREATE VIRTUAL TABLE events_geo USING rtree (id, min_lon, max_lon, min_lat, max_lat);

INSERT INTO events_fts (events_fts) VALUES ('rebuild');
INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
INSERT INTO events_geo (id, min_lon, max_lon, min_lat, max_lat)
    SELECT rowid, longitude, longitude, latitude, latitude FROM events
    WHERE latitude <> 0 OR longitude <> 0 OR geo_precision <> 0;

-- +goose StatementBegin
CREATE TRIGGER events_search_ai AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, notes) VALUES (new.rowid, new.notes);
    INSERT INTO events_geo (id, min_lon, max_lon, min_lat, max_lat)
        SELECT new.rowid, new.longitude, new.longitude, new.latitude, new.latitude
        WHERE new.latitude <> 0 OR new.longitude <> 0 OR new.geo_precision <> 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_search_ad AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, notes) VALUES ('delete', old.rowid, old.notes);
    DELETE FROM events_geo WHERE id = old.rowid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_search_au AFTER UPDATE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, notes) VALUES ('delete', old.rowid, old.notes);
    INSERT INTO events_fts (rowid, notes) VALUES (new.rowid, new.notes);
    DELETE FROM events_geo WHERE id = old.rowid;
    INSERT INTO events_geo (id, min_lon, max_lon, min_lat, max_lat)
        SELECT new.rowid, new.longitude, new.longitude, new.latitude, new.latitude
        WHERE new.latitude <> 0 OR new.longitude <> 0 OR new.geo_precision <> 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER documents_search_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER documents_search_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER documents_search_au AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER documents_search_au;
DROP TRIGGER documents_search_ad;
DROP TRIGGER documents_search_ai;
DROP TRIGGER events_search_au;
DROP TRIGGER events_search_ad;
DROP TRIGGER events_search_ai;
DROP TABLE events_geo;
DROP TABLE documents_fts;
DROP TABLE events_fts;
DROP INDEX events_admin1_date;
DROP INDEX events_subtype_date;
DROP INDEX events_type_date;
DROP INDEX events_fatalities;
