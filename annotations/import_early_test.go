package annotations

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// layerContent renders what an import leaves for every document: spans with notes and values,
// relations and statuses, in a form that does not depend on the order spans were written.
func layerContent(t *testing.T, p *Project) string {
	t.Helper()
	var b strings.Builder
	err := p.Export(context.Background(), ExportQuery{}, func(d *ExportDocument) error {
		fmt.Fprintf(&b, "document %s\n", d.Name)
		byID := map[int64]Span{}
		var lines []string
		for _, s := range d.Spans {
			byID[s.ID] = s
			lines = append(lines, fmt.Sprintf("  span %s %s [%d,%d) note=%q attrs=%s", s.Annotator, s.Label, s.Start, s.End, s.Note, formatAttrs(s.Attrs)))
		}
		for _, r := range d.Relations {
			f, to := byID[r.From], byID[r.To]
			lines = append(lines, fmt.Sprintf("  relation %s %s [%d,%d) -> %s [%d,%d)", r.Type, f.Label, f.Start, f.End, to.Label, to.Start, to.End))
		}
		for _, a := range sortedKeys(d.Statuses) {
			lines = append(lines, fmt.Sprintf("  status %s=%s", a, d.Statuses[a]))
		}
		slices.Sort(lines)
		b.WriteString(strings.Join(lines, "\n") + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestImportEarlyLayers checks that an import that reconciles a new document's spans as soon as the
// input moves on leaves what it leaves when every record of a document is read first: the same
// input with each document's records gathered into one record is the oracle. The documents come
// back after others, with the same annotators, repeated spans, notes filled later, values given
// after being derived, statuses raised and relations, in a project that is empty and in one that
// already holds one of the documents with other work of the same annotator.
func TestImportEarlyLayers(t *testing.T) {
	const x = "Selon Kyiv, environ 1.100 soldats russes ont été tués près de Bakhmout."
	const y = "Le ministère affirme que 40 drones Shahed ont été abattus dans la nuit."
	span := func(start, end int, label, annotator, note string, attrs Attrs) RecordSpan {
		return RecordSpan{Start: start, End: end, Label: label, Annotator: annotator, Note: note, Attrs: attrs}
	}
	split := []*Record{
		{Name: "x", Text: x, Spans: []RecordSpan{span(6, 10, "actor", "ana", "", nil), span(12, 25, "figure", "ana", "", nil)}},
		{Name: "y", Text: y, Spans: []RecordSpan{span(3, 12, "actor", "ana", "", nil)}, Statuses: map[string]Status{"ana": StatusInProgress}},
		{Name: "x", Text: x, Spans: []RecordSpan{span(12, 25, "figure", "ana", "a figure", nil), span(0, 71, "claim", "ana", "", nil), span(6, 10, "actor", "ana", "", nil)},
			Relations: []RecordRelation{{From: 1, To: 2, Type: "attributed_to"}}},
		{Name: "x", Text: x, Spans: []RecordSpan{span(6, 10, "actor", "ben", "", nil), span(12, 25, "figure", "", "", nil)}},
		{Name: "y", Text: y, Spans: []RecordSpan{span(25, 34, "figure", "ana", "", Attrs{"value": 40.0})}, Statuses: map[string]Status{"ana": StatusDone}},
		{Name: "x", Text: x, Spans: []RecordSpan{span(12, 25, "figure", "ana", "", Attrs{"value": 1100.0, "approximate": false})}, Statuses: map[string]Status{"ben": StatusDone}},
	}
	// gathered: each document's records as one, in the order of their first record
	var gathered []*Record
	at := map[string]*Record{}
	for _, r := range split {
		g := at[r.Name]
		if g == nil {
			g = &Record{Name: r.Name, Text: r.Text, Statuses: map[string]Status{}}
			at[r.Name] = g
			gathered = append(gathered, g)
		}
		for _, rr := range r.Relations {
			g.Relations = append(g.Relations, RecordRelation{From: rr.From + len(g.Spans), To: rr.To + len(g.Spans), Type: rr.Type})
		}
		g.Spans = append(g.Spans, r.Spans...)
		for a, s := range r.Statuses {
			if statusRank(s) > statusRank(g.Statuses[a]) {
				g.Statuses[a] = s
			}
		}
	}
	for name, before := range map[string][]RecordSpan{
		"empty project":   nil,
		"x already there": {span(6, 10, "actor", "ana", "", nil), span(40, 47, "actor", "ben", "", nil)},
	} {
		t.Run(name, func(t *testing.T) {
			var got, want string
			var reports [2]ImportReport
			for i, input := range [][]*Record{split, gathered} {
				p := mustOpen(t)
				fixedClock(p)
				opts := ImportOptions{Annotator: "cleo"}
				if before != nil {
					if _, err := p.Import(context.Background(), records(&Record{Name: "x", Text: x, Spans: before}), opts); err != nil {
						t.Fatal(err)
					}
				}
				items := make([]any, len(input))
				for k, r := range input {
					c := *r
					items[k] = &c
				}
				rep, err := p.Import(context.Background(), records(items...), opts)
				if err != nil {
					t.Fatal(err)
				}
				reports[i] = rep
				if i == 0 {
					got = layerContent(t, p)
				} else {
					want = layerContent(t, p)
				}
			}
			if got != want {
				t.Errorf("split records left:\n%s\ngathered records left:\n%s", got, want)
			}
			r, g := reports[0], reports[1]
			if r.Spans != g.Spans || r.Relations != g.Relations || r.Documents != g.Documents || len(r.Renamed) != len(g.Renamed) {
				t.Errorf("split report %+v, gathered %+v", r, g)
			}
			if !strings.Contains(got, `note="a figure"`) || !strings.Contains(got, "relation attributed_to") || !regexp.MustCompile(`status ben[^=]*=done`).MatchString(got) {
				t.Errorf("the input's notes, relations or statuses are missing:\n%s", got)
			}
		})
	}
}
