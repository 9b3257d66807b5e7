package annotations

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAddDocument(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d, added, err := p.AddDocument(ctx, NewDocument{Name: "a.txt", SourceID: "A-1", Meta: []byte(` { "lang" : "fr" } `),
		Text: "\r\n\n  Titre : l’offensive\r\nCorps du texte."})
	if err != nil || !added {
		t.Fatalf("AddDocument: %v, added %v", err, added)
	}
	if d.FirstLine != "Titre : l’offensive" || string(d.Meta) != `{"lang":"fr"}` || d.Length != 39 || len(d.Hash) != 64 {
		t.Errorf("document %+v", d)
	}
	if d.Key() != "A-1" {
		t.Errorf("Key() = %q, want the source id", d.Key())
	}
	same, added, err := p.AddDocument(ctx, NewDocument{Name: "copy.txt", Text: "\n\n  Titre : l’offensive\nCorps du texte."})
	if err != nil || added || same.ID != d.ID || same.Name != "a.txt" {
		t.Errorf("adding the same text again: %+v, added %v, %v", same, added, err)
	}
	noID := mustAddDocument(t, p, "b", "other")
	if noID.Key() != noID.Hash[:16] {
		t.Errorf("Key() without source id = %q, want the hash prefix", noID.Key())
	}
	for name, nd := range map[string]NewDocument{
		"invalid UTF-8":     {Name: "x", Text: "\xff"},
		"meta not object":   {Name: "x", Text: "y", Meta: []byte(`"fr"`)},
		"meta invalid JSON": {Name: "x", Text: "y", Meta: []byte(`{"a":}`)},
		"meta too deep":     {Name: "x", Text: "y", Meta: []byte(`{"a":` + strings.Repeat("[", 1200) + strings.Repeat("]", 1200) + `}`)},
		// deeper than maxMetaDepth, though SQLite would store it
		"meta deeper than 100": {Name: "x", Text: "y", Meta: []byte(`{"a":` + strings.Repeat("[", 150) + strings.Repeat("]", 150) + `}`)},
	} {
		if _, _, err := p.AddDocument(ctx, nd); err == nil {
			t.Errorf("%s: AddDocument accepted %+v", name, nd)
		}
	}
}

func TestJSONDepth(t *testing.T) {
	tests := map[string]int{
		`{}`:                          1,
		`{"a":[1,{"b":[]}]}`:          4,
		`{"a":"[[[{{{"}`:              1,
		`{"a":"\\\"[[["}`:             1,
		`{"a":[[["x\\"],[]]],"b":{}}`: 4,
	}
	for in, want := range tests {
		if got := jsonDepth([]byte(in)); got != want {
			t.Errorf("jsonDepth(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestListDocumentsPages(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	var ids []int64
	for i := range 25 {
		d := mustAddDocument(t, p, fmt.Sprintf("doc%02d", i), fmt.Sprintf("Texte numéro %d\nsuite", i))
		ids = append(ids, d.ID)
	}
	mustAddSpan(t, p, NewSpan{DocumentID: ids[3], Annotator: "alice", Label: "actor", Start: 0, End: 5})
	mustAddSpan(t, p, NewSpan{DocumentID: ids[3], Annotator: "alice", Label: "claim", Start: 0, End: 5})
	mustAddSpan(t, p, NewSpan{DocumentID: ids[3], Annotator: "bob", Label: "actor", Start: 0, End: 5})
	if err := p.SetStatus(ctx, ids[7], "alice", StatusDone); err != nil {
		t.Fatal(err)
	}

	var all []DocumentEntry
	var after int64
	for pages := 0; ; pages++ {
		page, err := p.ListDocuments(ctx, DocumentQuery{Annotator: "alice", After: after, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			if pages != 3 {
				t.Errorf("%d pages of 10 for 25 documents, want 3", pages)
			}
			break
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
	if len(all) != 25 {
		t.Fatalf("paged through %d documents, want 25", len(all))
	}
	for i, e := range all {
		wantStatus, wantSpans := StatusNew, 0
		switch i {
		case 3:
			wantStatus, wantSpans = StatusInProgress, 2
		case 7:
			wantStatus = StatusDone
		}
		if e.ID != ids[i] || e.Status != wantStatus || e.Spans != wantSpans || e.FirstLine != fmt.Sprintf("Texte numéro %d", i) {
			t.Errorf("entry %d = %+v; want status %s, %d spans", i, e, wantStatus, wantSpans)
		}
	}
	pr, err := p.Progress(ctx, "alice")
	if err != nil || pr != (Progress{Documents: 25, New: 23, InProgress: 1, Done: 1}) {
		t.Errorf("Progress(alice) = %+v, %v", pr, err)
	}
	if pr, _ := p.Progress(ctx, "nobody"); pr != (Progress{Documents: 25, New: 25}) {
		t.Errorf("Progress(nobody) = %+v", pr)
	}
}

func TestFirstLine(t *testing.T) {
	long := strings.Repeat("é", 250)
	tests := map[string]string{
		"":                    "",
		"\n\n   \nBonjour\nx": "Bonjour",
		"  « Titre »  \n":     "« Titre »",
		long:                  strings.Repeat("é", firstLineMax),
	}
	for in, want := range tests {
		if got := firstLine(in); got != want {
			t.Errorf("firstLine(%.20q) = %.20q, want %.20q", in, got, want)
		}
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	a := mustAddDocument(t, p, "a", "Kyiv and Moscow")
	b := mustAddDocument(t, p, "b", "Kharkiv")
	mustAddDocument(t, p, "c", "nothing")
	mustAddSpan(t, p, NewSpan{DocumentID: a.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	mustAddSpan(t, p, NewSpan{DocumentID: a.ID, Annotator: "alice", Label: "actor", Start: 9, End: 15})
	mustAddSpan(t, p, NewSpan{DocumentID: b.ID, Annotator: "bob", Label: "claim", Start: 0, End: 7})
	p.SetStatus(ctx, a.ID, "alice", StatusDone)

	st, err := p.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 3 || st.Spans != 3 {
		t.Errorf("documents %d, spans %d", st.Documents, st.Spans)
	}
	var labels []string
	for _, l := range st.Labels {
		labels = append(labels, fmt.Sprintf("%s=%d", l.Name, l.Spans))
	}
	if got := strings.Join(labels, " "); got != "actor=2 figure=0 weapon=0 claim=1" {
		t.Errorf("labels %s", got)
	}
	if len(st.Annotators) != 2 {
		t.Fatalf("annotators %+v", st.Annotators)
	}
	alice, bob := st.Annotators[0], st.Annotators[1]
	if alice.Name != "alice" || alice.Spans != 2 || alice.ByLabel["actor"] != 2 ||
		alice.Status[StatusDone] != 1 || alice.Status[StatusInProgress] != 0 || alice.Status[StatusNew] != 2 {
		t.Errorf("alice %+v", alice)
	}
	if bob.Spans != 1 || bob.ByLabel["claim"] != 1 || bob.Status[StatusInProgress] != 1 || bob.Status[StatusNew] != 2 {
		t.Errorf("bob %+v", bob)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", "Kyiv")
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	r, err := p.Check(ctx)
	if err != nil || !r.OK() || r.SchemaVersion != SchemaVersion {
		t.Fatalf("Check of a sound project: %+v, %v", r, err)
	}
	// damage it behind Tagdesk's back
	if _, err := p.db.Exec(`UPDATE spans SET "end" = 9 WHERE id = ?`, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.db.Exec(`UPDATE texts SET text = 'Kiev' WHERE document_id = ?`, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.db.Exec(`PRAGMA foreign_keys = OFF; INSERT INTO statuses VALUES (999, 1, 'done', ''); PRAGMA foreign_keys = ON`); err != nil {
		t.Fatal(err)
	}
	r, err = p.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"foreign key: a row of statuses points to a missing documents row",
		fmt.Sprintf("span %d of document %d ends at 9, past the end of the text (4)", s.ID, d.ID),
		fmt.Sprintf("document %d: its text does not match its hash", d.ID),
	}
	if !slices.Equal(r.Problems, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(r.Problems, "\n"), strings.Join(want, "\n"))
	}
}

func TestLastDocument(t *testing.T) {
	ctx := context.Background()
	type env struct {
		p    *Project
		docs []Document
		at   func(clock string) // the time of the next edits: "05" or "05.1" is 12:00:05 or 12:00:05.1
	}
	span := func(t *testing.T, e env, annotator string, doc int) Span {
		t.Helper()
		return mustAddSpan(t, e.p, NewSpan{DocumentID: e.docs[doc].ID, Annotator: annotator, Label: "actor", Start: 0, End: 4})
	}
	status := func(t *testing.T, e env, annotator string, doc int, s Status) {
		t.Helper()
		if err := e.p.SetStatus(ctx, e.docs[doc].ID, annotator, s); err != nil {
			t.Fatal(err)
		}
	}
	tests := map[string]struct {
		edits     func(t *testing.T, e env)
		annotator string
		want      int // index in docs, or -1 for none
	}{
		"unknown annotator": {func(t *testing.T, e env) { span(t, e, "alice", 0) }, "zoe", -1},
		"annotator with neither spans nor statuses": {func(t *testing.T, e env) {
			span(t, e, "alice", 0)
			status(t, e, "bob", 1, StatusNew) // adds bob, stores no status
		}, "bob", -1},
		"latest span": {func(t *testing.T, e env) {
			e.at("01")
			span(t, e, "alice", 0)
			e.at("02")
			span(t, e, "alice", 2)
			e.at("03")
			span(t, e, "alice", 1)
		}, "alice", 1},
		"span edited later": {func(t *testing.T, e env) {
			e.at("01")
			s := span(t, e, "alice", 0)
			e.at("02")
			span(t, e, "alice", 1)
			e.at("03")
			if _, err := e.p.SetNote(ctx, s.ID, "later"); err != nil {
				t.Fatal(err)
			}
		}, "alice", 0},
		"status more recent than spans": {func(t *testing.T, e env) {
			e.at("01")
			span(t, e, "alice", 0)
			e.at("02")
			span(t, e, "alice", 1)
			e.at("03")
			status(t, e, "alice", 0, StatusDone)
		}, "alice", 0},
		"span more recent than status": {func(t *testing.T, e env) {
			e.at("01")
			status(t, e, "alice", 2, StatusDone)
			e.at("02")
			span(t, e, "alice", 1)
		}, "alice", 1},
		"tied spans: the higher id": {func(t *testing.T, e env) {
			e.at("05")
			span(t, e, "alice", 2)
			span(t, e, "alice", 0)
		}, "alice", 2},
		"tied span and status: the higher id": {func(t *testing.T, e env) {
			e.at("05")
			status(t, e, "alice", 1, StatusDone)
			span(t, e, "alice", 0)
		}, "alice", 1},
		"within one second": {func(t *testing.T, e env) {
			// stored as text, 12:00:05.1 once sorted after 12:00:05.15
			e.at("05.1")
			span(t, e, "alice", 1)
			e.at("05.15")
			span(t, e, "alice", 0)
		}, "alice", 0},
		"other annotators do not count": {func(t *testing.T, e env) {
			e.at("01")
			span(t, e, "alice", 0)
			e.at("02")
			span(t, e, "bob", 2)
			status(t, e, "bob", 1, StatusDone)
		}, "alice", 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			e := env{p: p, at: func(clock string) {
				tm, err := time.Parse(time.RFC3339Nano, "2026-03-01T12:00:"+clock+"Z")
				if err != nil {
					t.Fatal(err)
				}
				p.now = func() time.Time { return tm }
			}}
			for i := range 3 {
				e.docs = append(e.docs, mustAddDocument(t, p, fmt.Sprint(i), fmt.Sprintf("text %d", i)))
			}
			tt.edits(t, e)
			var want int64
			if tt.want >= 0 {
				want = e.docs[tt.want].ID
			}
			if got, err := p.LastDocument(ctx, tt.annotator); err != nil || got != want {
				t.Errorf("LastDocument(%q) = %d, %v; want %d", tt.annotator, got, err, want)
			}
		})
	}
}

// TestLastDocumentUsesIndexes checks that LastDocument reads one entry of an index in spans and one
// in statuses, however many spans the annotator has: only the two rows found are sorted.
func TestLastDocumentUsesIndexes(t *testing.T) {
	p := mustOpen(t)
	var plan []string
	for _, s := range queryPlan(t, p, lastDocumentQuery, "alice") {
		plan = append(plan, s.detail)
		if strings.HasPrefix(s.detail, "SCAN spans") || strings.HasPrefix(s.detail, "SCAN statuses") ||
			(strings.Contains(s.detail, "TEMP B-TREE") && s.parent != 0) {
			t.Errorf("plan step %q (parent %d) reads or sorts more than one row", s.detail, s.parent)
		}
	}
	for _, want := range []string{
		"SEARCH spans USING COVERING INDEX spans_annotator_updated (annotator_id=?)",
		"SEARCH statuses USING COVERING INDEX statuses_annotator_updated (annotator_id=?)",
	} {
		if !slices.Contains(plan, want) {
			t.Errorf("the plan lacks %q:\n%s", want, strings.Join(plan, "\n"))
		}
	}
}

// TestListDocumentsUsesIndexes checks that ListDocuments counts a document's spans in the index that
// starts with the document, which holds a few entries per document, rather than in an index of the
// annotator's spans, which holds every span of theirs: read once per document listed, that took half
// a minute for a page of a project of a million spans.
func TestListDocumentsUsesIndexes(t *testing.T) {
	p := mustOpen(t)
	var plan []string
	for _, s := range queryPlan(t, p, listDocumentsQuery, "alice", 0, 100) {
		plan = append(plan, s.detail)
		if strings.Contains(s.detail, " spans ") && !strings.Contains(s.detail, "(document_id=?)") {
			t.Errorf("plan step %q reads spans other than by document", s.detail)
		}
	}
	for _, want := range []string{
		"SEARCH d USING INTEGER PRIMARY KEY (rowid>?)",
		"SEARCH spans USING COVERING INDEX sqlite_autoindex_spans_1 (document_id=?)",
		"SEARCH statuses USING PRIMARY KEY (document_id=? AND annotator_id=?)",
	} {
		if !slices.Contains(plan, want) {
			t.Errorf("the plan lacks %q:\n%s", want, strings.Join(plan, "\n"))
		}
	}
}
