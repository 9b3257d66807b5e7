package annotations

import (
	"context"
	"database/sql"
	"fmt"
)

// Stats summarises a project.
type Stats struct {
	Documents  int              `json:"documents"`
	Spans      int              `json:"spans"`
	Labels     []LabelStats     `json:"labels"`
	Annotators []AnnotatorStats `json:"annotators"`
	// Relations counts the relations between spans, also by type (every type listed).
	Relations       int            `json:"relations"`
	RelationsByType map[string]int `json:"relations_by_type"`
}

// LabelStats counts one label's spans.
type LabelStats struct {
	Name  string `json:"name"`
	Spans int    `json:"spans"`
}

// AnnotatorStats counts one annotator's spans by label and documents by status.
type AnnotatorStats struct {
	Name    string         `json:"name"`
	Spans   int            `json:"spans"`
	ByLabel map[string]int `json:"by_label"`
	Status  map[Status]int `json:"status"` // new, in_progress, done
}

// Stats counts documents, spans per label and annotator, and statuses, all from one snapshot of the
// project. It reads no text.
func (p *Project) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := p.read(ctx, func(tx *sql.Tx) error { return stats(ctx, tx, &st) })
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

func stats(ctx context.Context, tx *sql.Tx, st *Stats) error {
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&st.Documents); err != nil {
		return err
	}
	labels, err := queryLabels(ctx, tx)
	if err != nil {
		return err
	}
	annotators, err := queryAnnotators(ctx, tx)
	if err != nil {
		return err
	}
	byLabel := map[string]*LabelStats{}
	st.Labels = make([]LabelStats, len(labels))
	for i, l := range labels {
		st.Labels[i].Name = l.Name
		byLabel[l.Name] = &st.Labels[i]
	}
	byAnnotator := map[string]*AnnotatorStats{}
	st.Annotators = make([]AnnotatorStats, len(annotators))
	for i, a := range annotators {
		st.Annotators[i] = AnnotatorStats{Name: a.Name, ByLabel: map[string]int{},
			Status: map[Status]int{StatusNew: st.Documents, StatusInProgress: 0, StatusDone: 0}}
		byAnnotator[a.Name] = &st.Annotators[i]
	}

	if st.RelationsByType, err = relationCounts(ctx, tx); err != nil {
		return err
	}
	for _, n := range st.RelationsByType {
		st.Relations += n
	}
	err = eachRow(ctx, tx, `SELECT l.name, a.name, count(*) FROM spans s
		JOIN labels l ON l.id = s.label_id JOIN annotators a ON a.id = s.annotator_id GROUP BY s.label_id, s.annotator_id`,
		func(r *sql.Rows) error {
			var label, annotator string
			var n int
			if err := r.Scan(&label, &annotator, &n); err != nil {
				return err
			}
			st.Spans += n
			byLabel[label].Spans += n
			byAnnotator[annotator].Spans += n
			byAnnotator[annotator].ByLabel[label] = n
			return nil
		})
	if err != nil {
		return err
	}
	return eachRow(ctx, tx, `SELECT a.name, st.status, count(*) FROM statuses st
		JOIN annotators a ON a.id = st.annotator_id GROUP BY st.annotator_id, st.status`,
		func(r *sql.Rows) error {
			var annotator string
			var status Status
			var n int
			if err := r.Scan(&annotator, &status, &n); err != nil {
				return err
			}
			a := byAnnotator[annotator]
			a.Status[status] = n
			a.Status[StatusNew] -= n
			return nil
		})
}
