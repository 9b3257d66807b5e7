package annotations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// ErrSpanExists is the cause when an edit would make a span identical to one that exists (same
// document, annotator, label, start and end): two identical spans are one span.
var ErrSpanExists = errors.New("span exists")

// NewSpan is a span to add.
type NewSpan struct {
	DocumentID int64
	Annotator  string
	Label      string
	Start, End int
	Note       string
	// Attrs are the span's attribute values. Nil gives it the values derived from its text (see
	// DeriveAttrs); an empty map gives it none.
	Attrs Attrs
}

// storedSpan is a NewSpan that makes s again, or copies it, with its values as they are (for
// insertSpan with stored true).
func storedSpan(s Span) NewSpan {
	return NewSpan{DocumentID: s.DocumentID, Annotator: s.Annotator, Label: s.Label, Start: s.Start, End: s.End,
		Note: s.Note, Attrs: keepAttrs(s.Attrs)}
}

// AddSpan adds a span in its own transaction, adding the annotator if new, and moves the document
// from new to in progress for that annotator. When an identical span exists, it is returned with added
// false and nothing changes.
func (p *Project) AddSpan(ctx context.Context, ns NewSpan) (s Span, added bool, err error) {
	err = p.write(ctx, func(tx *sql.Tx) error {
		s, added, _, err = p.insertSpan(ctx, tx, ns, false)
		return err
	})
	return s, added, err
}

// insertSpan adds a span as AddSpan does, within tx. started reports whether the span moved the
// document from new to in progress. stored says ns.Attrs are a stored span's values (see storedSpan),
// made again by undo or copied by a review: they are kept as they are, also those of attributes
// the label no longer defines.
func (p *Project) insertSpan(ctx context.Context, tx *sql.Tx, ns NewSpan, stored bool) (s Span, added, started bool, err error) {
	length, err := documentLength(ctx, tx, ns.DocumentID)
	if err != nil {
		return s, false, false, err
	}
	if err := checkRange(ns.Start, ns.End, length); err != nil {
		return s, false, false, err
	}
	label, err := labelNamed(ctx, tx, ns.Label)
	if err != nil {
		return s, false, false, err
	}
	labelID := label.ID
	attrs := normalizeAttrs(ns.Attrs)
	if ns.Attrs == nil && len(label.Attributes) > 0 {
		doc, err := documentRunes(ctx, tx, ns.DocumentID)
		if err != nil {
			return s, false, false, err
		}
		attrs = DeriveAttrs(label.Attributes, doc, ns.Start, ns.End)
	} else if p := checkAttrs(label, attrs); p != "" && !stored {
		return s, false, false, userError(nil, "The %s span at %d–%d cannot be added: %s.", label.Name, ns.Start, ns.End, p)
	}
	annotatorID, err := p.annotatorID(ctx, tx, ns.Annotator, true)
	if err != nil {
		return s, false, false, err
	}
	now := formatTime(p.now())
	res, err := tx.ExecContext(ctx, `INSERT INTO spans (document_id, annotator_id, label_id, start, "end", note, attrs, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		ns.DocumentID, annotatorID, labelID, ns.Start, ns.End, cleanNote(ns.Note), formatAttrs(attrs), now, now)
	if err != nil {
		return s, false, false, fmt.Errorf("add span: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		added = true
		if started, err = p.advanceStatus(ctx, tx, ns.DocumentID, annotatorID, StatusInProgress); err != nil {
			return s, false, false, err
		}
	}
	s, err = spanWhere(ctx, tx, `s.document_id = ? AND s.annotator_id = ? AND s.label_id = ? AND s.start = ? AND s."end" = ?`,
		ns.DocumentID, annotatorID, labelID, ns.Start, ns.End)
	return s, added, started, err
}

// Span returns the span with id.
func (p *Project) Span(ctx context.Context, id int64) (Span, error) {
	return spanWhere(ctx, p.ro, `s.id = ?`, id)
}

// Spans returns a document's spans in text order (start, then end, then label order), of one
// annotator, or of all when annotator is "".
func (p *Project) Spans(ctx context.Context, documentID int64, annotator string) ([]Span, error) {
	var out []Span
	err := eachRow(ctx, p.ro, selectSpan+` WHERE s.document_id = ? AND (? = '' OR a.name = ?)
		ORDER BY s.start, s."end", l.position, a.name`, func(r *sql.Rows) error {
		s, err := scanSpan(r)
		out = append(out, s)
		return err
	}, documentID, annotator, annotator)
	if err != nil {
		return nil, fmt.Errorf("spans of document %d: %w", documentID, err)
	}
	return out, nil
}

// RelabelSpan gives the span with id another label. The span keeps the values of the attributes the
// new label also defines with the same type (and, for a choice, the value); the others are derived
// anew.
func (p *Project) RelabelSpan(ctx context.Context, id int64, label string) (Span, error) {
	_, s, err := p.editSpan(ctx, id, relabel(label))
	return s, err
}

// ResizeSpan moves the edges of the span with id to [start, end). A value that was derived from the
// span's text is derived again from the new extent; a value edited by hand is kept.
func (p *Project) ResizeSpan(ctx context.Context, id int64, start, end int) (Span, error) {
	_, s, err := p.editSpan(ctx, id, resize(start, end))
	return s, err
}

// SetNote sets the note of the span with id; an empty note removes it.
func (p *Project) SetNote(ctx context.Context, id int64, note string) (Span, error) {
	_, s, err := p.editSpan(ctx, id, setNote(note))
	return s, err
}

// DeleteSpan deletes the span with id and returns it as it was.
func (p *Project) DeleteSpan(ctx context.Context, id int64) (Span, error) {
	var s Span
	err := p.write(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = deleteSpan(ctx, tx, id, nil)
		return err
	})
	return s, err
}

// deleteSpan deletes the span with id within tx and returns it as it was. When check is not nil, it
// sees the span first and can refuse the deletion with an error.
func deleteSpan(ctx context.Context, tx *sql.Tx, id int64, check func(Span) error) (Span, error) {
	s, err := spanWhere(ctx, tx, `s.id = ?`, id)
	if err != nil {
		return s, err
	}
	if check != nil {
		if err := check(s); err != nil {
			return s, err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM spans WHERE id = ?`, id); err != nil {
		return s, fmt.Errorf("delete span %d: %w", id, err)
	}
	return s, nil
}

// spanChange is an edit of one span for editSpan: given the span as it is, it returns the SET clause
// and its arguments, or an error to refuse the edit.
type spanChange func(ctx context.Context, tx *sql.Tx, old Span) (set string, args []any, err error)

func relabel(label string) spanChange {
	return func(ctx context.Context, tx *sql.Tx, old Span) (string, []any, error) {
		l, err := labelNamed(ctx, tx, label)
		if err != nil {
			return "", nil, err
		}
		attrs, err := relabelAttrs(ctx, tx, old, l)
		if err != nil {
			return "", nil, err
		}
		return `label_id = ?, attrs = ?`, []any{l.ID, formatAttrs(attrs)}, nil
	}
}

func resize(start, end int) spanChange {
	return func(ctx context.Context, tx *sql.Tx, old Span) (string, []any, error) {
		length, err := documentLength(ctx, tx, old.DocumentID)
		if err != nil {
			return "", nil, err
		}
		if err := checkRange(start, end, length); err != nil {
			return "", nil, err
		}
		attrs, err := resizeAttrs(ctx, tx, old, start, end)
		if err != nil {
			return "", nil, err
		}
		return `start = ?, "end" = ?, attrs = ?`, []any{start, end, formatAttrs(attrs)}, nil
	}
}

func setNote(note string) spanChange {
	return func(context.Context, *sql.Tx, Span) (string, []any, error) {
		return `note = ?`, []any{cleanNote(note)}, nil
	}
}

// editSpan updates the span with id in one transaction and returns it as it was and as it is.
func (p *Project) editSpan(ctx context.Context, id int64, change spanChange) (old, s Span, err error) {
	err = p.write(ctx, func(tx *sql.Tx) error {
		if old, err = spanWhere(ctx, tx, `s.id = ?`, id); err != nil {
			return err
		}
		set, args, err := change(ctx, tx, old)
		if err != nil {
			return err
		}
		args = append(args, formatTime(p.now()), id)
		if _, err := tx.ExecContext(ctx, `UPDATE spans SET `+set+`, updated_at = ? WHERE id = ?`, args...); err != nil {
			if isUniqueViolation(err) {
				return userError(ErrSpanExists, "An identical span already exists.")
			}
			return fmt.Errorf("edit span %d: %w", id, err)
		}
		s, err = spanWhere(ctx, tx, `s.id = ?`, id)
		return err
	})
	return old, s, err
}

const selectSpan = `SELECT s.id, s.document_id, a.name, l.name, s.start, s."end", s.note, s.attrs, s.created_at, s.updated_at
	FROM spans s JOIN annotators a ON a.id = s.annotator_id JOIN labels l ON l.id = s.label_id`

func spanWhere(ctx context.Context, q querier, where string, args ...any) (Span, error) {
	s, err := scanSpan(q.QueryRowContext(ctx, selectSpan+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return s, userError(ErrNotFound, "That span no longer exists.")
	}
	return s, err
}

func scanSpan(sc scanner) (Span, error) {
	var s Span
	var created, updated, attrs string
	err := sc.Scan(&s.ID, &s.DocumentID, &s.Annotator, &s.Label, &s.Start, &s.End, &s.Note, &attrs, &created, &updated)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return s, err
		}
		return s, fmt.Errorf("span: %w", err)
	}
	if s.Attrs, err = parseAttrs(attrs); err != nil {
		return s, fmt.Errorf("span %d: %w", s.ID, err)
	}
	s.CreatedAt, s.UpdatedAt = parseTime(created), parseTime(updated)
	return s, nil
}

func documentLength(ctx context.Context, q querier, id int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT length FROM documents WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, userError(ErrNotFound, "That document no longer exists.")
	}
	return n, err
}

// labelNamed returns the label called name with its attributes.
func labelNamed(ctx context.Context, q querier, name string) (Label, error) {
	l := Label{Name: name}
	var attributes string
	err := q.QueryRowContext(ctx, `SELECT id, attributes FROM labels WHERE name = ?`, name).Scan(&l.ID, &attributes)
	if errors.Is(err, sql.ErrNoRows) {
		return l, userError(ErrNotFound, "There is no label named %q in this project.", name)
	}
	if err != nil {
		return l, err
	}
	if err := json.Unmarshal([]byte(attributes), &l.Attributes); err != nil {
		return l, fmt.Errorf("attributes of label %q: %w", name, err)
	}
	return l, nil
}

// documentRunes returns the text of the document with id as code points.
func documentRunes(ctx context.Context, q querier, id int64) ([]rune, error) {
	var s string
	err := q.QueryRowContext(ctx, `SELECT text FROM texts WHERE document_id = ?`, id).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userError(ErrNotFound, "That document no longer exists.")
	}
	if err != nil {
		return nil, fmt.Errorf("text of document %d: %w", id, err)
	}
	return []rune(s), nil
}

func labelID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM labels WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, userError(ErrNotFound, "There is no label named %q in this project.", name)
	}
	return id, err
}

// checkRange checks a span's offsets against a text of length code points.
func checkRange(start, end, length int) error {
	if reason := rangeProblem(start, end, length); reason != "" {
		return userError(nil, "The span %s.", reason)
	}
	return nil
}

// rangeProblem says what is wrong with the offsets [start, end) in a text of length code points, or "".
func rangeProblem(start, end, length int) string {
	switch {
	case start < 0:
		return fmt.Sprintf("start %d is negative", start)
	case end < start:
		return fmt.Sprintf("end %d is before start %d", end, start)
	case end == start:
		return fmt.Sprintf("is empty (start and end are both %d)", start)
	case end > length:
		return fmt.Sprintf("end %d is past the end of the text (%d characters)", end, length)
	}
	return ""
}

// cleanNote stores notes with the line ends of the text: LF only.
func cleanNote(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}
