package annotations

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestImportNormalisesAndRemaps(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		text     string
		start    int
		end      int
		wantText string // the stored text
		covers   string // what the imported span covers in it
	}{
		"BOM and CRLF": {"\uFEFFLe front\r\nKyiv tient.", 11, 15, "Le front\nKyiv tient.", "Kyiv"},
		"lone CR":      {"ligne\rKharkiv", 6, 13, "ligne\nKharkiv", "Kharkiv"},
		"combining accents": {"Le ge\u0301ne\u0301ral Zaloujny", 3, 12, "Le général Zaloujny",
			"général"},
		"after combining accents": {"Le ge\u0301ne\u0301ral Zaloujny", 13, 21, "Le général Zaloujny", "Zaloujny"},
		"emoji before":            {"🇺🇦🙂 Bakhmout", 4, 12, "🇺🇦🙂 Bakhmout", "Bakhmout"},
		"everything": {"\uFEFF« Nous tenons »,\r\ndit Олекса\u0301ндр 🙂\r\nfin", 23, 33,
			"« Nous tenons »,\ndit Олекса́ндр 🙂\nfin", "Олекса́ндр"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			given := string([]rune(tt.text)[tt.start:tt.end])
			rep, err := p.Import(ctx, records(&Record{File: "in.jsonl", Line: 1, Text: tt.text,
				Spans: []RecordSpan{{Start: tt.start, End: tt.end, Label: "actor", Annotator: "alice", Text: &given}}}), ImportOptions{})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if rep.Documents != 1 || rep.Spans != 1 {
				t.Fatalf("report %+v", rep)
			}
			docs := allDocuments(t, p)
			stored, _ := p.Text(ctx, docs[0].ID)
			if stored != tt.wantText {
				t.Errorf("stored text %q, want %q", stored, tt.wantText)
			}
			if docs[0].Length != len([]rune(stored)) || docs[0].Hash != hashOf(stored) {
				t.Errorf("document length %d / hash %s do not describe the stored text", docs[0].Length, docs[0].Hash)
			}
			spans, _ := p.Spans(ctx, docs[0].ID, "")
			if got := string([]rune(stored)[spans[0].Start:spans[0].End]); got != tt.covers {
				t.Errorf("the span covers %q, want %q", got, tt.covers)
			}
		})
	}
}

func TestImportSameTextTwice(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	first := &Record{File: "a.jsonl", Line: 1, ID: "a1", Name: "first", Text: "Kyiv said 40 drones.\n",
		Meta:  []byte(`{"source": "AFP"}`),
		Spans: []RecordSpan{{Start: 0, End: 4, Label: "actor", Annotator: "alice"}}}
	// the same text with CRLF: the same document once normalised
	second := &Record{File: "b.jsonl", Line: 3, ID: "b7", Name: "second", Text: "Kyiv said 40 drones.\r\n",
		Spans: []RecordSpan{{Start: 0, End: 4, Label: "actor", Annotator: "alice"}, {Start: 10, End: 19, Label: "figure", Annotator: "bob"}}}
	rep, err := p.Import(ctx, records(first, second), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := ImportReport{Records: 2, Documents: 1, DocumentsPresent: 1, Spans: 2, SpansPresent: 1,
		LabelsAdded: []string{}, AnnotatorsAdded: []string{"alice", "bob"}, Notices: []string{}}
	if !equalReports(rep, want) {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	docs := allDocuments(t, p)
	if len(docs) != 1 || docs[0].Name != "first" || docs[0].SourceID != "a1" || string(docs[0].Meta) != `{"source":"AFP"}` {
		t.Errorf("documents %+v: want one, keeping the first name, id and meta", docs)
	}
	// importing everything again adds nothing
	rep, err = p.Import(ctx, records(first, second), ImportOptions{})
	if err != nil || rep.Documents != 0 || rep.Spans != 0 || rep.SpansPresent != 3 || len(rep.AnnotatorsAdded) != 0 {
		t.Errorf("second import: %+v, %v", rep, err)
	}
}

func equalReports(a, b ImportReport) bool {
	return a.Records == b.Records && a.Documents == b.Documents && a.DocumentsPresent == b.DocumentsPresent &&
		a.Spans == b.Spans && a.SpansPresent == b.SpansPresent && slices.Equal(a.LabelsAdded, b.LabelsAdded) &&
		slices.Equal(a.AnnotatorsAdded, b.AnnotatorsAdded) && slices.Equal(a.Notices, b.Notices)
}

func TestImportLabelsAndAnnotators(t *testing.T) {
	ctx := context.Background()
	rec := func() *Record {
		return &Record{File: "d.jsonl", Line: 1, Text: "EU rejects German call",
			Spans: []RecordSpan{{Start: 0, End: 2, Label: "ORG"}, {Start: 11, End: 17, Label: "MISC", Annotator: "bob"}, {Start: 0, End: 2, Label: "actor"}}}
	}
	p := mustOpen(t)
	rep, err := p.Import(ctx, records(rec()), ImportOptions{Annotator: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.LabelsAdded, []string{"ORG", "MISC"}) || !slices.Equal(rep.AnnotatorsAdded, []string{"carol", "bob"}) {
		t.Errorf("labels added %v, annotators added %v", rep.LabelsAdded, rep.AnnotatorsAdded)
	}
	labels, _ := p.Labels(ctx)
	if len(labels) != 6 || labels[4].Name != "ORG" || labels[4].Hotkey != "o" || labels[5].Hotkey != "m" {
		t.Errorf("labels after import: %+v", labels)
	}
	if labels[4].Color == labels[5].Color || labels[4].Color == labels[0].Color {
		t.Errorf("new labels got colours already in use: %s, %s", labels[4].Color, labels[5].Color)
	}
	docs, _ := p.ListDocuments(ctx, DocumentQuery{})
	spans, _ := p.Spans(ctx, docs[0].ID, "")
	if got := spanKeys(spans); !slices.Equal(got, []string{"carol actor 0-2", "carol ORG 0-2", "bob MISC 11-17"}) {
		t.Errorf("spans %v", got)
	}
	for _, a := range []string{"carol", "bob"} {
		if st, _ := p.Status(ctx, docs[0].ID, a); st != StatusInProgress {
			t.Errorf("%s's status after import = %s, want in progress", a, st)
		}
	}

	strict := mustOpen(t)
	_, err = strict.Import(ctx, records(rec()), ImportOptions{Annotator: "carol", StrictLabels: true})
	var ie *ImportErrors
	if !errors.As(err, &ie) || len(ie.Problems) != 2 || !strings.Contains(ie.Problems[0].Error(), `d.jsonl:1: span 1 ("ORG"): the label "ORG" is not in the project's label set`) {
		t.Errorf("strict import: %v", err)
	}
}

func TestImportStatuses(t *testing.T) {
	ctx := context.Background()
	// an explicit "new" keeps an annotator's spans from marking the document in progress
	q := mustOpen(t)
	if _, err := q.Import(ctx, records(&Record{File: "n.jsonl", Line: 1, Text: "Kyiv",
		Spans:    []RecordSpan{{Start: 0, End: 4, Label: "actor", Annotator: "alice"}, {Start: 0, End: 4, Label: "actor", Annotator: "bob"}},
		Statuses: map[string]Status{"alice": "new", "carol": "in progress"}}), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	docs, _ := q.ListDocuments(ctx, DocumentQuery{})
	for a, want := range map[string]Status{"alice": StatusNew, "bob": StatusInProgress, "carol": StatusInProgress} {
		if got, _ := q.Status(ctx, docs[0].ID, a); got != want {
			t.Errorf("%s: %s, want %s", a, got, want)
		}
	}

	p := mustOpen(t)
	rec := &Record{File: "s.jsonl", Line: 1, Text: "text", Statuses: map[string]Status{"alice": StatusDone, "bob": StatusInProgress}}
	if _, err := p.Import(ctx, records(rec), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	docs, _ = p.ListDocuments(ctx, DocumentQuery{})
	// a later import never moves a status back
	rec.Statuses = map[string]Status{"alice": StatusInProgress, "bob": StatusDone}
	if _, err := p.Import(ctx, records(rec), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for a, want := range map[string]Status{"alice": StatusDone, "bob": StatusDone} {
		if got, _ := p.Status(ctx, docs[0].ID, a); got != want {
			t.Errorf("%s: %s, want %s", a, got, want)
		}
	}
}

// TestImportAllOrNothing checks that an import with any problem reports every problem and leaves the
// project file exactly as it was.
func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	mustAddDocument(t, p, "existing", "already here")
	p.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	before := snapshot(t, p)

	good := &Record{File: "in.jsonl", Line: 1, Text: "Russia fired 40 drones.", Spans: []RecordSpan{{Start: 0, End: 6, Label: "actor", Annotator: "alice"}}}
	tests := map[string]struct {
		items []any
		want  []string
	}{
		"offsets": {[]any{good, &Record{File: "in.jsonl", Line: 2, Text: "Kyiv 🙂", Spans: []RecordSpan{
			{Start: -1, End: 2, Label: "actor", Annotator: "a"},
			{Start: 4, End: 2, Label: "actor", Annotator: "a"},
			{Start: 0, End: 7, Label: "actor", Annotator: "a"},
			{Start: 3, End: 3, Label: "actor", Annotator: "a"},
		}}}, []string{
			`in.jsonl:2: span 1 ("actor"): start -1 is negative`,
			`in.jsonl:2: span 2 ("actor"): end 2 is before start 4`,
			`in.jsonl:2: span 3 ("actor"): end 7 is past the end of the text (6 characters)`,
			`in.jsonl:2: span 4 ("actor"): is empty (start and end are both 3)`,
		}},
		"span text mismatch": {[]any{&Record{File: "in.jsonl", Line: 5, Text: "Kiev is the capital", Spans: []RecordSpan{
			{Start: 0, End: 4, Label: "actor", Annotator: "a", Text: ptr("Kyiv")}}}, good},
			[]string{`in.jsonl:5: span 1 ("actor"): its text "Kyiv" does not match the document text at 0–4, which is "Kiev"`}},
		"no annotator": {[]any{&Record{File: "x.jsonl", Line: 3, Text: "abc", Spans: []RecordSpan{{Start: 0, End: 1, Label: "actor"}}}},
			[]string{`x.jsonl:3: span 1 ("actor") has no annotator; give one with --annotator or an "annotator" field`}},
		"invalid UTF-8": {[]any{&Record{File: "x.txt", Text: "caf\xe9"}}, []string{"x.txt: the text is not valid UTF-8"}},
		"meta not an object": {[]any{&Record{File: "m.jsonl", Line: 9, Text: "abc", Meta: []byte(`[1, 2]`)}},
			[]string{"m.jsonl:9: meta must be a JSON object"}},
		"span only on the BOM": {[]any{&Record{File: "b.jsonl", Line: 1, Text: "\uFEFFabc", Spans: []RecordSpan{{Start: 0, End: 1, Label: "actor", Annotator: "a"}}}},
			[]string{`b.jsonl:1: span 1 ("actor") covers only characters that normalisation removes (a byte-order mark)`}},
		"empty label": {[]any{&Record{File: "l.jsonl", Line: 1, Text: "abc", Spans: []RecordSpan{{Start: 0, End: 1, Label: "", Annotator: "a"}}}},
			[]string{`l.jsonl:1: span 1: the label cannot be empty`}},
		"bad status": {[]any{&Record{File: "s.jsonl", Line: 1, Text: "abc", Statuses: map[string]Status{"alice": "finished"}}},
			[]string{`s.jsonl:1: status of "alice": "finished" is not new, in_progress or done`}},
		"reader errors": {[]any{good, &ImportError{File: "r.jsonl", Line: 4, Reason: "invalid JSON"}, &ImportError{File: "r.jsonl", Line: 6, Reason: "text is missing"}},
			[]string{"r.jsonl:4: invalid JSON", "r.jsonl:6: text is missing"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rep, err := p.Import(ctx, records(tt.items...), ImportOptions{})
			var ie *ImportErrors
			if !errors.As(err, &ie) {
				t.Fatalf("Import = %+v, %v; want ImportErrors", rep, err)
			}
			var got []string
			for _, e := range ie.Problems {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if after := snapshot(t, p); after != before {
				t.Errorf("the failed import changed the project:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// snapshot renders the project's rows as text, to compare before and after.
func snapshot(t *testing.T, p *Project) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"documents", "texts", "labels", "annotators", "spans", "statuses"} {
		rows, err := p.ro.Query(`SELECT * FROM ` + table + ` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			b.WriteString(table)
			for _, v := range vals {
				b.WriteString(" | ")
				if x, ok := v.([]byte); ok {
					b.Write(x)
				} else {
					fmt.Fprint(&b, x)
				}
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}

func TestImportDryRunAndLimit(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	rep, err := p.Import(ctx, records(&Record{File: "a", Text: "Kyiv", Spans: []RecordSpan{{Start: 0, End: 4, Label: "place", Annotator: "zed"}}}),
		ImportOptions{DryRun: true})
	if err != nil || !rep.DryRun || rep.Documents != 1 || rep.Spans != 1 || !slices.Equal(rep.LabelsAdded, []string{"place"}) {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if st, _ := p.Stats(ctx); st.Documents != 0 || len(st.Labels) != 4 || len(st.Annotators) != 0 {
		t.Errorf("a dry run changed the project: %+v", st)
	}

	var many []any
	for i := range 150 {
		many = append(many, &ImportError{File: "big.jsonl", Line: i + 1, Reason: "bad"})
	}
	_, err = p.Import(ctx, records(many...), ImportOptions{})
	var ie *ImportErrors
	if !errors.As(err, &ie) || len(ie.Problems) != maxProblems || ie.More != 50 {
		t.Fatalf("150 problems: %v", err)
	}
	if !strings.Contains(ie.Summary(), "150 problems found; nothing was imported") {
		t.Errorf("summary %q", ie.Summary())
	}
}

func TestImportNotices(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	mustAddDocument(t, p, "old", "already here") // no source id: never shared
	if _, _, err := p.AddDocument(ctx, NewDocument{Name: "x", SourceID: "A-1", Text: "first text"}); err != nil {
		t.Fatal(err)
	}
	rep, err := p.Import(ctx, records(
		&Record{File: "r.jsonl", Line: 2, Text: "a"},
		&Record{File: "r.jsonl", Line: 5, Text: "b"},
		&Record{File: "r.jsonl", Line: 6, Text: ""},
		&Record{File: "r.jsonl", Line: 7, ID: "A-1", Text: "another text"},
		&Record{File: "r.jsonl", Line: 8, ID: "A-1", Text: "first text"}, // the same document: not shared
		&Record{File: "r.jsonl", Line: 9, ID: "B-2", Text: "b2"},
	), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 document is empty (r.jsonl:6).",
		"1 document has an id that a document with another text already has: exports will show both under that id (r.jsonl:7).",
	}
	if !slices.Equal(rep.Notices, want) {
		t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(rep.Notices, "\n"), strings.Join(want, "\n"))
	}
	rep, err = p.Import(ctx, records(), ImportOptions{})
	if err != nil || !slices.Equal(rep.Notices, []string{"The input holds no documents."}) {
		t.Errorf("empty input: %q, %v", rep.Notices, err)
	}
}

func TestImportCancelled(t *testing.T) {
	p := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	// the reader cancels after two good records, as Ctrl+C would in the middle of a long import
	r := &cancelAfter{n: 2, cancel: cancel}
	_, err := p.Import(ctx, r, ImportOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import = %v, want context.Canceled", err)
	}
	if r.read < 2 {
		t.Fatalf("the import stopped before the reader cancelled (%d records)", r.read)
	}
	if docs, _ := p.ListDocuments(context.Background(), DocumentQuery{}); len(docs) != 0 {
		t.Errorf("a cancelled import added %d documents", len(docs))
	}
	if Message(err) != "Cancelled; nothing was changed." {
		t.Errorf("message %q", Message(err))
	}
}

// cancelAfter gives records forever and cancels its context after n of them.
type cancelAfter struct {
	n, read int
	cancel  func()
}

func (c *cancelAfter) Next() (*Record, error) {
	c.read++
	if c.read == c.n {
		c.cancel()
	}
	return &Record{File: "endless.jsonl", Line: c.read, Text: fmt.Sprintf("document %d", c.read)}, nil
}

// TestSharedIDQueryUsesIndex checks the plan of the query an import runs for each added document with
// a source id: a scan there makes a large import quadratic.
func TestSharedIDQueryUsesIndex(t *testing.T) {
	p := mustOpen(t)
	var plan []string
	for _, s := range queryPlan(t, p, sharedIDQuery, "A-1", 1) {
		plan = append(plan, s.detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING COVERING INDEX documents_source") || strings.Contains(got, "SCAN documents") {
		t.Errorf("plan of the shared id query: %s", got)
	}
}

// TestImportReconciles checks that spans naming their annotator are reconciled with the project's as
// Merge does, over all the records of one import, while spans given the default annotator are added.
func TestImportReconciles(t *testing.T) {
	ctx := context.Background()
	text := "Kyiv said 40 drones were shot down."
	rec := func(line int, spans ...RecordSpan) *Record {
		return &Record{File: "dir/batch.jsonl", Line: line, Text: text, Spans: spans}
	}
	kyiv := RecordSpan{Start: 0, End: 4, Label: "actor", Annotator: "alice"}
	drones := RecordSpan{Start: 10, End: 19, Label: "figure", Annotator: "alice"}
	shot := RecordSpan{Start: 25, End: 29, Label: "claim", Annotator: "alice"}
	tests := map[string]struct {
		records []any
		opts    ImportOptions
		want    []string
		renamed []Renamed
	}{
		"records of one document are one set": {
			records: []any{rec(1, kyiv), rec(2, drones)},
			want:    []string{"alice actor 0-4", "alice figure 10-19"},
		},
		"other spans under the same name": {
			records: []any{rec(1, drones), rec(2, shot)},
			want:    []string{"alice actor 0-4", "alice (from batch) figure 10-19", "alice (from batch) claim 25-29"},
			renamed: []Renamed{{Annotator: "alice", As: "alice (from batch)", File: "dir/batch.jsonl", Documents: 1}},
		},
		"the default annotator's spans are added": {
			records: []any{rec(1, RecordSpan{Start: 10, End: 19, Label: "figure"})},
			opts:    ImportOptions{Annotator: "alice"},
			want:    []string{"alice actor 0-4", "alice figure 10-19"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			mustImport(t, p, rec(1, kyiv))
			rep, err := p.Import(ctx, records(tt.records...), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			docs, _ := p.ListDocuments(ctx, DocumentQuery{})
			spans, _ := p.Spans(ctx, docs[0].ID, "")
			if got := spanKeys(spans); !slices.Equal(got, tt.want) {
				t.Errorf("spans %v, want %v", got, tt.want)
			}
			if !slices.Equal(rep.Renamed, tt.renamed) && len(rep.Renamed)+len(tt.renamed) > 0 {
				t.Errorf("renamed %+v, want %+v", rep.Renamed, tt.renamed)
			}
		})
	}
}
