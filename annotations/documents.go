package annotations

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// firstLineMax is how many code points of a document's first line are kept for lists.
const firstLineMax = 200

// NewDocument is a document to add: its text as it arrived (it is normalised on the way in).
type NewDocument struct {
	Name     string
	SourceID string
	Meta     json.RawMessage // a JSON object, or empty
	Text     string
}

// AddDocument adds one document in its own transaction. When a document with the same normalised text
// exists, nothing is added and that document is returned with added false.
func (p *Project) AddDocument(ctx context.Context, nd NewDocument) (d Document, added bool, err error) {
	if !utf8.ValidString(nd.Text) {
		return d, false, userError(nil, "The text is not valid UTF-8.")
	}
	meta, err := compactMeta(nd.Meta)
	if err != nil {
		return d, false, userError(err, "The document's metadata %s.", err)
	}
	norm, _ := text.Normalize(nd.Text)
	d = newDocument(nd.Name, nd.SourceID, meta, norm)
	err = p.write(ctx, func(tx *sql.Tx) error {
		var err error
		d, added, err = p.insertDocument(ctx, tx, d, norm)
		return err
	})
	return d, added, err
}

// newDocument fills in what a document's normalised text determines.
func newDocument(name, sourceID string, meta json.RawMessage, norm string) Document {
	return Document{
		Hash:      hashOf(norm),
		Name:      name,
		SourceID:  sourceID,
		Meta:      meta,
		Length:    utf8.RuneCountInString(norm),
		FirstLine: firstLine(norm),
	}
}

// insertDocument adds d with its text, or finds the document that has the same hash.
func (p *Project) insertDocument(ctx context.Context, q querier, d Document, norm string) (Document, bool, error) {
	d.CreatedAt = p.now().UTC()
	res, err := q.ExecContext(ctx, `INSERT INTO documents (hash, name, source_id, meta, length, first_line, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
		d.Hash, d.Name, d.SourceID, string(d.Meta), d.Length, d.FirstLine, formatTime(d.CreatedAt))
	if err != nil {
		return d, false, fmt.Errorf("insert document %q: %w", d.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		existing, err := scanDocument(q.QueryRowContext(ctx, selectDocument+` WHERE hash = ?`, d.Hash))
		return existing, false, err
	}
	if d.ID, err = res.LastInsertId(); err != nil {
		return d, false, err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO texts (document_id, text) VALUES (?, ?)`, d.ID, norm); err != nil {
		return d, false, fmt.Errorf("insert text of %q: %w", d.Name, err)
	}
	return d, true, nil
}

const selectDocument = `SELECT id, hash, name, source_id, meta, length, first_line, created_at FROM documents`

type scanner interface{ Scan(dest ...any) error }

func scanDocument(s scanner) (Document, error) {
	var d Document
	var meta, created string
	err := s.Scan(&d.ID, &d.Hash, &d.Name, &d.SourceID, &meta, &d.Length, &d.FirstLine, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return d, userError(ErrNotFound, "There is no such document.")
	}
	if err != nil {
		return d, fmt.Errorf("document: %w", err)
	}
	d.Meta = json.RawMessage(meta)
	d.CreatedAt = parseTime(created)
	return d, nil
}

// Document returns the document with id, without its text.
func (p *Project) Document(ctx context.Context, id int64) (Document, error) {
	return scanDocument(p.ro.QueryRowContext(ctx, selectDocument+` WHERE id = ?`, id))
}

// Text returns the stored (normalised) text of the document with id.
func (p *Project) Text(ctx context.Context, id int64) (string, error) {
	var s string
	err := p.ro.QueryRowContext(ctx, `SELECT text FROM texts WHERE document_id = ?`, id).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", userError(ErrNotFound, "There is no such document.")
	}
	return s, err
}

// DocumentQuery selects a page of documents. Pages follow document ids: pass the last ID of a page as
// After to get the next one.
type DocumentQuery struct {
	Annotator string // whose status and span count to report; "" reports none
	After     int64  // only documents with a greater id
	Limit     int    // at most this many; 0 means 100
}

// DocumentEntry is one row of a document list: what a list shows of a document, and one annotator's
// progress. The app holds one for every document of the project, so it carries nothing else: no
// text, hash, metadata or times (Document reads them). The navigator's 100,000 take 19 MB of heap
// with their index, rather than 38 as whole Documents.
type DocumentEntry struct {
	ID        int64
	Name      string
	FirstLine string
	Status    Status
	Spans     int
}

// ListDocuments returns a page of documents in id order with the annotator's status and span count.
// It never reads document texts.
func (p *Project) ListDocuments(ctx context.Context, q DocumentQuery) ([]DocumentEntry, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	out := make([]DocumentEntry, 0, q.Limit) // a page of the navigator's is 10,000: growing it made garbage
	err := eachRow(ctx, p.ro, listDocumentsQuery, func(r *sql.Rows) error {
		var e DocumentEntry
		var status string
		err := r.Scan(&e.ID, &e.Name, &e.FirstLine, &status, &e.Spans)
		var ok bool
		if e.Status, ok = ParseStatus(status); !ok { // one string for every document's status, not one each
			e.Status = Status(status)
		}
		out = append(out, e)
		return err
	}, q.Annotator, q.After, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return out, nil
}

// listDocumentsQuery counts each document's spans of the annotator in the index that starts with the
// document (see TestListDocumentsUsesIndexes): the unary + keeps SQLite from taking the index of the
// annotator's spans instead, which holds every span of theirs and made a page of 2,000 documents of a
// project of a million spans take half a minute.
const listDocumentsQuery = `WITH a AS (SELECT id FROM annotators WHERE name = ?)
	SELECT d.id, d.name, d.first_line,
		coalesce((SELECT status FROM statuses WHERE document_id = d.id AND annotator_id = (SELECT id FROM a)), 'new'),
		(SELECT count(*) FROM spans WHERE document_id = d.id AND +annotator_id = (SELECT id FROM a))
	FROM documents d WHERE d.id > ? ORDER BY d.id LIMIT ?`

// Progress counts documents by one annotator's status.
type Progress struct {
	Documents  int
	New        int
	InProgress int
	Done       int
}

// Progress returns how many documents the annotator has not started, started and finished.
func (p *Project) Progress(ctx context.Context, annotator string) (Progress, error) {
	var pr Progress
	err := p.ro.QueryRowContext(ctx, `
		WITH a AS (SELECT id FROM annotators WHERE name = ?)
		SELECT (SELECT count(*) FROM documents),
			(SELECT count(*) FROM statuses WHERE annotator_id = (SELECT id FROM a) AND status = 'in_progress'),
			(SELECT count(*) FROM statuses WHERE annotator_id = (SELECT id FROM a) AND status = 'done')`,
		annotator).Scan(&pr.Documents, &pr.InProgress, &pr.Done)
	if err != nil {
		return pr, fmt.Errorf("progress of %q: %w", annotator, err)
	}
	pr.New = pr.Documents - pr.InProgress - pr.Done
	return pr, nil
}

// firstLine returns the first non-blank line of s, trimmed and cut to firstLineMax code points.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > firstLineMax {
			line = string([]rune(line)[:firstLineMax])
		}
		return line
	}
	return ""
}

// maxMetaDepth is how deeply metadata may nest; SQLite's JSON functions stop at 1000.
const maxMetaDepth = 100

// compactMeta checks that raw is a JSON object and returns it compacted; empty input gives {}.
func compactMeta(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}"), nil
	}
	if raw[0] != '{' {
		return nil, errors.New("must be a JSON object")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("is not valid JSON: %w", err)
	}
	if jsonDepth(b.Bytes()) > maxMetaDepth {
		return nil, fmt.Errorf("is nested more than %d levels deep", maxMetaDepth)
	}
	return b.Bytes(), nil
}

// jsonDepth returns how deeply the objects and arrays of valid JSON b nest.
func jsonDepth(b []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++ // skip the escaped character
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// LastDocument returns the id of the document the annotator last worked on: the one with their most
// recently updated span or status, the higher id on a tie. It returns 0 when the annotator has neither
// or is not in the project.
func (p *Project) LastDocument(ctx context.Context, annotator string) (int64, error) {
	var id int64
	err := p.ro.QueryRowContext(ctx, lastDocumentQuery, annotator).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("last document of %q: %w", annotator, err)
	}
	return id, nil
}

// lastDocumentQuery reads one row from each of the indexes spans_annotator_updated and
// statuses_annotator_updated (see TestLastDocumentUsesIndexes). Stored times sort as text.
const lastDocumentQuery = `WITH a AS (SELECT id FROM annotators WHERE name = ?)
	SELECT document_id FROM (
		SELECT * FROM (SELECT document_id, updated_at FROM spans WHERE annotator_id = (SELECT id FROM a)
			ORDER BY updated_at DESC, document_id DESC LIMIT 1)
		UNION ALL
		SELECT * FROM (SELECT document_id, updated_at FROM statuses WHERE annotator_id = (SELECT id FROM a)
			ORDER BY updated_at DESC, document_id DESC LIMIT 1))
	ORDER BY updated_at DESC, document_id DESC LIMIT 1`
