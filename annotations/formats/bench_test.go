package formats

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/internal/benchdata"
)

// Import and export of 100,000 spans (1,000 articles of about 4,000 characters, 100 spans each), in
// process: the budgets of a million spans beside the sqlite3 shell are measured by .ci/bench-scale.
const (
	benchDocs     = 1000
	benchSpansDoc = 100
)

func benchCorpus(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := benchdata.Write(&buf, benchDocs, benchSpansDoc); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkImport100kSpans(b *testing.B) {
	// cancellable, as the command line's is (Ctrl+C)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	corpus := benchCorpus(b)
	b.SetBytes(int64(len(corpus)))
	for b.Loop() {
		b.StopTimer()
		p, err := annotations.Open(context.Background(), filepath.Join(b.TempDir(), "bench.tagdesk"), annotations.OpenOptions{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := p.Import(ctx, NewJSONLReader(bytes.NewReader(corpus), "bench.jsonl"), annotations.ImportOptions{})
		if err != nil || rep.Spans != benchDocs*benchSpansDoc {
			b.Fatalf("import: %+v, %v", rep, err)
		}
		b.StopTimer()
		p.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(benchDocs*benchSpansDoc)*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
}

func benchExport(b *testing.B, format string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	corpus := benchCorpus(b)
	p, err := annotations.Open(context.Background(), filepath.Join(b.TempDir(), "bench.tagdesk"), annotations.OpenOptions{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Import(context.Background(), NewJSONLReader(bytes.NewReader(corpus), "bench.jsonl"), annotations.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	var n countWriter
	for b.Loop() {
		w, _ := NewWriter(format, &n, WriterOptions{})
		if err := p.Export(ctx, annotations.ExportQuery{}, w.Write); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
	b.SetBytes(int64(n) / int64(b.N))
	b.ReportMetric(float64(benchDocs*benchSpansDoc)*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
}

func BenchmarkExport100kSpansCSV(b *testing.B)     { benchExport(b, CSV) }
func BenchmarkExport100kSpansJSONL(b *testing.B)   { benchExport(b, JSONL) }
func BenchmarkExport100kSpansDoccano(b *testing.B) { benchExport(b, Doccano) }
func BenchmarkExport100kSpansSpaCy(b *testing.B)   { benchExport(b, SpaCy) }
func BenchmarkExport100kSpansProdigy(b *testing.B) { benchExport(b, Prodigy) }
func BenchmarkExport100kSpansLabelStudio(b *testing.B) {
	benchExport(b, LabelStudio)
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countWriter)(nil)
