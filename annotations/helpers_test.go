package annotations

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// mustOpen opens a new project in a temporary folder, closed when the test ends.
func mustOpen(tb testing.TB) *Project {
	tb.Helper()
	return mustOpenAt(tb, filepath.Join(tb.TempDir(), "test"+Extension))
}

func mustOpenAt(tb testing.TB, path string) *Project {
	tb.Helper()
	p, err := Open(context.Background(), path, OpenOptions{Create: true})
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

// allDocuments returns every document of p in id order, with what a list entry leaves out.
func allDocuments(tb testing.TB, p *Project) []Document {
	tb.Helper()
	ctx := context.Background()
	entries, err := p.ListDocuments(ctx, DocumentQuery{Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	docs := make([]Document, len(entries))
	for i, e := range entries {
		if docs[i], err = p.Document(ctx, e.ID); err != nil {
			tb.Fatal(err)
		}
	}
	return docs
}

// planStep is one row of SQLite's EXPLAIN QUERY PLAN.
type planStep struct {
	parent int
	detail string
}

// queryPlan returns the steps of SQLite's plan for query with args.
func queryPlan(tb testing.TB, p *Project, query string, args ...any) []planStep {
	tb.Helper()
	var plan []planStep
	err := eachRow(context.Background(), p.ro, "EXPLAIN QUERY PLAN "+query, func(r *sql.Rows) error {
		var id, notUsed int
		var s planStep
		err := r.Scan(&id, &s.parent, &notUsed, &s.detail)
		plan = append(plan, s)
		return err
	}, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return plan
}

// fixedClock makes the project's times predictable: each call is one second after the last.
func fixedClock(p *Project) {
	t := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p.now = func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

// mustAddDocument adds a document with text and returns it.
func mustAddDocument(tb testing.TB, p *Project, name, text string) Document {
	tb.Helper()
	d, _, err := p.AddDocument(context.Background(), NewDocument{Name: name, Text: text})
	if err != nil {
		tb.Fatalf("AddDocument(%q): %v", name, err)
	}
	return d
}

func mustAddSpan(tb testing.TB, p *Project, ns NewSpan) Span {
	tb.Helper()
	s, _, err := p.AddSpan(context.Background(), ns)
	if err != nil {
		tb.Fatalf("AddSpan(%+v): %v", ns, err)
	}
	return s
}

// recordList is a RecordReader over records and reader errors given in advance.
type recordList struct {
	items []any // *Record or error
}

func (r *recordList) Next() (*Record, error) {
	if len(r.items) == 0 {
		return nil, io.EOF
	}
	it := r.items[0]
	r.items = r.items[1:]
	if err, ok := it.(error); ok {
		return nil, err
	}
	return it.(*Record), nil
}

func records(items ...any) *recordList { return &recordList{items: items} }

func ptr[T any](v T) *T { return &v }

// spanKeys renders spans as comparable strings: "annotator label start-end".
func spanKeys(spans []Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = fmt.Sprintf("%s %s %d-%d", s.Annotator, s.Label, s.Start, s.End)
	}
	return out
}
