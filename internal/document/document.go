// Package document holds the unit sitrep reads: one news article with where it came from and the clean
// text that every evidence span points into.
package document

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Document is one article as sitrep keeps it. Text is the clean text (paragraphs separated by a blank
// line); evidence offsets are byte offsets into it, so it must never change once stored.
type Document struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	GUID      string    `json:"guid,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	Title     string    `json:"title,omitempty"`
	Language  string    `json:"language,omitempty"`
	Published time.Time `json:"published,omitzero"`
	// PublishedApprox is set when Published is a stand-in (a file's modification time, a day-only
	// estimate): relative dates resolved against it are coded with lower precision.
	PublishedApprox bool      `json:"published_approx,omitempty"`
	FetchedAt       time.Time `json:"fetched_at,omitzero"`
	ContentHash     string    `json:"content_hash"`
	Text            string    `json:"text"`
	// Origin names where the document was read from (a file path, a feed URL), for messages.
	Origin string `json:"origin,omitempty"`
}

// HasPublished reports whether the publication time is known at all.
func (d Document) HasPublished() bool { return !d.Published.IsZero() }

// HashText is the content hash used to recognise the same text arriving again: SHA-256 of the text with
// whitespace runs collapsed, so re-wrapped copies of one article hash alike.
func HashText(text string) string {
	h := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(h[:])
}

// Finish fills the derived fields (content hash, and an ID when the input gave none).
func (d *Document) Finish() {
	d.ContentHash = HashText(d.Text)
	if d.ID == "" {
		switch {
		case d.GUID != "":
			d.ID = "guid:" + shortHash(d.GUID)
		case d.URL != "":
			d.ID = "url:" + shortHash(d.URL)
		default:
			d.ID = "sha:" + d.ContentHash[:16]
		}
	}
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
