package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Annotators returns the project's annotators by name.
func (p *Project) Annotators(ctx context.Context) ([]Annotator, error) {
	out, err := queryAnnotators(ctx, p.ro)
	if err != nil {
		return nil, fmt.Errorf("annotators: %w", err)
	}
	return out, nil
}

func queryAnnotators(ctx context.Context, q querier) ([]Annotator, error) {
	var out []Annotator
	err := eachRow(ctx, q, `SELECT id, name, created_at FROM annotators ORDER BY name`, func(r *sql.Rows) error {
		var a Annotator
		var created string
		err := r.Scan(&a.ID, &a.Name, &created)
		a.CreatedAt = parseTime(created)
		out = append(out, a)
		return err
	})
	return out, err
}

// CheckAnnotatorName returns a sentence saying why name cannot name an annotator, or "".
func CheckAnnotatorName(name string) string {
	if reason := checkName(name); reason != "" {
		return "An annotator name " + reason + "."
	}
	return ""
}

// annotatorID returns the id of the annotator called name, adding them when create is set.
func (p *Project) annotatorID(ctx context.Context, q querier, name string, create bool) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM annotators WHERE name = ?`, name).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	if !create {
		return 0, userError(ErrNotFound, "There is no annotator named %q in this project.", name)
	}
	if msg := CheckAnnotatorName(name); msg != "" {
		return 0, userError(nil, "%s", msg)
	}
	res, err := q.ExecContext(ctx, `INSERT INTO annotators (name, created_at) VALUES (?, ?)`, name, formatTime(p.now()))
	if err != nil {
		return 0, fmt.Errorf("add annotator %q: %w", name, err)
	}
	return res.LastInsertId()
}
