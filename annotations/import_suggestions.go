package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// SuggestionImportOptions say how to import a model's predictions.
type SuggestionImportOptions struct {
	Source       string  // the name the suggestions go under, such as the model's; required
	MinScore     float64 // spans scoring below are skipped; spans without a score are kept
	AddDocuments bool    // add the documents the project lacks, instead of counting them
}

// SuggestionImportReport says what ImportSuggestions did.
type SuggestionImportReport struct {
	Records            int      `json:"records"`
	Documents          int      `json:"documents_matched"`
	DocumentsAdded     int      `json:"documents_added"`
	Unknown            int      `json:"documents_unknown"` // records of documents the project lacks, skipped
	UnknownNames       []string `json:"unknown_names"`     // the first few of them
	Suggestions        int      `json:"suggestions_added"`
	SuggestionsPresent int      `json:"suggestions_present"` // the same source had made them already
	BelowMinScore      int      `json:"below_min_score"`
	Notices            []string `json:"notices"` // what the input holds that suggestions do not keep
}

// What a suggestion does not keep of a model's predictions.
var (
	suggestedRelations = Notice{
		One:  "1 relation was not imported: suggestions are spans, without relations",
		Many: "%d relations were not imported: suggestions are spans, without relations",
	}
	suggestedAttrs = Notice{
		One:  "1 span's attribute values were not imported: a suggestion has none, and accepting it derives them from the text",
		Many: "%d spans' attribute values were not imported: a suggestion has none, and accepting it derives them from the text",
	}
)

// Summary is the sentence that tells what an import of predictions did.
func (r SuggestionImportReport) Summary() string {
	s := fmt.Sprintf("Imported %s: %s added, %s already there; %s matched, %s added",
		Plural(r.Records, "record"), Plural(r.Suggestions, "suggestion"), Plural(r.SuggestionsPresent, "suggestion"),
		Plural(r.Documents, "document"), Plural(r.DocumentsAdded, "document"))
	if r.BelowMinScore > 0 {
		s += fmt.Sprintf("; %s below the minimum score skipped", Plural(r.BelowMinScore, "span"))
	}
	if r.Unknown > 0 {
		s += fmt.Sprintf("; %s not in the project skipped (--add-documents adds them)", Plural(r.Unknown, "document"))
	}
	return s + "."
}

// Details are the lines to show after Summary: the first documents not in the project, by name,
// and the notices.
func (r SuggestionImportReport) Details() []string {
	out := make([]string, 0, len(r.UnknownNames)+len(r.Notices))
	for _, name := range r.UnknownNames {
		out = append(out, "Not in the project: "+name)
	}
	return append(out, r.Notices...)
}

// ImportSuggestions reads a model's predictions from r and stores each span as a suggestion of source
// opts.Source with its score. A record's document is found by its text (the same normalisation as
// Import), else, when the record has no text, by its source id. Documents the project lacks are
// added with opts.AddDocuments, else counted and skipped. Spans scoring below opts.MinScore are
// skipped and counted. Annotators and statuses in the input are ignored. It is one transaction: a
// bad record (an unknown label, offsets out of the text, a text that does not match) is reported with
// its file and line, with every other problem found, and nothing is kept.
func (p *Project) ImportSuggestions(ctx context.Context, r RecordReader, opts SuggestionImportOptions) (SuggestionImportReport, error) {
	var rep SuggestionImportReport
	if msg := CheckSource(opts.Source); msg != "" {
		return rep, userError(nil, "%s", msg)
	}
	sqlCtx := context.WithoutCancel(ctx) // see Import
	tx, err := p.begin(sqlCtx)
	if err != nil {
		return rep, fmt.Errorf("import suggestions: %w", err)
	}
	defer tx.Rollback()
	labels, err := loadLabels(sqlCtx, tx)
	if err != nil {
		return rep, err
	}
	ins, err := tx.PrepareContext(sqlCtx, insertSuggestion)
	if err != nil {
		return rep, fmt.Errorf("import suggestions: %w", err)
	}
	defer ins.Close()
	now := formatTime(p.now())
	var errs ImportErrors
	var notices noticeBook
	problem := func(rec *Record, format string, args ...any) {
		errs.add(&ImportError{File: rec.File, Line: rec.Line, Reason: fmt.Sprintf(format, args...)})
	}
	err = eachRecord(ctx, r, &errs, "import suggestions", func(rec *Record) error {
		rep.Records++
		notices.record(rec)
		notices.add(suggestedRelations, len(rec.Relations), rec)
		withAttrs := 0
		for _, rs := range rec.Spans {
			if len(rs.Attrs) > 0 {
				withAttrs++
			}
		}
		notices.add(suggestedAttrs, withAttrs, rec)
		if reason := textProblem(rec.Text); reason != "" {
			problem(rec, "%s", reason)
			return nil
		}
		d, known, err := p.predictedDocument(sqlCtx, tx, rec, opts.AddDocuments)
		var reason *recordProblem
		switch {
		case errors.As(err, &reason):
			problem(rec, "%s", reason.reason)
			return nil
		case err != nil:
			return err
		case !known:
			rep.Unknown++
			if len(rep.UnknownNames) < 5 {
				rep.UnknownNames = append(rep.UnknownNames, rec.documentName())
			}
			return nil
		case d.added:
			rep.DocumentsAdded++
		default:
			rep.Documents++
		}
		for i, rs := range rec.Spans {
			what := fmt.Sprintf("span %d (%q)", i+1, rs.Label)
			if reason := placeProblem(rs, d.orig); reason != "" {
				problem(rec, "%s: %s", what, reason)
				continue
			}
			labelID, ok := labels.ids[rs.Label]
			if !ok {
				problem(rec, "%s: the label %q is not in the project's label set (add it with tagdesk labels add)", what, rs.Label)
				continue
			}
			if rs.Score != nil && *rs.Score < opts.MinScore {
				rep.BelowMinScore++
				continue
			}
			start, end := d.m.Start(rs.Start), d.m.End(rs.End)
			if start >= end {
				problem(rec, "%s covers only characters that normalisation removes (a byte-order mark)", what)
				continue
			}
			if len(errs.Problems) > 0 {
				continue // keep checking, write nothing
			}
			res, err := ins.ExecContext(sqlCtx, d.id, labelID, start, end, opts.Source, rs.Score, now)
			if err != nil {
				return fmt.Errorf("import suggestions: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				rep.Suggestions++
			} else {
				rep.SuggestionsPresent++
			}
		}
		return nil
	})
	if err != nil {
		return SuggestionImportReport{}, err
	}
	if len(errs.Problems) > 0 {
		return SuggestionImportReport{}, &errs
	}
	if err := commitUnlessDry(ctx, tx, false, "import suggestions"); err != nil {
		return SuggestionImportReport{}, err
	}
	rep.Notices = notices.sentences()
	return rep, nil
}

// recordProblem is why a record of predictions cannot be imported.
type recordProblem struct{ reason string }

func (e *recordProblem) Error() string { return e.reason }

// predicted is the project document a record of predictions is about, with what carries the record's
// offsets into it.
type predicted struct {
	id    int64
	added bool
	orig  *text.Index // the text the record's offsets count in
	m     *text.Map   // from those offsets to the stored text's
}

// predictedDocument finds the document of rec: by its normalised text, else, for a record without
// text, by its source id. known is false when the project lacks it and add is not set.
func (p *Project) predictedDocument(ctx context.Context, tx *sql.Tx, rec *Record, add bool) (d predicted, known bool, err error) {
	norm, m := text.Normalize(rec.Text)
	if rec.Text == "" && rec.ID != "" {
		var s string
		err := tx.QueryRowContext(ctx, `SELECT d.id, t.text FROM documents d JOIN texts t ON t.document_id = d.id
			WHERE d.source_id = ? ORDER BY d.id LIMIT 1`, rec.ID).Scan(&d.id, &s)
		if errors.Is(err, sql.ErrNoRows) {
			return d, false, nil
		}
		if err != nil {
			return d, false, fmt.Errorf("document %q: %w", rec.ID, err)
		}
		_, d.m = text.Normalize(s) // the stored text is normalised: an identity map
		d.orig = text.NewIndex(s)
		return d, true, nil
	}
	if rec.Text == "" {
		return d, false, &recordProblem{`the record has neither a text nor an id to find its document by`}
	}
	d.orig, d.m = text.NewIndex(rec.Text), m
	err = tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE hash = ?`, hashOf(norm)).Scan(&d.id)
	switch {
	case err == nil:
		return d, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return d, false, fmt.Errorf("find document: %w", err)
	case !add:
		return d, false, nil
	}
	meta, err := compactMeta(rec.Meta)
	if err != nil {
		return d, false, &recordProblem{"meta " + err.Error()}
	}
	doc, added, err := p.insertDocument(ctx, tx, newDocument(rec.documentName(), rec.ID, meta, norm), norm)
	d.id, d.added = doc.ID, added
	return d, true, err
}
