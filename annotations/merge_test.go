package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mergeText is the document the merge tests annotate: "Kyiv" 0-4, "40 drones" 10-19, "shot" 25-29.
const mergeText = "Kyiv said 40 drones were shot down."

// span is shorthand for a record span of mergeText.
func span(annotator, label string, start, end int, note string) RecordSpan {
	return RecordSpan{Start: start, End: end, Label: label, Annotator: annotator, Note: note}
}

// layerRecord is one annotator's spans of mergeText, with a status if not "".
func layerRecord(annotator string, status Status, spans ...RecordSpan) *Record {
	r := &Record{File: "in.jsonl", Line: 1, ID: "d1", Name: "drones", Text: mergeText, Spans: spans}
	if status != "" {
		r.Statuses = map[string]Status{annotator: status}
	}
	return r
}

// mustImport imports records into p.
func mustImport(tb testing.TB, p *Project, recs ...any) {
	tb.Helper()
	if _, err := p.Import(context.Background(), records(recs...), ImportOptions{}); err != nil {
		tb.Fatalf("Import: %v", err)
	}
}

// sourceFile writes a project file dir/name.tagdesk holding recs and returns its path; edit, if not
// nil, runs on it before it is closed.
func sourceFile(tb testing.TB, dir, name string, edit func(*Project), recs ...any) string {
	tb.Helper()
	path := filepath.Join(dir, name+Extension)
	p, err := Open(context.Background(), path, OpenOptions{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	mustImport(tb, p, recs...)
	if edit != nil {
		edit(p)
	}
	if err := p.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// dump renders what a merge can change: documents with their spans (annotator, label, offsets,
// note) and statuses, labels, reviews and rejections.
func dump(tb testing.TB, p *Project) string {
	tb.Helper()
	ctx := context.Background()
	var lines []string
	err := p.Export(ctx, ExportQuery{}, func(d *ExportDocument) error {
		lines = append(lines, fmt.Sprintf("doc %s %s %s", d.Name, d.SourceID, d.Meta))
		for _, s := range d.Spans {
			lines = append(lines, fmt.Sprintf("  %s %s %d-%d %q", s.Annotator, s.Label, s.Start, s.End, s.Note))
		}
		for _, a := range d.Annotators {
			lines = append(lines, fmt.Sprintf("  status %s %s", a, string(d.Statuses[a])))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	labels, _ := p.Labels(ctx)
	for _, l := range labels {
		lines = append(lines, fmt.Sprintf("label %s %s %q %d", l.Name, l.Color, l.Hotkey, len(l.Guideline)))
	}
	for _, q := range []string{
		`SELECT 'review ' || d.name || ' ' || r.status || ' ' || r.reviewer FROM reviews r JOIN documents d ON d.id = r.document_id ORDER BY 1`,
		`SELECT 'rejection ' || d.name || ' ' || r.start || '-' || r."end" || ' ' || r.reviewer FROM rejections r JOIN documents d ON d.id = r.document_id ORDER BY 1`,
	} {
		err := eachRow(ctx, p.ro, q, func(r *sql.Rows) error {
			var s string
			err := r.Scan(&s)
			lines = append(lines, s)
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return strings.Join(lines, "\n")
}

// spanLines is the span lines of dump, without the indent: "annotator label start-end "note"".
func spanLines(tb testing.TB, p *Project) []string {
	var out []string
	for _, l := range strings.Split(dump(tb, p), "\n") {
		if strings.HasPrefix(l, "  ") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

func TestMergeRules(t *testing.T) {
	ctx := context.Background()
	kyiv := span("alice", "actor", 0, 4, "")
	drones := span("alice", "figure", 10, 19, "")
	tests := map[string]struct {
		project     []any // records P holds before
		source      []any // records of the file merged
		want        []string
		spans       int // added
		present     int
		notes       int
		statuses    int
		renamed     []Renamed
		annotatorsN int
	}{
		"document only in the source": {
			source: []any{layerRecord("alice", StatusDone, kyiv)},
			want:   []string{`alice actor 0-4 ""`, "status alice done"},
			spans:  1, statuses: 1, annotatorsN: 1,
		},
		"a newer copy adds its spans": {
			project: []any{layerRecord("alice", "", kyiv)},
			source:  []any{layerRecord("alice", StatusDone, kyiv, drones)},
			want:    []string{`alice actor 0-4 ""`, `alice figure 10-19 ""`, "status alice done"},
			spans:   1, present: 1, statuses: 1,
		},
		"an older copy adds nothing": {
			project: []any{layerRecord("alice", StatusDone, kyiv, drones)},
			source:  []any{layerRecord("alice", StatusInProgress, kyiv)},
			want:    []string{`alice actor 0-4 ""`, `alice figure 10-19 ""`, "status alice done"},
			present: 1,
		},
		"notes filled in": {
			project: []any{layerRecord("alice", "", kyiv, drones)},
			source:  []any{layerRecord("alice", "", span("alice", "actor", 0, 4, "the city"), drones)},
			want:    []string{`alice actor 0-4 "the city"`, `alice figure 10-19 ""`, "status alice in_progress"},
			present: 2, notes: 1,
		},
		"an incoming span without the note": {
			project: []any{layerRecord("alice", "", span("alice", "actor", 0, 4, "the city"))},
			source:  []any{layerRecord("alice", "", kyiv)},
			want:    []string{`alice actor 0-4 "the city"`, "status alice in_progress"},
			present: 1,
		},
		"the same name with other spans": {
			project: []any{layerRecord("alice", StatusDone, kyiv)},
			source:  []any{layerRecord("alice", StatusInProgress, drones)},
			want: []string{`alice actor 0-4 ""`, `alice (from laptop) figure 10-19 ""`,
				"status alice done", "status alice (from laptop) in_progress"},
			spans: 1, statuses: 1, annotatorsN: 1,
			renamed: []Renamed{{Annotator: "alice", As: "alice (from laptop)", Documents: 1}},
		},
		"the same spans with other notes": {
			project: []any{layerRecord("alice", "", span("alice", "actor", 0, 4, "city"))},
			source:  []any{layerRecord("alice", "", span("alice", "actor", 0, 4, "capital"))},
			want: []string{`alice actor 0-4 "city"`, `alice (from laptop) actor 0-4 "capital"`,
				"status alice in_progress", "status alice (from laptop) in_progress"},
			spans: 1, statuses: 1, annotatorsN: 1,
			renamed: []Renamed{{Annotator: "alice", As: "alice (from laptop)", Documents: 1}},
		},
		"a third version": {
			project: []any{layerRecord("alice", "", kyiv), layerRecord("alice (from laptop)", "", span("alice (from laptop)", "weapon", 25, 29, ""))},
			source:  []any{layerRecord("alice", "", drones)},
			want: []string{`alice actor 0-4 ""`, `alice (from laptop) 2 figure 10-19 ""`, `alice (from laptop) weapon 25-29 ""`,
				"status alice in_progress", "status alice (from laptop) in_progress", "status alice (from laptop) 2 in_progress"},
			spans: 1, statuses: 1, annotatorsN: 1,
			renamed: []Renamed{{Annotator: "alice", As: "alice (from laptop) 2", Documents: 1}},
		},
		"gold merges like anyone": {
			project: []any{layerRecord("gold", "", span("gold", "actor", 0, 4, ""))},
			source:  []any{layerRecord("gold", StatusDone, span("gold", "actor", 0, 4, ""), span("gold", "claim", 10, 29, ""))},
			want:    []string{`gold actor 0-4 ""`, `gold claim 10-29 ""`, "status gold done"},
			spans:   1, present: 1, statuses: 1,
		},
		"a status alone": {
			project:  []any{layerRecord("bob", StatusInProgress)},
			source:   []any{layerRecord("bob", StatusDone)},
			want:     []string{"status bob done"},
			statuses: 1,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			mustImport(t, p, tt.project...)
			src := sourceFile(t, t.TempDir(), "laptop", nil, tt.source...)
			rep, err := p.Merge(ctx, []string{src}, MergeOptions{})
			if err != nil {
				t.Fatalf("Merge: %v", err)
			}
			if got := spanLines(t, p); !slices.Equal(got, tt.want) {
				t.Errorf("after the merge:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			c := rep.Total
			if c.Spans != tt.spans || c.SpansPresent != tt.present || c.NotesFilled != tt.notes ||
				c.StatusesChanged != tt.statuses || len(c.AnnotatorsAdded) != tt.annotatorsN {
				t.Errorf("report %+v; want %d spans added, %d present, %d notes, %d statuses, %d annotators",
					c, tt.spans, tt.present, tt.notes, tt.statuses, tt.annotatorsN)
			}
			for i := range tt.renamed {
				tt.renamed[i].File = src
			}
			if !slices.Equal(c.Renamed, tt.renamed) && len(c.Renamed)+len(tt.renamed) > 0 {
				t.Errorf("renamed %+v, want %+v", c.Renamed, tt.renamed)
			}
			if len(rep.Files) != 1 || rep.Files[0].File != src || rep.Files[0].Spans != c.Spans {
				t.Errorf("file reports %+v", rep.Files)
			}

			// merging the same file again adds nothing
			before := dump(t, p)
			again, err := p.Merge(ctx, []string{src}, MergeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if a := again.Total; a.Spans != 0 || a.Documents != 0 || a.NotesFilled != 0 || a.StatusesChanged != 0 ||
				len(a.AnnotatorsAdded) != 0 || len(a.LabelsAdded) != 0 || a.SpansPresent != c.Spans+c.SpansPresent {
				t.Errorf("the second merge: %+v", a)
			}
			if after := dump(t, p); after != before {
				t.Errorf("the second merge changed the project:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

func TestMergeDocumentsAndTimes(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	mustImport(t, p, &Record{File: "p", Line: 1, ID: "p1", Name: "here", Text: mergeText})
	var created string
	src := sourceFile(t, t.TempDir(), "laptop", func(s *Project) {
		// the file's own copy of the shared document has another name: the project's stays
		s.db.Exec(`UPDATE documents SET name = 'renamed there' WHERE source_id = 'p1'`)
		s.db.QueryRow(`SELECT created_at FROM spans WHERE note = 'n'`).Scan(&created)
	},
		&Record{File: "s", Line: 1, ID: "p1", Name: "here", Text: mergeText},
		&Record{File: "s", Line: 2, ID: "s2", Name: "new one", Text: "Kharkiv", Meta: []byte(`{"source": "AFP"}`),
			Spans: []RecordSpan{span("bob", "actor", 0, 7, "n")}})
	fixedClock(p)
	rep, err := p.Merge(ctx, []string{src}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Documents != 1 || rep.Total.DocumentsPresent != 1 {
		t.Errorf("report %+v", rep.Total)
	}
	docs := allDocuments(t, p)
	if len(docs) != 2 || docs[0].Name != "here" || docs[1].Name != "new one" || docs[1].SourceID != "s2" ||
		string(docs[1].Meta) != `{"source":"AFP"}` || docs[1].CreatedAt.Year() == 2026 && docs[1].CreatedAt.Month() == 3 {
		t.Errorf("documents %+v", docs)
	}
	spans, _ := p.Spans(ctx, docs[1].ID, "")
	if len(spans) != 1 || formatTime(spans[0].CreatedAt) != created || spans[0].Note != "n" {
		t.Errorf("spans %+v; want the file's, created at %s", spans, created)
	}
	if txt, _ := p.Text(ctx, docs[1].ID); txt != "Kharkiv" {
		t.Errorf("text %q", txt)
	}
}

func TestMergeLabels(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	if _, err := p.AddLabel(ctx, Label{Name: "tank", Hotkey: "t"}); err != nil {
		t.Fatal(err)
	}
	src := sourceFile(t, t.TempDir(), "laptop", func(s *Project) {
		for _, l := range []Label{
			{Name: "city", Color: "#123456", Hotkey: "t", Guideline: "A town."}, // t: tank's in P
			{Name: "unit", Color: "#654321", Hotkey: "u", Guideline: "A unit."},
			{Name: "unused", Color: "#111111"},
		} {
			if _, err := s.AddLabel(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		mustImport(t, s, layerRecord("alice", "", span("alice", "actor", 0, 4, ""), span("alice", "city", 0, 4, "")))
	})

	rep, err := p.Merge(ctx, []string{src}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Total.LabelsAdded, []string{"city", "unit", "unused"}) {
		t.Errorf("labels added %v", rep.Total.LabelsAdded)
	}
	labels, _ := p.Labels(ctx)
	var got []string
	for _, l := range labels[5:] {
		got = append(got, fmt.Sprintf("%s %s %q %q %d", l.Name, l.Color, l.Hotkey, l.Guideline, l.Position))
	}
	want := []string{`city #123456 "" "A town." 5`, `unit #654321 "u" "A unit." 6`, `unused #111111 "" "" 7`}
	if !slices.Equal(got, want) {
		t.Errorf("labels:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := spanLines(t, p); !slices.Equal(got[:2], []string{`alice actor 0-4 ""`, `alice city 0-4 ""`}) {
		t.Errorf("spans %v", got)
	}
}

// TestMergeRefuses checks that files that cannot be merged are refused with a sentence naming them,
// and that the project is left as it was, also when a good file came first.
func TestMergeRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := mustOpenAt(t, filepath.Join(dir, "project"+Extension))
	mustImport(t, p, layerRecord("alice", StatusDone, span("alice", "actor", 0, 4, "")))
	good := sourceFile(t, dir, "good", nil, layerRecord("alice", StatusDone, span("alice", "actor", 0, 4, ""), span("alice", "figure", 10, 19, "")),
		&Record{File: "s", Line: 2, Text: "another document"})
	text := writeTestFile(t, filepath.Join(dir, "notes.txt"), "not a database")
	empty := writeTestFile(t, filepath.Join(dir, "empty.tagdesk"), "")
	link := filepath.Join(dir, "link.tagdesk")
	if err := os.Symlink(p.Path(), link); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.sqlite")
	db, _ := sql.Open("sqlite3", other)
	db.Exec(`CREATE TABLE t (x)`)
	db.Close()
	newer := sourceFile(t, dir, "newer", func(s *Project) { s.db.Exec(`PRAGMA user_version = 99`) })
	wd, _ := os.Getwd()
	relative, _ := filepath.Rel(wd, p.Path())

	tests := map[string]struct {
		paths []string
		want  string
	}{
		"the project itself":         {[]string{p.Path()}, p.Path() + " is this project itself"},
		"the project through a link": {[]string{link}, link + " is this project itself"},
		"the project, relative":      {[]string{relative}, relative + " is this project itself"},
		"not SQLite":                 {[]string{text}, text + " is not a Tagdesk project"},
		"another program's":          {[]string{other}, other + " is not a Tagdesk project"},
		"an empty file":              {[]string{empty}, empty + " is not a Tagdesk project"},
		"a newer Tagdesk":            {[]string{newer}, newer + " was written by a newer Tagdesk"},
		"missing":                    {[]string{filepath.Join(dir, "gone.tagdesk")}, "There is no file " + filepath.Join(dir, "gone.tagdesk")},
		"a folder":                   {[]string{dir}, dir + " is a folder"},
		"good, then not a project":   {[]string{good, text}, text + " is not a Tagdesk project"},
		"good, then an empty file":   {[]string{good, empty}, empty + " is not a Tagdesk project"},
		"good, then a newer one":     {[]string{good, newer}, "newer Tagdesk"},
		"nothing to merge":           {nil, "Choose at least one project file to merge."},
	}
	before := dump(t, p)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rep, err := p.Merge(ctx, tt.paths, MergeOptions{})
			if err == nil {
				t.Fatalf("Merge = %+v; want an error", rep)
			}
			if msg := Message(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q; want it to hold %q", msg, tt.want)
			}
			if after := dump(t, p); after != before {
				t.Errorf("the refused merge changed the project:\n%s\nwas:\n%s", after, before)
			}
		})
	}
	if st, err := os.Stat(empty); err != nil || st.Size() != 0 {
		t.Errorf("the empty file was written to: %v, %v", st, err)
	}
}

func writeTestFile(tb testing.TB, path, content string) string {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestMergeLeavesSourceAlone(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	src := sourceFile(t, t.TempDir(), "laptop", nil, layerRecord("alice", "", span("alice", "actor", 0, 4, "")))
	if err := os.Chmod(src, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(src)
	if _, err := p.Merge(ctx, []string{src}, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(src); string(after) != string(before) {
		t.Error("the merge changed the file it read")
	}
}

func TestMergeDryRunAndMany(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := mustOpen(t)
	a := sourceFile(t, dir, "a", nil, layerRecord("alice", StatusDone, span("alice", "actor", 0, 4, "")))
	b := sourceFile(t, dir, "b", nil, layerRecord("bob", "", span("bob", "figure", 10, 19, "")),
		&Record{File: "s", Line: 2, Text: "b only", Spans: []RecordSpan{span("bob", "actor", 0, 1, "")}})
	before := dump(t, p)
	var progress []string
	rep, err := p.Merge(ctx, []string{a, b}, MergeOptions{DryRun: true, Progress: func(mp MergeProgress) {
		progress = append(progress, fmt.Sprintf("%s %d/%d %d/%d %.2f", filepath.Base(mp.File), mp.Index, mp.Files, mp.Documents, mp.Total, mp.Fraction()))
	}})
	wantProgress := []string{"a.tagdesk 0/2 0/1 0.00", "a.tagdesk 0/2 1/1 0.50", "b.tagdesk 1/2 0/2 0.50",
		"b.tagdesk 1/2 1/2 0.75", "b.tagdesk 1/2 2/2 1.00"}
	if !slices.Equal(progress, wantProgress) {
		t.Errorf("progress %q, want %q", progress, wantProgress)
	}
	if err != nil || !rep.DryRun || rep.Total.Spans != 3 || rep.Total.Documents != 2 || rep.Total.DocumentsPresent != 1 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if after := dump(t, p); after != before {
		t.Errorf("a dry run changed the project:\n%s", after)
	}
	rep, err = p.Merge(ctx, []string{a, b}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Merged 2 files: 2 documents added, 1 document already present; 3 spans added, 0 spans already present; 3 statuses changed."; rep.Summary() != want {
		t.Errorf("summary %q, want %q", rep.Summary(), want)
	}
	want := []string{
		"a.tagdesk: 1 document added, 0 documents already present; 1 span added, 0 spans already present; 1 status changed.",
		"b.tagdesk: 1 document added, 1 document already present; 2 spans added, 0 spans already present; 2 statuses changed.",
		"New annotators: alice, bob",
	}
	if got := rep.Details(); !slices.Equal(got, want) {
		t.Errorf("details:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMergeReviews(t *testing.T) {
	ctx := context.Background()
	review := func(p *Project, doc, status, reviewer string) {
		if _, err := p.db.Exec(`INSERT INTO reviews (document_id, status, reviewer, updated_at)
			SELECT id, ?, ?, '2026-01-01T00:00:00.000000000Z' FROM documents WHERE source_id = ?
			ON CONFLICT DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer`, status, reviewer, doc); err != nil {
			t.Fatal(err)
		}
	}
	reject := func(p *Project, doc string, start, end int, reviewer string) {
		if _, err := p.db.Exec(`INSERT INTO rejections (document_id, start, "end", reviewer, created_at)
			SELECT id, ?, ?, ?, '2026-01-01T00:00:00.000000000Z' FROM documents WHERE source_id = ?`, start, end, reviewer, doc); err != nil {
			t.Fatal(err)
		}
	}
	docs := []any{
		&Record{File: "r", Line: 1, ID: "d1", Name: "one", Text: mergeText, Spans: []RecordSpan{span("gold", "actor", 0, 4, "")}},
		&Record{File: "r", Line: 2, ID: "d2", Name: "two", Text: "second"},
		&Record{File: "r", Line: 3, ID: "d3", Name: "three", Text: "third"},
	}
	p := mustOpen(t)
	mustImport(t, p, docs...)
	mustImport(t, p, &Record{File: "r", Line: 1, ID: "d1", Text: mergeText})
	review(p, "d1", "in_review", "rita")
	review(p, "d2", "reviewed", "rita")
	reject(p, "d1", 0, 4, "rita")
	src := sourceFile(t, t.TempDir(), "review", func(s *Project) {
		review(s, "d1", "reviewed", "sam")
		review(s, "d2", "in_review", "sam")
		review(s, "d3", "in_review", "sam")
		reject(s, "d1", 0, 4, "sam")
		reject(s, "d1", 10, 19, "sam")
	}, append([]any{&Record{File: "r", Line: 1, ID: "d1", Text: mergeText,
		Spans: []RecordSpan{span("gold", "actor", 0, 4, ""), span("gold", "figure", 10, 19, "")}}}, docs[1:]...)...)
	rep, err := p.Merge(ctx, []string{src}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range strings.Split(dump(t, p), "\n") {
		if strings.HasPrefix(l, "review") || strings.HasPrefix(l, "rejection") || strings.HasPrefix(l, "  gold") {
			got = append(got, strings.TrimSpace(l))
		}
	}
	want := []string{`gold actor 0-4 ""`, `gold figure 10-19 ""`,
		"review one reviewed sam", "review three in_review sam", "review two reviewed rita",
		"rejection one 0-4 rita", "rejection one 10-19 sam"}
	if !slices.Equal(got, want) {
		t.Errorf("after the merge:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Total.ReviewsChanged != 2 || rep.Total.RejectionsAdded != 1 {
		t.Errorf("report %+v", rep.Total)
	}
}

// TestMergeOldSchema merges a file of schema 1, whose times have fewer digits of the fraction.
func TestMergeOldSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old"+Extension)
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		migrations[0],
		fmt.Sprintf("PRAGMA application_id = %d", applicationID),
		"PRAGMA user_version = 1",
		`INSERT INTO labels (name, color, position) VALUES ('actor', '#0072B2', 0)`,
		`INSERT INTO annotators (name, created_at) VALUES ('alice', '2024-05-01T10:00:00.5Z')`,
		`INSERT INTO documents (hash, name, length, created_at) VALUES ('` + hashOf(mergeText) + `', 'old', 35, '2024-05-01T10:00:00Z')`,
		`INSERT INTO texts VALUES (1, '` + mergeText + `')`,
		`INSERT INTO spans (document_id, annotator_id, label_id, start, "end", created_at, updated_at) VALUES (1, 1, 1, 0, 4, '2024-05-01T10:00:01.25Z', '2024-05-01T10:00:02Z')`,
		`INSERT INTO statuses VALUES (1, 1, 'done', '2024-05-01T10:00:03.1Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	p := mustOpen(t)
	if _, err := p.Merge(ctx, []string{path}, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	docs, _ := p.ListDocuments(ctx, DocumentQuery{Annotator: "alice"})
	if len(docs) != 1 || docs[0].Status != StatusDone || docs[0].Spans != 1 {
		t.Fatalf("documents %+v", docs)
	}
	var created, updated string
	p.ro.QueryRow(`SELECT created_at, updated_at FROM spans`).Scan(&created, &updated)
	if created != "2024-05-01T10:00:01.250000000Z" || updated != "2024-05-01T10:00:02.000000000Z" {
		t.Errorf("span times %s, %s: want the file's, with nine digits", created, updated)
	}
	var version int
	s, _ := sql.Open("sqlite3", path)
	s.QueryRow(`PRAGMA user_version`).Scan(&version)
	s.Close()
	if version != 1 {
		t.Errorf("the file was migrated to %d", version)
	}
}

func TestMergeCancelled(t *testing.T) {
	p := mustOpen(t)
	src := sourceFile(t, t.TempDir(), "laptop", nil, layerRecord("alice", "", span("alice", "actor", 0, 4, "")))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Merge(ctx, []string{src}, MergeOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Merge = %v; want context.Canceled", err)
	}
	if got := spanLines(t, p); len(got) != 0 {
		t.Errorf("a cancelled merge left %v", got)
	}

	// cancelled in the middle, as the app's Cancel would be: after the first of two documents
	src = sourceFile(t, t.TempDir(), "desk", nil, layerRecord("alice", "", span("alice", "actor", 0, 4, "")),
		&Record{File: "in.jsonl", Line: 2, Text: "Another text.", Spans: []RecordSpan{span("alice", "claim", 0, 7, "")}})
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	merged := 0
	_, err = p.Merge(ctx, []string{src}, MergeOptions{Progress: func(mp MergeProgress) {
		if merged = mp.Documents; merged == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || merged != 1 {
		t.Fatalf("Merge cancelled after %d documents = %v; want context.Canceled after 1", merged, err)
	}
	if got := dump(t, p); strings.Contains(got, "doc ") || strings.Contains(got, "alice") {
		t.Errorf("a merge cancelled midway left:\n%s", got)
	}
}

// TestExistingSpansQueryUsesIndex checks the plan of the query reconciliation runs for each document
// and annotator: reading all of an annotator's spans each time makes a large merge quadratic.
func TestExistingSpansQueryUsesIndex(t *testing.T) {
	p := mustOpen(t)
	var plan []string
	for _, s := range queryPlan(t, p, existingSpansQuery, 1, 1) {
		plan = append(plan, s.detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "(document_id=?)") || strings.Contains(got, "spans_annotator_updated") {
		t.Errorf("plan of the existing spans query: %s", got)
	}
}

// TestMergeOpenCopy merges a copy that its annotator still has open: what they saved is still in the
// file's write-ahead log.
func TestMergeOpenCopy(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	copyPath := filepath.Join(t.TempDir(), "open"+Extension)
	c := mustOpenAt(t, copyPath)
	mustImport(t, c, layerRecord("alice", StatusDone, span("alice", "actor", 0, 4, "")))
	if _, err := os.Stat(copyPath + "-wal"); err != nil {
		t.Fatalf("no write-ahead log: %v", err)
	}
	rep, err := p.Merge(ctx, []string{copyPath}, MergeOptions{})
	if err != nil || rep.Total.Spans != 1 {
		t.Fatalf("Merge = %+v, %v", rep.Total, err)
	}
	// the annotator goes on working on their copy
	mustImport(t, c, &Record{File: "more", Line: 1, Text: "more"})
}
