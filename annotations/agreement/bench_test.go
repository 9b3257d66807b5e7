package agreement_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
	"github.com/tagdesk/tagdesk/annotations/formats"
	"github.com/tagdesk/tagdesk/internal/benchdata"
)

// The budget: Compute over 10,000 articles of 2,000 to 4,000 characters, each done by three
// annotators with 30 spans apiece, within 2 s on the two-core machines of CI.
const (
	benchDocs  = 10000
	benchSpans = 30
)

// benchProject imports the benchmark corpus into a new project.
func benchProject(b *testing.B, docs int) *annotations.Project {
	b.Helper()
	var buf bytes.Buffer
	err := benchdata.WriteOptions(&buf, benchdata.Options{Docs: docs, Spans: benchSpans, Annotators: []string{"ana", "ben", "cleo"},
		MinChars: 2000, MaxChars: 4000, Status: "done", Shared: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := annotations.Open(ctx, filepath.Join(b.TempDir(), "bench"+annotations.Extension), annotations.OpenOptions{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	if _, err := p.Import(ctx, formats.NewJSONLReader(&buf, "bench.jsonl"), annotations.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkCompute10k measures Compute, and beside it the floor it cannot go under: the one pass of
// Project.EachAnnotated that reads the documents and spans, which Compute overlaps with its own work.
func BenchmarkCompute10k(b *testing.B) {
	docs := benchDocs
	if testing.Short() {
		docs = 500 // the set-up, an import of 900,000 spans, takes a while
	}
	p := benchProject(b, docs)
	ctx := context.Background()
	b.Run("compute", func(b *testing.B) {
		for b.Loop() {
			r, err := agreement.Compute(ctx, p, agreement.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if r.Pairs[0].Documents != docs {
				b.Fatalf("%d documents compared, want %d", r.Pairs[0].Documents, docs)
			}
		}
		b.ReportMetric(float64(docs)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	})
	b.Run("read_only", func(b *testing.B) {
		for b.Loop() {
			err := p.EachAnnotated(ctx, []string{"ana", "ben", "cleo"}, func(*annotations.AnnotatedDocument) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
