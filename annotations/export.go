package annotations

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ExportQuery chooses what to export.
type ExportQuery struct {
	// Annotators limits the export to these annotators' spans and statuses; empty means everyone.
	Annotators []string
	// Status keeps, for each document, only the annotators with this status; empty means any.
	Status Status
}

// ExportDocument is one document as an export sees it.
type ExportDocument struct {
	Document
	Text string
	// Spans of the included annotators in text order: start, end, label order, annotator.
	Spans []Span
	// Relations among the Spans, in the order they were made.
	Relations []Relation
	// Annotators included for this document, by name: those the query selects that have spans or a
	// status here (or, with a status filter, that status).
	Annotators []string
	// Statuses of the included annotators, new included.
	Statuses map[string]Status
	// Index is this document's place in the export, from 1, of Total documents the export gives.
	Index, Total int
}

// Export calls fn with each document the query selects, in id order, one at a time: memory does not
// grow with the project. fn must not keep the document after it returns: Export reuses it. Without
// any filter every document is exported, also those nobody annotated; with a filter, only documents where some selected annotator passes it. All of it reads one
// consistent snapshot of the project, whatever is written meanwhile.
func (p *Project) Export(ctx context.Context, q ExportQuery, fn func(*ExportDocument) error) error {
	if q.Status != "" {
		s, ok := ParseStatus(string(q.Status))
		if !ok {
			return userError(nil, "%q is not a document status (new, in_progress or done).", q.Status)
		}
		q.Status = s
	}
	return p.read(ctx, func(tx *sql.Tx) error { return exportAhead(ctx, tx, q, fn) })
}

// exportAhead is export with the reading on a goroutine of its own: while fn writes documents
// (formats spend about as long writing a document as SQLite takes to read it), the next are read, so
// that an export uses two cores. Documents are handed over in chunks of buffers, back in use once fn
// has returned: a hand-over per document would cost more in waking goroutines than it saves.
func exportAhead(ctx context.Context, tx *sql.Tx, q ExportQuery, fn func(*ExportDocument) error) error {
	const chunk, chunks = 32, 3
	free := make(chan []ExportDocument, chunks)
	for range chunks {
		free <- make([]ExportDocument, chunk)
	}
	ready := make(chan []ExportDocument, chunks)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		defer close(ready)
		var cur []ExportDocument // the chunk being filled, its first n filled
		n := 0
		send := func() error {
			if n > 0 {
				select {
				case ready <- cur[:n]:
				case <-stop:
					return errStopped
				}
			}
			return nil
		}
		err := export(ctx, tx, q, func(filled *ExportDocument) (*ExportDocument, error) {
			if filled != nil {
				n++
			}
			if cur == nil || n == len(cur) {
				if err := send(); err != nil {
					return nil, err
				}
				select {
				case cur = <-free:
					n = 0
				case <-stop:
					return nil, errStopped
				}
			}
			return &cur[n], nil
		})
		if err == nil {
			err = send()
		}
		done <- err
	}()
	for docs := range ready {
		for i := range docs {
			if err := fn(&docs[i]); err != nil {
				close(stop)
				for range ready {
				}
				<-done
				return err
			}
		}
		free <- docs[:chunk]
	}
	return <-done
}

// errStopped ends the reading of exportAhead once its writing has failed.
var errStopped = errors.New("export stopped")

// export reads the documents q selects into buffers that next gives: next(nil) gives the first, and
// next(filled) hands a document over and gives the buffer for the next one, whose slices export
// reuses.
func export(ctx context.Context, tx *sql.Tx, q ExportQuery, next func(filled *ExportDocument) (*ExportDocument, error)) error {
	universe, err := exportAnnotators(ctx, tx, q.Annotators)
	if err != nil {
		return err
	}
	filtered := len(q.Annotators) > 0 || q.Status != ""
	total, err := exportCount(ctx, tx, q)
	if err != nil {
		return err
	}

	// Without a filter every document is given: its text comes with it, without a query of its own.
	docsQuery := selectDocument + ` ORDER BY id`
	if !filtered {
		docsQuery = `SELECT d.id, d.hash, d.name, d.source_id, d.meta, d.length, d.first_line, d.created_at, t.text
			FROM documents d JOIN texts t ON t.document_id = d.id ORDER BY d.id`
	}
	docs, err := tx.QueryContext(ctx, docsQuery)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer docs.Close()
	statuses, err := newCursor(ctx, tx, `SELECT st.document_id, a.name, st.status FROM statuses st
		JOIN annotators a ON a.id = st.annotator_id ORDER BY st.document_id`,
		scanStatusRow, func(s statusRow) int64 { return s.documentID })
	if err != nil {
		return err
	}
	defer statuses.close()
	// The spans come in the order of the unique index, without joins: names and the order of labels
	// come from the few rows of annotators and labels, and each document's spans are sorted below.
	names, err := newSpanNames(ctx, tx)
	if err != nil {
		return err
	}
	spanRows, err := newCursor(ctx, tx, `SELECT s.id, s.document_id, s.annotator_id, s.label_id, s.start, s."end", s.note,
		s.attrs, s.created_at, s.updated_at FROM spans s ORDER BY s.document_id, s.start, s."end"`,
		names.scan, func(s Span) int64 { return s.DocumentID })
	if err != nil {
		return err
	}
	spans := readAhead(spanRows) // the most rows by far: read and scanned beside the rest
	defer spans.close()
	relations, err := newCursor(ctx, tx, selectRelation+` ORDER BY r.document_id, r.id`,
		func(r *sql.Rows) (Relation, error) { return scanRelation(r) }, func(r Relation) int64 { return r.DocumentID })
	if err != nil {
		return err
	}
	defer relations.close()
	textStmt, err := tx.PrepareContext(ctx, `SELECT text FROM texts WHERE document_id = ?`)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer textStmt.Close()

	ed, err := next(nil)
	if err != nil {
		return err
	}
	index := 0
	for docs.Next() {
		var text string
		var d Document
		if filtered {
			d, err = scanDocument(docs)
		} else {
			d, err = scanDocument(textScanner{docs, &text})
		}
		if err != nil {
			return err
		}
		*ed = ExportDocument{Document: d, Spans: ed.Spans[:0], Relations: ed.Relations[:0], Statuses: map[string]Status{}, Total: total}

		all := map[string]Status{} // every annotator's status here
		if err := statuses.each(d.ID, func(s statusRow) { all[s.annotator] = s.status }); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		withSpans := map[string]bool{}
		if err := spans.each(d.ID, func(s Span) {
			if universe[s.Annotator] {
				withSpans[s.Annotator] = true
				ed.Spans = append(ed.Spans, s)
			}
		}); err != nil {
			return fmt.Errorf("export: %w", err)
		}

		included := map[string]bool{}
		for a := range universe {
			st, has := all[a]
			if !has {
				st = StatusNew
			}
			if (q.Status != "" && st == q.Status) || (q.Status == "" && (has || withSpans[a])) {
				included[a] = true
				ed.Annotators = append(ed.Annotators, a)
				ed.Statuses[a] = st
			}
		}
		if filtered && len(included) == 0 {
			continue
		}
		slices.Sort(ed.Annotators)
		ed.Spans = slices.DeleteFunc(ed.Spans, func(s Span) bool { return !included[s.Annotator] })
		names.sort(ed.Spans)
		if err := relations.each(d.ID, func(r Relation) {
			if included[r.Annotator] {
				ed.Relations = append(ed.Relations, r)
			}
		}); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		ed.Text = text
		if filtered {
			if err := textStmt.QueryRowContext(ctx, d.ID).Scan(&ed.Text); err != nil {
				return fmt.Errorf("export: text of document %d: %w", d.ID, err)
			}
		}
		index++
		ed.Index = index
		if ed, err = next(ed); err != nil {
			return err
		}
	}
	return docs.Err()
}

// spanNames names the annotators and labels of span rows read by id, and orders spans as the
// project does: by start, end, label (in panel order), then annotator.
type spanNames struct {
	annotators map[int64]string
	labels     map[int64]string
	position   map[string]int
}

func newSpanNames(ctx context.Context, q querier) (*spanNames, error) {
	n := &spanNames{annotators: map[int64]string{}, labels: map[int64]string{}, position: map[string]int{}}
	err := eachRow(ctx, q, `SELECT id, name FROM annotators`, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		n.annotators[id] = name
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	err = eachRow(ctx, q, `SELECT id, name, position FROM labels`, func(r *sql.Rows) error {
		var id int64
		var name string
		var position int
		err := r.Scan(&id, &name, &position)
		n.labels[id], n.position[name] = name, position
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// scan reads a span row of annotator and label ids.
func (n *spanNames) scan(r *sql.Rows) (Span, error) {
	var s Span
	var annotator, label int64
	var attrs, created, updated string
	if err := r.Scan(&s.ID, &s.DocumentID, &annotator, &label, &s.Start, &s.End, &s.Note, &attrs, &created, &updated); err != nil {
		return s, fmt.Errorf("span: %w", err)
	}
	s.Annotator, s.Label = n.annotators[annotator], n.labels[label]
	var err error
	if s.Attrs, err = parseAttrs(attrs); err != nil {
		return s, fmt.Errorf("span %d: %w", s.ID, err)
	}
	s.CreatedAt, s.UpdatedAt = parseTime(created), parseTime(updated)
	return s, nil
}

func (n *spanNames) sort(spans []Span) {
	slices.SortFunc(spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End),
			cmp.Compare(n.position[a.Label], n.position[b.Label]), strings.Compare(a.Annotator, b.Annotator))
	})
}

// textScanner scans a document row followed by its text.
type textScanner struct {
	rows *sql.Rows
	text *string
}

func (t textScanner) Scan(dest ...any) error { return t.rows.Scan(append(dest, t.text)...) }

// exportCount returns how many documents export gives for q, in the same snapshot: the documents
// where some selected annotator has the status asked for (a missing status row means new), or,
// without a status, has spans or a status. The annotators q names must exist.
func exportCount(ctx context.Context, tx *sql.Tx, q ExportQuery) (int, error) {
	selected := "1" // every annotator
	var args []any
	if len(q.Annotators) > 0 {
		selected = "a.name IN (?" + strings.Repeat(", ?", len(q.Annotators)-1) + ")"
		for _, n := range q.Annotators {
			args = append(args, n)
		}
	}
	var where string
	switch {
	case q.Status == StatusNew:
		where = `EXISTS (SELECT 1 FROM annotators a WHERE ` + selected + ` AND NOT EXISTS
			(SELECT 1 FROM statuses st WHERE st.document_id = d.id AND st.annotator_id = a.id))`
	case q.Status != "":
		where = `EXISTS (SELECT 1 FROM statuses st JOIN annotators a ON a.id = st.annotator_id
			WHERE st.document_id = d.id AND st.status = ? AND ` + selected + `)`
		args = append([]any{string(q.Status)}, args...)
	case len(q.Annotators) > 0:
		where = `EXISTS (SELECT 1 FROM statuses st JOIN annotators a ON a.id = st.annotator_id
			WHERE st.document_id = d.id AND ` + selected + `) OR EXISTS (SELECT 1 FROM spans s
			JOIN annotators a ON a.id = s.annotator_id WHERE s.document_id = d.id AND ` + selected + `)`
		args = append(args, args...)
	default:
		where = "1"
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents d WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("export: count: %w", err)
	}
	return n, nil
}

// exportAnnotators returns the set of annotators an export covers: the named ones, which must exist,
// or all.
func exportAnnotators(ctx context.Context, q querier, names []string) (map[string]bool, error) {
	all, err := queryAnnotators(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	known := map[string]bool{}
	var list []string
	for _, a := range all {
		known[a.Name] = true
		list = append(list, a.Name)
	}
	if len(names) == 0 {
		return known, nil
	}
	chosen := map[string]bool{}
	for _, n := range names {
		if !known[n] {
			if n == Gold {
				return nil, userError(ErrNotFound, "This project has no gold layer yet: review some documents first.")
			}
			if len(list) == 0 {
				return nil, userError(ErrNotFound, "There is no annotator named %q: this project has no annotators yet.", n)
			}
			return nil, userError(ErrNotFound, "There is no annotator named %q in this project (there are: %s).",
				n, strings.Join(list, ", "))
		}
		chosen[n] = true
	}
	return chosen, nil
}

// cursor walks rows ordered by document id alongside the document list, one row ahead.
type cursor[T any] struct {
	rows  *sql.Rows
	scan  func(*sql.Rows) (T, error)
	docID func(T) int64
	cur   T
	ok    bool // cur holds a row not consumed yet
}

func newCursor[T any](ctx context.Context, q querier, query string, scan func(*sql.Rows) (T, error), docID func(T) int64) (*cursor[T], error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	c := &cursor[T]{rows: rows, scan: scan, docID: docID}
	return c, c.advance()
}

func (c *cursor[T]) advance() error {
	if c.ok = c.rows.Next(); !c.ok {
		return c.rows.Err()
	}
	var err error
	c.cur, err = c.scan(c.rows)
	return err
}

// each calls fn with every row of document id, skipping rows of earlier documents.
func (c *cursor[T]) each(id int64, fn func(T)) error {
	for c.ok && c.docID(c.cur) <= id {
		if c.docID(c.cur) == id {
			fn(c.cur)
		}
		if err := c.advance(); err != nil {
			return err
		}
	}
	return nil
}

func (c *cursor[T]) close() { c.rows.Close() }

// aheadCursor reads a cursor's rows on a goroutine of its own, handing them over in batches of a
// few hundred: a hand-over per document costs more in waking goroutines than reading the rows.
type aheadCursor[T any] struct {
	batches chan aheadBatch[T]
	stop    chan struct{}
	docID   func(T) int64
	cur     aheadBatch[T]
	ok      bool // cur has rows not consumed yet
}

type aheadBatch[T any] struct {
	rows []T
	err  error // after the rows
}

func readAhead[T any](c *cursor[T]) *aheadCursor[T] {
	const batch = 512
	a := &aheadCursor[T]{batches: make(chan aheadBatch[T], 8), stop: make(chan struct{}), docID: c.docID}
	go func() {
		defer close(a.batches)
		defer c.close()
		for c.ok {
			b := aheadBatch[T]{rows: make([]T, 0, batch)}
			for c.ok && len(b.rows) < batch && b.err == nil {
				b.rows = append(b.rows, c.cur)
				b.err = c.advance()
			}
			select {
			case a.batches <- b:
			case <-a.stop:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	a.advance()
	return a
}

// advance makes cur the next batch that has rows, or the error that ends them.
func (a *aheadCursor[T]) advance() {
	for {
		a.cur, a.ok = <-a.batches
		if !a.ok || len(a.cur.rows) > 0 || a.cur.err != nil {
			return
		}
	}
}

// each calls fn with every row of document id, skipping rows of earlier documents.
func (a *aheadCursor[T]) each(id int64, fn func(T)) error {
	for a.ok {
		for len(a.cur.rows) > 0 {
			r := a.cur.rows[0]
			if a.docID(r) > id {
				return nil
			}
			if a.docID(r) == id {
				fn(r)
			}
			a.cur.rows = a.cur.rows[1:]
		}
		if a.cur.err != nil {
			return a.cur.err
		}
		a.advance()
	}
	return nil
}

// close stops the reading and waits until the goroutine has closed the rows.
func (a *aheadCursor[T]) close() {
	close(a.stop)
	for range a.batches {
	}
}

// statusRow is one annotator's status of one document.
type statusRow struct {
	documentID int64
	annotator  string
	status     Status
}

func scanStatusRow(r *sql.Rows) (statusRow, error) {
	var s statusRow
	err := r.Scan(&s.documentID, &s.annotator, &s.status)
	return s, err
}
