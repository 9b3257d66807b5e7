package annotations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"unicode/utf8"
)

// CheckReport is what Check found.
type CheckReport struct {
	SchemaVersion int      `json:"schema_version"`
	Latest        int      `json:"latest_schema_version"`
	Problems      []string `json:"problems"` // empty when all is well
}

// OK reports whether Check found nothing wrong.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check runs SQLite's integrity and foreign key checks and Tagdesk's own: every text matches its
// document's hash and length, and every span lies within its text. It reads texts one at a time.
func (p *Project) Check(ctx context.Context) (CheckReport, error) {
	rep := CheckReport{Latest: SchemaVersion}
	if err := p.ro.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&rep.SchemaVersion); err != nil {
		return rep, fmt.Errorf("check: %w", err)
	}
	checks := []struct {
		query string
		// problem reads a row and says what is wrong, or "" when nothing is
		problem func(*sql.Rows) (string, error)
	}{
		{`PRAGMA integrity_check`, func(r *sql.Rows) (string, error) {
			var line string
			if err := r.Scan(&line); err != nil || line == "ok" {
				return "", err
			}
			return "integrity: " + line, nil
		}},
		{`SELECT "table", rowid, parent FROM pragma_foreign_key_check`, func(r *sql.Rows) (string, error) {
			var table, parent string
			var rowid *int64
			if err := r.Scan(&table, &rowid, &parent); err != nil {
				return "", err
			}
			row := "a row"
			if rowid != nil {
				row = fmt.Sprintf("row %d", *rowid)
			}
			return fmt.Sprintf("foreign key: %s of %s points to a missing %s row", row, table, parent), nil
		}},
		{`SELECT s.id, s.document_id, s."end", d.length FROM spans s JOIN documents d ON d.id = s.document_id
			WHERE s."end" > d.length`, func(r *sql.Rows) (string, error) {
			var id, doc int64
			var end, length int
			err := r.Scan(&id, &doc, &end, &length)
			return fmt.Sprintf("span %d of document %d ends at %d, past the end of the text (%d)", id, doc, end, length), err
		}},
		{`SELECT d.id, d.hash, d.length, t.text FROM documents d LEFT JOIN texts t ON t.document_id = d.id ORDER BY d.id`,
			func(r *sql.Rows) (string, error) {
				var id int64
				var hash string
				var length int
				var txt *string
				if err := r.Scan(&id, &hash, &length, &txt); err != nil {
					return "", err
				}
				switch {
				case txt == nil:
					return fmt.Sprintf("document %d has no text", id), nil
				case hashOf(*txt) != hash:
					return fmt.Sprintf("document %d: its text does not match its hash", id), nil
				case utf8.RuneCountInString(*txt) != length:
					return fmt.Sprintf("document %d: its text is %d characters long, not %d",
						id, utf8.RuneCountInString(*txt), length), nil
				}
				return "", nil
			}},
	}
	for _, c := range checks {
		if err := eachRow(ctx, p.ro, c.query, func(r *sql.Rows) error {
			problem, err := c.problem(r)
			if problem != "" {
				rep.Problems = append(rep.Problems, problem)
			}
			return err
		}); err != nil {
			return rep, fmt.Errorf("check: %w", err)
		}
	}
	return rep, nil
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
