package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SetStatus sets how far the annotator has got with the document, adding the annotator if new.
func (p *Project) SetStatus(ctx context.Context, documentID int64, annotator string, s Status) error {
	_, _, err := p.setStatus(ctx, documentID, annotator, s, nil)
	return err
}

// setStatus sets a status as SetStatus does and returns the status before and after, in canonical
// form. When check is not nil, it sees the status before and can refuse the change with an error.
func (p *Project) setStatus(ctx context.Context, documentID int64, annotator string, s Status,
	check func(old Status) error) (old, canonical Status, err error) {
	canonical, ok := ParseStatus(string(s))
	if !ok {
		return "", "", userError(nil, "%q is not a document status (new, in_progress or done).", s)
	}
	err = p.write(ctx, func(tx *sql.Tx) error {
		if _, err := documentLength(ctx, tx, documentID); err != nil {
			return err
		}
		annotatorID, err := p.annotatorID(ctx, tx, annotator, true)
		if err != nil {
			return err
		}
		if old, err = statusOf(ctx, tx, documentID, annotatorID); err != nil {
			return err
		}
		if check != nil {
			if err := check(old); err != nil {
				return err
			}
		}
		return p.writeStatus(ctx, tx, documentID, annotatorID, canonical)
	})
	return old, canonical, err
}

// writeStatus sets the annotator's status of the document within tx; new removes it.
func (p *Project) writeStatus(ctx context.Context, tx *sql.Tx, documentID, annotatorID int64, s Status) error {
	var err error
	if s == StatusNew {
		_, err = tx.ExecContext(ctx, `DELETE FROM statuses WHERE document_id = ? AND annotator_id = ?`, documentID, annotatorID)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO statuses (document_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
			documentID, annotatorID, string(s), formatTime(p.now()))
	}
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	return nil
}

// statusOf returns the annotator's status of the document, read within q.
func statusOf(ctx context.Context, q querier, documentID, annotatorID int64) (Status, error) {
	var s string
	err := q.QueryRowContext(ctx, `SELECT status FROM statuses WHERE document_id = ? AND annotator_id = ?`,
		documentID, annotatorID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return StatusNew, nil
	}
	if err != nil {
		return "", fmt.Errorf("status: %w", err)
	}
	return Status(s), nil
}

// Status returns how far the annotator has got with the document.
func (p *Project) Status(ctx context.Context, documentID int64, annotator string) (Status, error) {
	var s string
	err := p.ro.QueryRowContext(ctx, `SELECT st.status FROM statuses st JOIN annotators a ON a.id = st.annotator_id
		WHERE st.document_id = ? AND a.name = ?`, documentID, annotator).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return StatusNew, nil
	}
	if err != nil {
		return "", fmt.Errorf("status: %w", err)
	}
	return Status(s), nil
}

// advanceStatus raises the annotator's status of the document to s, never lowering it, and reports
// whether it changed.
func (p *Project) advanceStatus(ctx context.Context, q querier, documentID, annotatorID int64, s Status) (bool, error) {
	if s == StatusNew {
		return false, nil
	}
	res, err := q.ExecContext(ctx, `INSERT INTO statuses (document_id, annotator_id, status, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
		WHERE statuses.status = 'in_progress' AND excluded.status = 'done'`,
		documentID, annotatorID, string(s), formatTime(p.now()))
	if err != nil {
		return false, fmt.Errorf("advance status: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
