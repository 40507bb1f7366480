// Package evaluate scores sitrep's events against reference data, with the same matching rules as
// the team's independent scorer (../shared/tools/score.py) so that the figures agree on the same
// predictions, and richer reports:
//
//   - seeds mode: gold events (../shared/fixtures/seeds/gold-events.jsonl) against the events sitrep
//     holds after ingesting the seed articles: recall over required gold events, precision,
//     duplicates, per-field accuracy, the matches, misses and unmatched predictions;
//   - ACLED mode: ACLED records (CSV with notes) against the event sitrep codes from each record's
//     notes fed as one document: figures overall, per country and per event type, and the event
//     type confusion matrix.
//
// Floors (data/floors.json) are the minimum figures `sitrep eval --check` demands.
package evaluate
