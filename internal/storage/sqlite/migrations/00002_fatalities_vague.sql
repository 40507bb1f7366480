-- +goose Up
-- event.Event gained FatalitiesVague: the toll was read from a vague word with the lexicon's value.
ALTER TABLE events ADD COLUMN fatalities_vague INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE events DROP COLUMN fatalities_vague;
