package annotations

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// exportFixture: three documents; alice finished a and started b, bob started a, c is untouched.
func exportFixture(t *testing.T) *Project {
	t.Helper()
	ctx := context.Background()
	p := mustOpen(t)
	a := mustAddDocument(t, p, "a", "Kyiv said 40 drones were shot down.")
	b := mustAddDocument(t, p, "b", "Moscow denied it.")
	mustAddDocument(t, p, "c", "Nobody annotated this.")
	mustAddSpan(t, p, NewSpan{DocumentID: a.ID, Annotator: "alice", Label: "claim", Start: 10, End: 34})
	mustAddSpan(t, p, NewSpan{DocumentID: a.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	mustAddSpan(t, p, NewSpan{DocumentID: a.ID, Annotator: "alice", Label: "figure", Start: 10, End: 19})
	mustAddSpan(t, p, NewSpan{DocumentID: a.ID, Annotator: "bob", Label: "actor", Start: 0, End: 4})
	mustAddSpan(t, p, NewSpan{DocumentID: b.ID, Annotator: "alice", Label: "actor", Start: 0, End: 6})
	if err := p.SetStatus(ctx, a.ID, "alice", StatusDone); err != nil {
		t.Fatal(err)
	}
	return p
}

// exportSummary renders what Export gave: "doc[annotators]: spans".
func exportSummary(t *testing.T, p *Project, q ExportQuery) (string, error) {
	t.Helper()
	var lines []string
	total := -1
	err := p.Export(context.Background(), q, func(d *ExportDocument) error {
		if d.Index != len(lines)+1 || (total >= 0 && d.Total != total) {
			t.Errorf("document %s is %d of %d after %d documents of %d", d.Name, d.Index, d.Total, len(lines), total)
		}
		total = d.Total
		var st []string
		for _, a := range sortedKeys(d.Statuses) {
			st = append(st, a+"="+string(d.Statuses[a]))
		}
		lines = append(lines, fmt.Sprintf("%s%v{%s}: %s", d.Name, d.Annotators, strings.Join(st, ","),
			strings.Join(spanKeys(d.Spans), ", ")))
		if d.Text == "" {
			t.Errorf("document %s exported without its text", d.Name)
		}
		return nil
	})
	if total >= 0 && total != len(lines) {
		t.Errorf("the export gave %d documents, and said it would give %d", len(lines), total)
	}
	return strings.Join(lines, "\n"), err
}

func TestExportFilters(t *testing.T) {
	p := exportFixture(t)
	tests := map[string]struct {
		q    ExportQuery
		want []string
	}{
		"everything": {ExportQuery{}, []string{
			"a[alice bob]{alice=done,bob=in_progress}: alice actor 0-4, bob actor 0-4, alice figure 10-19, alice claim 10-34",
			"b[alice]{alice=in_progress}: alice actor 0-6",
			"c[]{}: ",
		}},
		"alice": {ExportQuery{Annotators: []string{"alice"}}, []string{
			"a[alice]{alice=done}: alice actor 0-4, alice figure 10-19, alice claim 10-34",
			"b[alice]{alice=in_progress}: alice actor 0-6",
		}},
		"done": {ExportQuery{Status: StatusDone}, []string{
			"a[alice]{alice=done}: alice actor 0-4, alice figure 10-19, alice claim 10-34",
		}},
		"bob done": {ExportQuery{Annotators: []string{"bob"}, Status: StatusDone}, nil},
		"alice and bob": {ExportQuery{Annotators: []string{"alice", "bob"}}, []string{
			"a[alice bob]{alice=done,bob=in_progress}: alice actor 0-4, bob actor 0-4, alice figure 10-19, alice claim 10-34",
			"b[alice]{alice=in_progress}: alice actor 0-6",
		}},
		"bob new": {ExportQuery{Annotators: []string{"bob"}, Status: StatusNew}, []string{
			"b[bob]{bob=new}: ",
			"c[bob]{bob=new}: ",
		}},
		"bob in progress": {ExportQuery{Annotators: []string{"bob"}, Status: StatusInProgress}, []string{
			"a[bob]{bob=in_progress}: bob actor 0-4",
		}},
		"in progress": {ExportQuery{Status: StatusInProgress}, []string{
			"a[bob]{bob=in_progress}: bob actor 0-4",
			"b[alice]{alice=in_progress}: alice actor 0-6",
		}},
		"new": {ExportQuery{Status: StatusNew}, []string{
			"b[bob]{bob=new}: ",
			"c[alice bob]{alice=new,bob=new}: ",
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := exportSummary(t, p, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Join(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	if _, err := exportSummary(t, p, ExportQuery{Annotators: []string{"carol"}}); err == nil ||
		Message(err) != `There is no annotator named "carol" in this project (there are: alice, bob).` {
		t.Errorf("unknown annotator: %v", Message(err))
	}
	if _, err := exportSummary(t, p, ExportQuery{Status: "finished"}); err == nil {
		t.Error("an unknown status was accepted")
	}
	// the spellings ParseStatus accepts select the same documents
	for _, spelling := range []Status{"in progress", "in-progress"} {
		got, err := exportSummary(t, p, ExportQuery{Status: spelling})
		if want := strings.Join(tests["in progress"].want, "\n"); err != nil || got != want {
			t.Errorf("status %q: %v\n%s\nwant:\n%s", spelling, err, got, want)
		}
	}
}

// TestExportSnapshot checks that an export sees one state of the project even while it is written.
func TestExportSnapshot(t *testing.T) {
	ctx := context.Background()
	p := exportFixture(t)
	var names []string
	err := p.Export(ctx, ExportQuery{}, func(d *ExportDocument) error {
		if d.Name == "a" {
			// writes in the middle of the export, committed at once: a new document, and b deleted
			// (with its text, which the export has not read yet)
			if _, _, err := p.AddDocument(ctx, NewDocument{Name: "late", Text: "added during the export"}); err != nil {
				return err
			}
			if _, err := p.db.Exec(`DELETE FROM documents WHERE name = 'b'`); err != nil {
				return err
			}
		}
		names = append(names, d.Name)
		return nil
	})
	if err != nil {
		t.Fatalf("export during writes: %v", err)
	}
	if !slices.Equal(names, []string{"a", "b", "c"}) {
		t.Errorf("export saw %v; want the documents as they were when it started", names)
	}
	if docs, _ := p.ListDocuments(ctx, DocumentQuery{}); len(docs) != 3 || docs[2].Name != "late" {
		t.Errorf("the writes during the export were lost: %+v", docs)
	}
}

// TestParseStoredTime checks the fast reading of stored times against time.Parse, on times as
// stored and on texts that are not, which must fall back to time.Parse's answer.
func TestParseStoredTime(t *testing.T) {
	ins := []string{
		"2026-11-25T04:15:24.123456789Z", "2024-02-29T23:59:59.000000000Z", "0001-01-01T00:00:00.000000000Z",
		"2023-02-29T10:00:00.000000000Z", "2026-04-31T10:00:00.000000000Z", "2026-13-01T10:00:00.000000000Z",
		"2026-11-25T24:00:00.000000000Z", "2026-11-25T04:60:00.000000000Z", "2026-11-25T04:15:60.000000000Z",
		"2026-11-25T04:15:24.12345678xZ", "2026-11-25T04:15:24Z", "2026-11-25T04:15:24.5Z", "2026-11-25 04:15:24.123456789Z",
		"2026-11-25T04:15:24.123456789+01:00", "", "garbage",
	}
	for _, in := range ins {
		want, _ := time.Parse(time.RFC3339Nano, in)
		if got := parseTime(in); !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("parseTime(%q) = %v, time.Parse gives %v", in, got, want)
		}
	}
	now := time.Now()
	for i := range 1000 {
		tm := now.Add(time.Duration(i) * 7919 * time.Hour).Add(time.Duration(i) * time.Nanosecond)
		if got, ok := parseStoredTime(formatTime(tm)); !ok || !got.Equal(tm) {
			t.Fatalf("parseStoredTime(%q) = %v, %v", formatTime(tm), got, ok)
		}
	}
}
