package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// openSuggestions is the condition on suggestions s that are open for the annotator with id ?1 with
// minimum score ?2: not rejected by them, not identical to one of their spans, scored high enough or
// not scored.
const openSuggestions = `(s.score IS NULL OR s.score >= ?2)
	AND NOT EXISTS (SELECT 1 FROM suggestion_rejections r WHERE r.document_id = s.document_id AND r.annotator_id = ?1
		AND r.start = s.start AND r."end" = s."end" AND r.label_id = s.label_id)
	AND NOT EXISTS (SELECT 1 FROM spans x WHERE x.document_id = s.document_id AND x.start = s.start
		AND x."end" = s."end" AND x.label_id = s.label_id AND x.annotator_id = ?1)`

// Suggestions returns the document's suggestions still open for annotator, in text order (start, end,
// label position): not rejected by them, not identical (start, end, label) to one of their spans,
// score >= minScore (suggestions without a score always pass). The same start, end and label from
// several sources is one suggestion, with the highest score and Source listing the sources joined
// with ", ".
func (p *Project) Suggestions(ctx context.Context, documentID int64, annotator string, minScore float64) ([]Suggestion, error) {
	var out []Suggestion
	err := p.read(ctx, func(tx *sql.Tx) error {
		aid, err := p.knownAnnotator(ctx, tx, annotator)
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT s.id, s.document_id, l.name, s.start, s."end", s.source, s.score, s.created_at
			FROM suggestions s JOIN labels l ON l.id = s.label_id
			WHERE s.document_id = ?3 AND `+openSuggestions+`
			ORDER BY s.start, s."end", l.position, s.source`, func(r *sql.Rows) error {
			sg, err := scanSuggestion(r)
			if err != nil {
				return err
			}
			if n := len(out); n > 0 && out[n-1].Start == sg.Start && out[n-1].End == sg.End && out[n-1].Label == sg.Label {
				last := &out[n-1]
				last.Source += ", " + sg.Source
				if sg.Score != nil && (last.Score == nil || *sg.Score > *last.Score) {
					last.Score = sg.Score
				}
				return nil
			}
			out = append(out, sg)
			return nil
		}, aid, minScore, documentID)
	})
	if err != nil {
		return nil, fmt.Errorf("suggestions of document %d: %w", documentID, err)
	}
	return out, nil
}

// knownAnnotator returns the id of the annotator called name, or -1 for an annotator not met yet,
// who has no spans and no rejections.
func (p *Project) knownAnnotator(ctx context.Context, q querier, name string) (int64, error) {
	id, err := p.annotatorID(ctx, q, name, false)
	if errors.Is(err, ErrNotFound) {
		return -1, nil
	}
	return id, err
}

func scanSuggestion(sc scanner) (Suggestion, error) {
	var sg Suggestion
	var score sql.NullFloat64
	var created string
	if err := sc.Scan(&sg.ID, &sg.DocumentID, &sg.Label, &sg.Start, &sg.End, &sg.Source, &score, &created); err != nil {
		return sg, fmt.Errorf("suggestion: %w", err)
	}
	if score.Valid {
		sg.Score = &score.Float64
	}
	sg.CreatedAt = parseTime(created)
	return sg, nil
}

// SuggestionCounts returns, per document, how many suggestions are open for annotator (as
// Suggestions counts them); documents with none are left out.
func (p *Project) SuggestionCounts(ctx context.Context, annotator string, minScore float64) (map[int64]int, error) {
	out := map[int64]int{}
	err := p.read(ctx, func(tx *sql.Tx) error {
		aid, err := p.knownAnnotator(ctx, tx, annotator)
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT document_id, count(*) FROM (SELECT DISTINCT s.document_id, s.start, s."end", s.label_id
			FROM suggestions s WHERE `+openSuggestions+`) GROUP BY document_id`, func(r *sql.Rows) error {
			var id int64
			var n int
			err := r.Scan(&id, &n)
			out[id] = n
			return err
		}, aid, minScore)
	})
	if err != nil {
		return nil, fmt.Errorf("suggestion counts: %w", err)
	}
	return out, nil
}

// SourceCount is how many suggestions one source made, and on how many documents.
type SourceCount struct {
	Source      string `json:"source"`
	Suggestions int    `json:"suggestions"`
	Documents   int    `json:"documents"`
}

// SuggestionSources counts the suggestions of each source, or of source alone when it is not "".
func (p *Project) SuggestionSources(ctx context.Context, source string) ([]SourceCount, error) {
	var out []SourceCount
	err := eachRow(ctx, p.ro, `SELECT source, count(*), count(DISTINCT document_id) FROM suggestions
		WHERE ?1 = '' OR source = ?1 GROUP BY source ORDER BY source`, func(r *sql.Rows) error {
		var c SourceCount
		err := r.Scan(&c.Source, &c.Suggestions, &c.Documents)
		out = append(out, c)
		return err
	}, source)
	if err != nil {
		return nil, fmt.Errorf("suggestion sources: %w", err)
	}
	return out, nil
}

// ClearSuggestions deletes the suggestions of a source (all sources when "") and returns how many.
// Rejections stay: a suggestion made again is not offered again to who rejected it.
func (p *Project) ClearSuggestions(ctx context.Context, source string) (int, error) {
	var n int64
	err := p.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM suggestions WHERE ?1 = '' OR source = ?1`, source)
		if err != nil {
			return fmt.Errorf("clear suggestions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// CheckSource returns a sentence saying what is wrong with a source name for predictions, or "".
func CheckSource(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "Give the predictions a source name (--source), such as the model's name."
	case name == SourceRules || name == SourcePropagation:
		return fmt.Sprintf("The source name %q is Tagdesk's own; give the model another name.", name)
	}
	if reason := checkName(name); reason != "" {
		return "The source name " + reason + "."
	}
	return ""
}
