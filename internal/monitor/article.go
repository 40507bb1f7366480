package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/feed"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/reader/page"
)

// When the feed's text is the whole article. Feeds that carry articles put them in a content field
// (content:encoded, Atom content); a description or summary is usually a teaser of a sentence or two,
// though some feeds put the whole text there. An item's text is taken as the article when it is not
// visibly cut off (see truncated) and at least this long, in characters: a content field of a few
// short paragraphs is an article, a description has to be as long as a short news report.
const (
	MinContentText = 400
	MinSummaryText = 1200
)

// SummaryOnly reports whether an entry carries only a teaser of its article, so that the page must
// be fetched: its text is missing, shorter than the thresholds above, or ends cut off.
func SummaryOnly(e feed.Entry) bool {
	n := utf8.RuneCountInString(e.Text)
	switch {
	case n == 0:
		return true
	case truncated(e.Text):
		return true
	case e.FromContent:
		return n < MinContentText
	}
	return n < MinSummaryText
}

// truncated reports whether a text ends as teasers do: in an ellipsis or in the link a CMS appends.
func truncated(text string) bool {
	end := strings.ToLower(strings.TrimSpace(text))
	for _, s := range []string{"…", "...", "[…]", "[...]", "(…)", "[…].", "[...]."} {
		if strings.HasSuffix(end, s) {
			return true
		}
	}
	end = strings.TrimRight(end, " \t\n»>→›.:!")
	for _, s := range []string{"read more", "continue reading", "read the full story", "read the full article",
		"lire la suite", "leia mais", "leer más"} {
		if strings.HasSuffix(end, s) {
			return true
		}
	}
	return false
}

// HandleArticle runs an article job: the page is fetched when the feed carries only a teaser
// (SummaryOnly) and reduced to its main text as the spine reads saved pages (internal/reader/page);
// the document is then ingested. A page that fails temporarily is retried (the job's backoff); one
// that fails for good (404, too large, a forbidden address), or still fails on the job's last
// attempt, gives way to the feed's own text when there is any, else the job fails with the reason.
// A retried job finds its document stored and codes nothing twice.
func (m *Monitor) HandleArticle(ctx context.Context, job queue.Job) error {
	var p articlePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return queue.Permanent(fmt.Errorf("article job payload: %w", err))
	}
	e := p.Entry
	log := m.log.With("feed", p.FeedID, "item", job.Key)
	doc := document.Document{
		URL:       e.URL,
		GUID:      e.GUID,
		Outlet:    p.Outlet,
		Title:     e.Title,
		Language:  p.Language,
		Published: e.Published,
		Text:      e.Text,
	}
	if SummaryOnly(e) && e.URL != "" {
		pg, err := m.fetchPage(ctx, e.URL)
		switch {
		case err == nil:
			m.o.Observer.ArticleFetched()
			// A page whose extraction found less than the feed gave is not the article's text.
			if utf8.RuneCountInString(pg.Text) >= utf8.RuneCountInString(e.Text) {
				doc.Text = pg.Text
			}
			if doc.Title == "" {
				doc.Title = pg.Title
			}
			if doc.Language == "" {
				doc.Language = pg.Language
			}
			if doc.Published.IsZero() {
				doc.Published, doc.PublishedApprox = pg.Published, pg.PublishedApprox
			}
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			m.o.Observer.FetchError(fetcher.KindOf(err))
			last := job.Attempt >= maxAttempts(job)
			temporary := isTemporary(err)
			if temporary && !last {
				log.Info("article page fetch failed; will retry", "url", e.URL, "attempt", job.Attempt, "err", err)
				err = fmt.Errorf("fetch article page %s: %w", e.URL, err)
				if fe := (*fetcher.Error)(nil); errors.As(err, &fe) && fe.RetryAfter > 0 {
					// The server said when to come back (429, 503): the job waits at least that long.
					return queue.RetryAfter(err, fe.RetryAfter)
				}
				return err
			}
			if strings.TrimSpace(e.Text) == "" {
				return queue.Permanent(fmt.Errorf("fetch article page %s: %w (and the feed gave no text)", e.URL, err))
			}
			log.Warn("article page not fetched; using the feed's text", "url", e.URL, "err", err)
		}
	}
	if strings.TrimSpace(doc.Text) == "" {
		return queue.Permanent(fmt.Errorf("feed item %q has no text and no link to fetch", job.Key))
	}
	if doc.Published.IsZero() {
		// Neither feed nor page dates it: the time it was found stands in, marked approximate.
		doc.Published, doc.PublishedApprox = document.NormalizeTime(p.Found), true
	}
	doc.FetchedAt = m.o.Now().UTC()
	doc.Origin = p.FeedURL + "#" + job.Key
	doc.Finish()
	return m.ingest(ctx, doc, p.Found, log)
}

func (m *Monitor) fetchPage(ctx context.Context, pageURL string) (document.Document, error) {
	resp, err := m.o.Fetcher.Fetch(ctx, fetcher.Request{URL: pageURL, Accept: fetcher.AcceptHTML})
	if err != nil {
		return document.Document{}, err
	}
	doc, err := page.Parse(resp.Body, resp.URL)
	if err != nil {
		// Not an article page (an empty body, a PDF): no retry will change it.
		return document.Document{}, &notArticleError{err}
	}
	return doc, nil
}

type notArticleError struct{ err error }

func (e *notArticleError) Error() string { return e.err.Error() }
func (e *notArticleError) Unwrap() error { return e.err }

// isTemporary: a fetcher error says so itself; a page that is no article is permanent; any other
// error (a transport failure the fetcher did not classify) is worth another try.
func isTemporary(err error) bool {
	var na *notArticleError
	if errors.As(err, &na) {
		return false
	}
	var fe *fetcher.Error
	if errors.As(err, &fe) {
		return fe.Temporary()
	}
	return true
}

func maxAttempts(job queue.Job) int {
	if job.MaxAttempts > 0 {
		return job.MaxAttempts
	}
	return queue.DefaultMaxAttempts
}
