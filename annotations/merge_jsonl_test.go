package annotations_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
	"github.com/tagdesk/tagdesk/internal/benchdata"
)

// project makes a project file at path holding the Tagdesk JSONL lines and returns it open.
func project(tb testing.TB, path, jsonl string) *annotations.Project {
	tb.Helper()
	p, err := annotations.Open(context.Background(), path, annotations.OpenOptions{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	if jsonl != "" {
		if _, err := p.Import(context.Background(), formats.NewJSONLReader(strings.NewReader(jsonl), "setup.jsonl"), annotations.ImportOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	return p
}

// exportJSONL returns the whole project as Tagdesk JSONL.
func exportJSONL(tb testing.TB, p *annotations.Project) string {
	tb.Helper()
	var b bytes.Buffer
	w := formats.NewJSONLWriter(&b)
	if err := p.Export(context.Background(), annotations.ExportQuery{}, w.Write); err != nil {
		tb.Fatal(err)
	}
	w.Close()
	return b.String()
}

// TestMergeAgreesWithImport checks that merging a project file F and importing F's Tagdesk JSONL
// export give the same project: both go through the same reconciliation.
func TestMergeAgreesWithImport(t *testing.T) {
	const base = `{"id": "d1", "name": "drones", "text": "Kyiv said 40 drones were shot down.", "spans": [` +
		`{"start": 0, "end": 4, "label": "actor", "annotator": "alice"},` +
		`{"start": 10, "end": 19, "label": "figure", "annotator": "bob", "note": ""}], "status": {"alice": "in_progress", "bob": "done"}}
{"id": "d2", "name": "tanks", "text": "12 tanks were destroyed.", "spans": [{"start": 0, "end": 8, "label": "figure", "annotator": "gold"}]}
`
	tests := map[string]struct {
		file    string // the annotator's copy: base plus or minus their work
		renamed string // an annotator name the merge must make, if any
	}{
		"a newer copy": {
			file: `{"id": "d1", "name": "drones", "text": "Kyiv said 40 drones were shot down.", "spans": [` +
				`{"start": 0, "end": 4, "label": "actor", "annotator": "alice", "note": "the capital"},` +
				`{"start": 25, "end": 29, "label": "claim", "annotator": "alice"},` +
				`{"start": 10, "end": 19, "label": "figure", "annotator": "bob"}], "status": {"alice": "done", "bob": "in_progress"},` +
				`"relations": [{"from": 1, "to": 0, "type": "attributed_to"}]}
{"id": "d2", "name": "tanks", "text": "12 tanks were destroyed.", "spans": [{"start": 0, "end": 8, "label": "figure", "annotator": "gold"}, {"start": 3, "end": 8, "label": "vehicle", "annotator": "gold"}], "relations": [{"from": 1, "to": 0, "type": "part of"}]}
{"id": "d3", "name": "new", "text": "Only in the copy.", "meta": {"source": "AFP"}, "spans": [{"start": 0, "end": 4, "label": "claim", "annotator": "carol"}], "status": {"dave": "done"}}
`,
		},
		"the same name with other work": {
			file: `{"id": "d1", "name": "drones", "text": "Kyiv said 40 drones were shot down.", "spans": [` +
				`{"start": 0, "end": 4, "label": "weapon", "annotator": "alice"},` +
				`{"start": 25, "end": 29, "label": "claim", "annotator": "alice"},` +
				`{"start": 10, "end": 19, "label": "figure", "annotator": "bob"}], "status": {"alice": "done"},` +
				`"relations": [{"from": 1, "to": 0, "type": "attributed_to"}]}
{"id": "d2", "name": "tanks", "text": "12 tanks were destroyed.", "spans": [{"start": 0, "end": 2, "label": "figure", "annotator": "gold"}]}
`,
			renamed: "alice (from laptop)",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			merged := project(t, filepath.Join(dir, "merged.tagdesk"), base)
			imported := project(t, filepath.Join(dir, "imported.tagdesk"), base)
			if exportJSONL(t, merged) != exportJSONL(t, imported) {
				t.Fatal("the two projects differ before")
			}
			file := project(t, filepath.Join(dir, "laptop.tagdesk"), tt.file)
			jsonl := filepath.Join(t.TempDir(), "laptop.jsonl")
			if err := os.WriteFile(jsonl, []byte(exportJSONL(t, file)), 0o644); err != nil {
				t.Fatal(err)
			}

			for round := range 2 { // and again: nothing more
				mrep, err := merged.Merge(ctx, []string{file.Path()}, annotations.MergeOptions{})
				if err != nil {
					t.Fatalf("Merge: %v", err)
				}
				r := formats.Open([]string{jsonl}, "", nil)
				irep, err := imported.Import(ctx, r, annotations.ImportOptions{})
				r.Close()
				if err != nil {
					t.Fatalf("Import: %v", err)
				}
				if mrep.Total.Spans != irep.Spans || mrep.Total.SpansPresent != irep.SpansPresent || len(mrep.Total.Renamed) != len(irep.Renamed) ||
					mrep.Total.Relations != irep.Relations || mrep.Total.RelationsPresent != irep.RelationsPresent ||
					!slices.Equal(mrep.Total.RelationTypes, irep.RelationTypes) {
					t.Errorf("merge report %+v; import report %+v", mrep.Total, irep)
				}
				if added := mrep.Total.Relations > 0 && mrep.Total.RelationsPresent == 0; added != (round == 0) {
					t.Errorf("round %d: %d relations added, %d present", round, mrep.Total.Relations, mrep.Total.RelationsPresent)
				}
			}
			m, i := exportJSONL(t, merged), exportJSONL(t, imported)
			if m != i {
				t.Errorf("merged:\n%s\nimported:\n%s", m, i)
			}
			if !strings.Contains(m, `"relations":[{"from":`) {
				t.Errorf("no relations in:\n%s", m)
			}
			if tt.renamed != "" && !strings.Contains(m, `"annotator":"`+tt.renamed+`"`) {
				t.Errorf("no %q in:\n%s", tt.renamed, m)
			}
			if tt.renamed == "" && strings.Contains(m, "(from") {
				t.Errorf("a renamed annotator where none was due:\n%s", m)
			}
		})
	}
}

// BenchmarkMerge100k merges a project file of 100,000 spans (1,000 articles of about 4,000
// characters, 100 spans each, two annotators) into an empty project, into one that has the same
// documents, and into one that has everything already. Budget: 5 s.
func BenchmarkMerge100k(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	var corpus bytes.Buffer
	if err := benchdata.Write(&corpus, 1000, 100); err != nil {
		b.Fatal(err)
	}
	source := filepath.Join(dir, "source.tagdesk")
	src := project(b, source, corpus.String())
	src.Close()

	// templates of the projects merged into, copied before each merge
	empty := filepath.Join(dir, "empty.tagdesk")
	project(b, empty, "").Close()
	docs := filepath.Join(dir, "documents.tagdesk")
	var texts strings.Builder
	r := formats.NewJSONLReader(bytes.NewReader(corpus.Bytes()), "corpus.jsonl")
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		texts.WriteString(`{"text": ` + quote(rec.Text) + "}\n")
	}
	project(b, docs, texts.String()).Close()
	all := filepath.Join(dir, "all.tagdesk")
	copyFile(b, source, all)

	for _, bc := range []struct {
		name, template   string
		spans, docsAdded int
	}{
		{"empty", empty, 100_000, 1000},
		{"documents", docs, 100_000, 0},
		{"everything", all, 0, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "p.tagdesk")
				copyFile(b, bc.template, path)
				p, err := annotations.Open(ctx, path, annotations.OpenOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rep, err := p.Merge(ctx, []string{source}, annotations.MergeOptions{})
				if err != nil || rep.Total.Spans != bc.spans || rep.Total.Documents != bc.docsAdded {
					b.Fatalf("merge: %+v, %v", rep.Total, err)
				}
				b.StopTimer()
				p.Close()
				b.StartTimer()
			}
			b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}
