-- +goose Up
-- The API's filters and sort orders (internal/api), as SQLite's 00003 has them. Every list is read
-- newest first by keyset, so each index ends with (event_date, event_id_cnty) and serves both the
-- filter and the order. Type, sub-event type and admin1 compare ignoring ASCII case only, as SQLite's
-- NOCASE does: lower() under the "C" collation folds A-Z and nothing else, whatever the database's
-- locale.
CREATE INDEX events_fatalities ON events (fatalities, event_date, event_id_cnty);
CREATE INDEX events_type_date ON events (lower(event_type COLLATE "C"), event_date, event_id_cnty);
CREATE INDEX events_subtype_date ON events (lower(sub_event_type COLLATE "C"), event_date, event_id_cnty);
CREATE INDEX events_admin1_date ON events (lower(admin1 COLLATE "C"), event_date, event_id_cnty);

-- Located events only (0,0 with geo_precision 0 is "unknown"), for bbox queries. The box operator is
-- fuzzy by 1e-6 degree; the exact comparison in the query decides.
CREATE INDEX events_geo ON events USING gist (point(longitude, latitude))
    WHERE latitude <> 0 OR longitude <> 0 OR geo_precision <> 0;

-- Full text of notes and of source documents, with the words SQLite's FTS5 (unicode61,
-- remove_diacritics 2) would find: letters and digits separated by anything else, case and Latin
-- diacritics ignored ("segou" finds "Ségou"). The words are cut by our own functions, not by a text
-- search parser, whose tokens (hyphenated words, URLs, "3.5") would differ from SQLite's. ICU's
-- root collation gives Unicode letters and case whatever the database's locale.
-- +goose StatementBegin
CREATE FUNCTION sitrep_words(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN array_remove(regexp_split_to_array(
    lower(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]+', '', 'g') COLLATE "und-x-icu"),
    '[^[:alnum:]]+'), '');
-- +goose StatementEnd

-- The distinct words of a text as a tsvector (no positions: every query is a set of words). A
-- tsvector holds at most 1 MB, and one word at most 2 KB: longer words are left out (nobody types
-- them), and a text with more distinct words than fit keeps those that come first.
-- +goose StatementBegin
CREATE FUNCTION sitrep_tsv(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT coalesce(array_to_tsvector(array_agg(w)), ''::tsvector) FROM (
    SELECT w, sum(octet_length(w) + 8) OVER (ORDER BY first) AS size FROM (
        SELECT w, min(n) AS first FROM unnest(sitrep_words(t)) WITH ORDINALITY AS u(w, n)
        WHERE octet_length(w) <= 256 GROUP BY w) AS distinct_words) AS sized
    WHERE size < 1000000);
-- +goose StatementEnd

-- A full-text query: every word must occur, cut and folded as sitrep_words does; a word with prefix
-- set matches as a prefix. words and prefix are storage.SearchTerms, pair by pair.
-- +goose StatementBegin
CREATE FUNCTION sitrep_tsquery(words text[], prefix boolean[]) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT
    PARALLEL SAFE
RETURN (SELECT coalesce(string_agg(quote_literal(u.w) || CASE WHEN t.p AND u.k = cardinality(sitrep_words(t.word))
        THEN ':*' ELSE '' END, ' & ' ORDER BY t.i, u.k), '')::tsquery
    FROM unnest(words, prefix) WITH ORDINALITY AS t(word, p, i),
        unnest(sitrep_words(t.word)) WITH ORDINALITY AS u(w, k));
-- +goose StatementEnd

-- The words are stored (generated columns), not only indexed: a page of a common word walks the
-- events in date order and tests each row's words, which must not cut its text again.
ALTER TABLE events ADD COLUMN words tsvector GENERATED ALWAYS AS (sitrep_tsv(notes)) STORED;
ALTER TABLE documents ADD COLUMN words tsvector GENERATED ALWAYS AS (sitrep_tsv(title || ' ' || text)) STORED;
CREATE INDEX events_words ON events USING gin (words);
CREATE INDEX documents_words ON documents USING gin (words);

-- +goose Down
DROP INDEX documents_words;
DROP INDEX events_words;
ALTER TABLE documents DROP COLUMN words;
ALTER TABLE events DROP COLUMN words;
DROP FUNCTION sitrep_tsquery(text[], boolean[]);
DROP FUNCTION sitrep_tsv(text);
DROP FUNCTION sitrep_words(text);
DROP INDEX events_geo;
DROP INDEX events_admin1_date;
DROP INDEX events_subtype_date;
DROP INDEX events_type_date;
DROP INDEX events_fatalities;
