package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

func editCommand() command {
	c := command{
		name:    "edit",
		summary: "Record analyst edits of an event (kept through later merges and re-codes): field=value pairs, e.g. fatalities=12 not_an_event=true.",
		usage:   "[--db FILE|URL] [--by NAME] [--note TEXT] [--json] EVENT_ID [FIELD=VALUE...]  (no FIELD=VALUE: list the event's edits)",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		by := fs.String("by", defaultEditor(env), "who makes the edit (default: $USER)")
		note := fs.String("note", "", "why (kept with the edit)")
		asJSON := fs.Bool("json", false, "print the edited event and its edits as JSON")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return usageErr("want an event id, then FIELD=VALUE pairs (editable: %s), or none to list its edits", strings.Join(event.EditFields, ", "))
		}
		if len(pos) == 1 {
			return listEdits(ctx, env, *db, pos[0], *asJSON)
		}
		changes, err := parseAssignments(pos[1:])
		if err != nil {
			return usageErr("%v", err)
		}
		for i := range changes {
			changes[i].By, changes[i].Note = *by, *note
		}
		if err := mustExist(*db); err != nil {
			return err
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return err
		}
		defer store.Close()
		ev, edits, err := pipeline.New(store, nil, nil).Edit(ctx, pos[0], changes)
		switch {
		case errors.Is(err, pipeline.ErrInvalidEdit):
			return usageErr("%v", err)
		case errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("no event %s", pos[0])
		case err != nil:
			return err
		}
		if *asJSON {
			ev.FillEmpty()
			if edits == nil {
				edits = []event.Edit{}
			}
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(struct {
				Event event.Event  `json:"event"`
				Edits []event.Edit `json:"edits"`
			}{ev, edits})
		}
		for _, e := range edits[len(edits)-len(changes):] {
			fmt.Fprintf(env.stdout, "%s: %s=%q (edit %d by %s)\n", ev.EventIDCnty, e.Field, e.Value, e.Seq, e.By)
		}
		fmt.Fprintf(env.stdout, "%s now: %s\n", ev.EventIDCnty, ev.Notes)
		return nil
	}
	return c
}

// listEdits prints the edits that apply to an event, oldest first.
func listEdits(ctx context.Context, env *cliEnv, db, id string, asJSON bool) error {
	if err := mustExist(db); err != nil {
		return err
	}
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	er, ok := store.(interface {
		EventEdits(ctx context.Context, id string) (string, []event.Edit, error)
	})
	if !ok {
		return fmt.Errorf("this store keeps no edits")
	}
	survivor, edits, err := er.EventEdits(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("no event %s", id)
	}
	if err != nil {
		return err
	}
	if asJSON {
		if edits == nil {
			edits = []event.Edit{}
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			EventID string       `json:"event_id"`
			Edits   []event.Edit `json:"edits"`
		}{survivor, edits})
	}
	if survivor != id {
		fmt.Fprintf(env.stdout, "%s was merged into %s\n", id, survivor)
	}
	if len(edits) == 0 {
		fmt.Fprintf(env.stdout, "%s: no edits\n", survivor)
	}
	for _, e := range edits {
		fmt.Fprintf(env.stdout, "%d\t%s\t%s\t%s=%q\t%s\t%s\n", e.Seq, e.At.UTC().Format(time.RFC3339), e.EventID, e.Field, e.Value, e.By, e.Note)
	}
	return nil
}

func defaultEditor(env *cliEnv) string {
	if u := strings.TrimSpace(env.getenv("USER")); u != "" {
		return u
	}
	return "cli"
}

// parseAssignments reads FIELD=VALUE arguments (the value may contain '=' and be empty, e.g.
// actor2=) into edits, checked and normalized.
func parseAssignments(args []string) ([]event.Edit, error) {
	var out []event.Edit
	seen := map[string]bool{}
	for _, a := range args {
		field, value, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(field) == "" {
			return nil, fmt.Errorf("%q: want FIELD=VALUE", a)
		}
		e := event.Edit{Field: field, Value: value}
		if err := e.Normalize(); err != nil {
			return nil, err
		}
		if seen[e.Field] {
			return nil, fmt.Errorf("%s given twice", e.Field)
		}
		seen[e.Field] = true
		out = append(out, e)
	}
	return out, nil
}
