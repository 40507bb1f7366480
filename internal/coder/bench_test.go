package coder

import (
	"context"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/reader"
)

func loadDocs(b *testing.B, rel ...string) []document.Document {
	b.Helper()
	var docs []document.Document
	err := reader.Read(context.Background(), fixtures.Path(b, rel...), nil, reader.Options{}, func(it reader.Item) error {
		if it.Err == nil {
			docs = append(docs, it.Doc)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return docs
}

// BenchmarkCodeACLEDDocs codes the ACLED development summaries (short, one event each): the coder's
// throughput in documents per second.
func BenchmarkCodeACLEDDocs(b *testing.B) {
	benchmarkCode(b, loadDocs(b, "eval", "acled-dev-docs.jsonl"))
}

// BenchmarkCodeSeedArticles codes the 14 seed articles (full news stories, up to 8 KB).
func BenchmarkCodeSeedArticles(b *testing.B) {
	benchmarkCode(b, loadDocs(b, "fixtures", "seeds", "articles.jsonl"))
}

func benchmarkCode(b *testing.B, docs []document.Document) {
	c := testCoder(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := c.Code(ctx, docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
