-- +goose Up
-- The dashboard's timeline (GET /api/stats) counts every non-background event per day and type:
-- this covering index answers it without reading the events table, in day order, so the counts
-- stream out grouped (about 10x faster than a table scan at 1,000,000 events).
CREATE INDEX events_stats ON events (event_date, event_type, fatalities, country_key) WHERE background = 0;
-- The same for one country (the dashboard's commonest filter).
CREATE INDEX events_stats_country ON events (country_key, event_date, event_type, fatalities) WHERE background = 0;

-- +goose Down
DROP INDEX events_stats_country;
DROP INDEX events_stats;
