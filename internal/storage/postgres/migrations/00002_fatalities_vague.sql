-- +goose Up
-- event.Event gained FatalitiesVague: the toll was read from a vague word with the lexicon's value.
ALTER TABLE events ADD COLUMN fatalities_vague BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE events DROP COLUMN fatalities_vague;
