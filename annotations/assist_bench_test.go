package annotations_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
	"github.com/tagdesk/tagdesk/assets"
	"github.com/tagdesk/tagdesk/internal/benchdata"
)

var (
	corpusOnce sync.Once
	corpusPath string
)

// corpus10k returns a project file of the 10,000-article benchmark corpus (about 4,000 characters
// each, no spans), with the default rules, made once per run.
func corpus10k(b *testing.B) *annotations.Project {
	b.Helper()
	corpusOnce.Do(func() {
		var buf bytes.Buffer
		if err := benchdata.Write(&buf, 10_000, 0); err != nil {
			b.Fatal(err)
		}
		dir, err := osMkdirTemp()
		if err != nil {
			b.Fatal(err)
		}
		corpusPath = filepath.Join(dir, "corpus.tagdesk")
		p, err := annotations.Open(context.Background(), corpusPath, annotations.OpenOptions{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		if _, err := p.Import(context.Background(), jsonlReader(buf.String()), annotations.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	})
	p, err := annotations.Open(context.Background(), corpusPath, annotations.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

// BenchmarkRunRulesCorpus runs the default rules over the 10,000-article corpus, replacing every
// rules suggestion in one transaction.
func BenchmarkRunRulesCorpus(b *testing.B) {
	p := corpus10k(b)
	for b.Loop() {
		rep, err := p.RunRules(context.Background(), nil)
		if err != nil || rep.Documents != 10_000 {
			b.Fatalf("%+v, %v", rep.Documents, err)
		}
		b.ReportMetric(float64(rep.Suggestions), "suggestions")
	}
}

// BenchmarkRunRulesOnOpen runs the default rules on one sample article, as the app does when a
// document opens with rules_on_open. Budget: 20 ms.
func BenchmarkRunRulesOnOpen(b *testing.B) {
	p := project(b, filepath.Join(b.TempDir(), "p.tagdesk"), "")
	d, _, err := p.AddDocument(context.Background(), annotations.NewDocument{Name: "s", Text: assets.Samples()[1].Text})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := p.RunRules(context.Background(), []int64{d.ID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOccurrencesCorpus finds one actor's occurrences in the 10,000-article corpus.
func BenchmarkOccurrencesCorpus(b *testing.B) {
	p := corpus10k(b)
	for b.Loop() {
		occ, err := p.Occurrences(context.Background(), annotations.OccurrenceQuery{DocumentID: 1, Needle: "Олександр Сирський", Corpus: true})
		if err != nil || len(occ.Items) == 0 {
			b.Fatalf("%d, %v", len(occ.Items), err)
		}
		b.ReportMetric(float64(len(occ.Items)), "occurrences")
	}
}

// BenchmarkSuggestions500 reads the open suggestions of a document that has 500.
func BenchmarkSuggestions500(b *testing.B) {
	ctx := context.Background()
	p := project(b, filepath.Join(b.TempDir(), "p.tagdesk"), "")
	var text bytes.Buffer
	for range 500 {
		text.WriteString("40 drones ")
	}
	d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: "d", Text: text.String()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.RunRules(ctx, []int64{d.ID}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sgs, err := p.Suggestions(ctx, d.ID, "alice", 0)
		if err != nil || len(sgs) < 500 {
			b.Fatalf("%d, %v", len(sgs), err)
		}
	}
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "tagdesk-bench-") }

func jsonlReader(s string) annotations.RecordReader {
	return formats.NewJSONLReader(strings.NewReader(s), "corpus.jsonl")
}
