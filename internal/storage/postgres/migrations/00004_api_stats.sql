-- +goose Up
-- The dashboard's timeline (GET /api/stats) counts every non-background event per day and type, as
-- SQLite's 00004 does: a covering index PostgreSQL can answer it from (an index-only scan, in day
-- order) without reading the events table.
CREATE INDEX events_stats ON events (event_date, event_type, fatalities, country_key) WHERE NOT background;
-- The same for one country (the dashboard's commonest filter).
CREATE INDEX events_stats_country ON events (country_key, event_date, event_type, fatalities) WHERE NOT background;

-- +goose Down
DROP INDEX events_stats_country;
DROP INDEX events_stats;
