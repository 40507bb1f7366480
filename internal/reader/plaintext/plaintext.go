// Package plaintext reads an article saved as plain text: the title, when there is one, is its first
// line.
package plaintext

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/document"
)

// maxTitle is the longest first line taken as a title, in characters; a longer one is a paragraph.
const maxTitle = 160

// Parse cleans the text and takes a short first line, followed by more text, as the title. The title
// stays in the text too: the text is the article as it was given, and evidence offsets point into it.
func Parse(data []byte) (document.Document, error) {
	text := document.CleanText(string(data))
	if text == "" {
		return document.Document{}, errors.New("no text")
	}
	return document.Document{Text: text, Title: Title(text)}, nil
}

// Title gives the first line of clean text when it reads as a heading: short, followed by more text,
// and not a sentence that ends in a full stop.
func Title(text string) string {
	first, rest, ok := strings.Cut(text, "\n")
	first = strings.TrimSpace(first)
	if !ok || strings.TrimSpace(rest) == "" || first == "" {
		return ""
	}
	if utf8.RuneCountInString(first) > maxTitle {
		return ""
	}
	if strings.HasSuffix(first, ".") && !strings.HasSuffix(first, "..") {
		return ""
	}
	return first
}
