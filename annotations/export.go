package annotations

import (
	"context"
	"database/sql"
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
// grow with the project. fn must not keep the document after it returns: Export reuses it. Without any filter every document is exported, also those nobody annotated;
// with a filter, only documents where some selected annotator passes it. All of it reads one
// consistent snapshot of the project, whatever is written meanwhile.
func (p *Project) Export(ctx context.Context, q ExportQuery, fn func(*ExportDocument) error) error {
	if q.Status != "" {
		s, ok := ParseStatus(string(q.Status))
		if !ok {
			return userError(nil, "%q is not a document status (new, in_progress or done).", q.Status)
		}
		q.Status = s
	}
	return p.read(ctx, func(tx *sql.Tx) error { return export(ctx, tx, q, fn) })
}

func export(ctx context.Context, tx *sql.Tx, q ExportQuery, fn func(*ExportDocument) error) error {
	universe, err := exportAnnotators(ctx, tx, q.Annotators)
	if err != nil {
		return err
	}
	filtered := len(q.Annotators) > 0 || q.Status != ""
	total, err := exportCount(ctx, tx, q)
	if err != nil {
		return err
	}

	docs, err := tx.QueryContext(ctx, selectDocument+` ORDER BY id`)
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
	spans, err := newCursor(ctx, tx, selectSpan+` ORDER BY s.document_id, s.start, s."end", l.position, a.name`,
		func(r *sql.Rows) (Span, error) { return scanSpan(r) }, func(s Span) int64 { return s.DocumentID })
	if err != nil {
		return err
	}
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

	var ed ExportDocument
	for docs.Next() {
		d, err := scanDocument(docs)
		if err != nil {
			return err
		}
		ed = ExportDocument{Document: d, Spans: ed.Spans[:0], Relations: ed.Relations[:0], Statuses: map[string]Status{}, Index: ed.Index, Total: total}

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
		if err := relations.each(d.ID, func(r Relation) {
			if included[r.Annotator] {
				ed.Relations = append(ed.Relations, r)
			}
		}); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := textStmt.QueryRowContext(ctx, d.ID).Scan(&ed.Text); err != nil {
			return fmt.Errorf("export: text of document %d: %w", d.ID, err)
		}
		ed.Index++
		if err := fn(&ed); err != nil {
			return err
		}
	}
	return docs.Err()
}

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
