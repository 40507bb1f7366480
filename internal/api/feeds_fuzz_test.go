package api

import (
	"errors"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// FuzzFeedRequest: any POST /api/feeds body is either refused with a client error or gives a feed
// subscription.New accepts as it is.
func FuzzFeedRequest(f *testing.F) {
	for _, s := range []string{
		`{"url": "https://example.org/rss", "name": "Ex", "interval": "15m"}`,
		`{"url": "http://example.net/feed", "interval": 90}`,
		`{"url": "https://e.org/a", "interval": 1e300}`,
		`{"url": "https://e.org/a", "interval": -0.0000001}`,
		`{"url": "javascript:alert(1)"}`,
		`{"url": "https://e.org/a"} trailing`,
		`{"url": "https://e.org/\u0000", "name": "\ud800"}`,
		`null`, ``, `[]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		feed, err := parseFeedRequest(strings.NewReader(body))
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) || he.status < 400 || he.status > 499 {
				t.Fatalf("error %v is not a client error", err)
			}
			return
		}
		again, err := subscription.New(feed.URL, feed.Name, feed.Interval)
		if err != nil || again != feed {
			t.Fatalf("accepted %+v, which subscription.New gives as %+v, %v", feed, again, err)
		}
		if feed.Interval < subscription.MinInterval || feed.Interval > subscription.MaxInterval {
			t.Fatalf("interval %v out of bounds", feed.Interval)
		}
	})
}
