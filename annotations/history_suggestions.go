package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AcceptSuggestion makes sg annotator's span, with label if not "" (else the suggestion's), in one
// transaction, recorded as one edit ("accept actor suggestion"). Accepted under another label, the
// suggestion is also recorded as rejected by annotator, so that it is not offered again. Undo deletes
// the span (and the suggestion shows again); redo adds it again. When annotator already has that span,
// it is returned and nothing is recorded.
func (h *History) AcceptSuggestion(ctx context.Context, sg Suggestion, annotator, label string) (Span, error) {
	if label == "" {
		label = sg.Label
	}
	e := &assistEdit{name: fmt.Sprintf("accept %s suggestion", label)}
	e.addSpan(Span{DocumentID: sg.DocumentID, Annotator: annotator, Label: label, Start: sg.Start, End: sg.End})
	if label != sg.Label {
		e.rejections = append(e.rejections, rejectionOf(sg, annotator))
	}
	got, err := h.begin(ctx, e, annotator)
	if err != nil {
		return Span{}, err
	}
	return got[0], nil
}

// AcceptSuggestions makes every suggestion of sgs annotator's span in one transaction, recorded as one
// edit ("accept 12 suggestions"). Spans annotator already has are skipped: added counts the others.
func (h *History) AcceptSuggestions(ctx context.Context, sgs []Suggestion, annotator string) (added int, err error) {
	if len(sgs) == 0 {
		return 0, nil
	}
	e := &assistEdit{name: "accept " + Plural(len(sgs), "suggestion")}
	for _, sg := range sgs {
		e.addSpan(Span{DocumentID: sg.DocumentID, Annotator: annotator, Label: sg.Label, Start: sg.Start, End: sg.End})
	}
	if _, err := h.begin(ctx, e, annotator); err != nil {
		return 0, err
	}
	if len(e.spans) != len(sgs) {
		e.name = "accept " + Plural(len(e.spans), "suggestion")
	}
	return len(e.spans), nil
}

// RejectSuggestion records that annotator turned sg down: it is not offered to them again, whatever
// source suggests it. It is one edit ("reject figure suggestion").
func (h *History) RejectSuggestion(ctx context.Context, sg Suggestion, annotator string) error {
	e := &assistEdit{name: fmt.Sprintf("reject %s suggestion", sg.Label), rejections: []rejection{rejectionOf(sg, annotator)}}
	_, err := h.begin(ctx, e, annotator)
	return err
}

// PropagateReport says what Propagate did.
type PropagateReport struct {
	Added   int // spans or suggestions added
	Present int // already there: the annotator's span, or the same propagation suggestion
}

// Propagate labels the occurrences occ (a result of Occurrences) with label: as annotator's spans, in
// one transaction and one edit ("label 7 occurrences of “Wagner” as actor"), or, when asSuggestions,
// as suggestions of source SourcePropagation ("suggest ..."). Undo removes them all.
func (h *History) Propagate(ctx context.Context, occ Occurrences, annotator, label string, asSuggestions bool) (PropagateReport, error) {
	var rep PropagateReport
	if len(occ.Items) == 0 {
		return rep, nil
	}
	verb := "label"
	if asSuggestions {
		verb = "suggest"
	}
	e := &assistEdit{name: fmt.Sprintf("%s %s of “%s” as %s", verb, Plural(len(occ.Items), "occurrence"), occ.Needle, label)}
	for _, o := range occ.Items {
		if asSuggestions {
			e.suggestions = append(e.suggestions, Suggestion{DocumentID: o.DocumentID, Label: label, Start: o.Start, End: o.End,
				Source: SourcePropagation})
		} else {
			e.addSpan(Span{DocumentID: o.DocumentID, Annotator: annotator, Label: label, Start: o.Start, End: o.End})
		}
	}
	if _, err := h.begin(ctx, e, annotator); err != nil {
		return rep, err
	}
	rep.Added = len(e.spans) + len(e.suggestions)
	rep.Present = len(occ.Items) - rep.Added
	e.name = fmt.Sprintf("%s %s of “%s” as %s", verb, Plural(rep.Added, "occurrence"), occ.Needle, label)
	return rep, nil
}

// begin applies a new assisted edit for the first time and records it unless it changed nothing. It
// returns the spans the edit was to add, as they are now (added, or found already there).
func (h *History) begin(ctx context.Context, e *assistEdit, annotator string) ([]Span, error) {
	if msg := CheckAnnotatorName(annotator); msg != "" {
		return nil, userError(nil, "%s", msg)
	}
	e.initial = true
	if _, err := e.apply(ctx, h, true); err != nil {
		return nil, err
	}
	got := e.found
	e.initial, e.found = false, nil
	if len(e.spans)+len(e.rejections)+len(e.suggestions) > 0 {
		h.record(e)
	}
	return got, nil
}

// rejection is one suggestion turned down by one annotator.
type rejection struct {
	documentID int64
	annotator  string
	label      string
	start, end int
}

func rejectionOf(sg Suggestion, annotator string) rejection {
	return rejection{sg.DocumentID, annotator, sg.Label, sg.Start, sg.End}
}

// assistEdit adds spans, rejections of suggestions and suggestions, in one transaction; undone, it
// removes them. Applied the first time (initial), it skips what is already there and keeps only what
// it added; afterwards, finding any of it already there (redo) or gone (undo) is a conflict.
type assistEdit struct {
	name        string
	initial     bool
	spans       []Span // to add: document, annotator, label, start and end; then as added
	refs        []*spanRef
	started     []bool // adding spans[i] moved its document from new to in progress
	rejections  []rejection
	suggestions []Suggestion
	found       []Span // initial application: every span asked for, as it is now
}

func (e *assistEdit) String() string { return e.name }

func (e *assistEdit) addSpan(s Span) {
	e.spans = append(e.spans, s)
	e.refs = append(e.refs, &spanRef{})
	e.started = append(e.started, false)
}

func (e *assistEdit) apply(ctx context.Context, h *History, forward bool) (Change, error) {
	for _, r := range e.refs {
		switch {
		case e.initial:
		case forward && h.exists(r):
			return Change{}, conflict("the span exists already")
		case !forward && !h.exists(r):
			return Change{}, conflict("the span was deleted elsewhere")
		}
	}
	keepSpan := make([]bool, len(e.spans))
	keepRej := make([]bool, len(e.rejections))
	keepSug := make([]bool, len(e.suggestions))
	ids := make([]int64, len(e.spans))
	var found []Span
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		var err error
		if forward {
			found, err = e.add(ctx, h, tx, keepSpan, ids)
		} else {
			err = e.remove(ctx, tx)
		}
		if err != nil {
			return err
		}
		if err := e.changeRejections(ctx, h, tx, forward, keepRej); err != nil {
			return err
		}
		return e.changeSuggestions(ctx, h, tx, forward, keepSug)
	})
	if err != nil {
		return Change{}, err
	}
	var c Change
	for i, r := range e.refs {
		if forward && keepSpan[i] {
			h.bind(r, ids[i])
		} else if !forward {
			h.unbind(r)
		}
	}
	if e.initial {
		e.found = found
		e.spans, e.refs, e.started = keep(e.spans, keepSpan), keep(e.refs, keepSpan), keep(e.started, keepSpan)
		e.rejections, e.suggestions = keep(e.rejections, keepRej), keep(e.suggestions, keepSug)
	}
	switch {
	case len(e.spans) > 0:
		c.DocumentID = e.spans[0].DocumentID
		if forward {
			c.SpanID = e.refs[0].id
		}
	case len(e.rejections) > 0:
		c.DocumentID = e.rejections[0].documentID
	case len(e.suggestions) > 0:
		c.DocumentID = e.suggestions[0].DocumentID
	}
	return c, nil
}

// add adds the edit's spans within tx, marking in kept those added and their ids in ids, and returns
// every span as it is now.
func (e *assistEdit) add(ctx context.Context, h *History, tx *sql.Tx, kept []bool, ids []int64) ([]Span, error) {
	found := make([]Span, len(e.spans))
	for i, s := range e.spans {
		var got Span
		var added, started bool
		var err error
		if e.initial {
			got, added, started, err = h.p.insertSpan(ctx, tx, NewSpan{DocumentID: s.DocumentID, Annotator: s.Annotator,
				Label: s.Label, Start: s.Start, End: s.End, Note: s.Note}, false)
		} else {
			got, started, err = h.p.restoreSpan(ctx, tx, s, "span") // as first made
			added = err == nil
		}
		if err != nil {
			return nil, err
		}
		found[i], kept[i], ids[i] = got, added, got.ID
		if added {
			e.spans[i] = got
			if e.initial {
				e.started[i] = started
			}
		}
	}
	return found, nil
}

// remove deletes the edit's spans within tx if they are as it left them, and moves documents whose
// addition had moved them to in progress back to new.
func (e *assistEdit) remove(ctx context.Context, tx *sql.Tx) error {
	for i, r := range e.refs {
		want := e.spans[i]
		_, err := deleteSpan(ctx, tx, r.id, func(s Span) error {
			if !sameSpan(s, want) {
				return conflict("the span was changed elsewhere")
			}
			return nil
		})
		if err != nil {
			return notFoundConflict(err, "the span was deleted elsewhere")
		}
		if e.started[i] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM statuses WHERE document_id = ? AND status = 'in_progress'
				AND annotator_id = (SELECT id FROM annotators WHERE name = ?)`, want.DocumentID, want.Annotator); err != nil {
				return fmt.Errorf("status of document %d: %w", want.DocumentID, err)
			}
		}
	}
	return nil
}

// changeRejections adds (forward) or removes the edit's rejections within tx.
func (e *assistEdit) changeRejections(ctx context.Context, h *History, tx *sql.Tx, forward bool, kept []bool) error {
	for i, j := range e.rejections {
		lid, err := e.target(ctx, tx, forward, j.documentID, j.label)
		if err != nil {
			return err
		}
		aid, err := h.p.annotatorID(ctx, tx, j.annotator, true)
		if err != nil {
			return err
		}
		var res sql.Result
		if forward {
			res, err = tx.ExecContext(ctx, `INSERT INTO suggestion_rejections (document_id, annotator_id, label_id, start, "end", created_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, j.documentID, aid, lid, j.start, j.end, formatTime(h.p.now()))
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM suggestion_rejections WHERE document_id = ? AND annotator_id = ?
				AND label_id = ? AND start = ? AND "end" = ?`, j.documentID, aid, lid, j.start, j.end)
		}
		if err != nil {
			return fmt.Errorf("rejection: %w", err)
		}
		if kept[i], err = e.changed(res, forward, "the suggestion was rejected elsewhere", "the rejection was undone elsewhere"); err != nil {
			return err
		}
	}
	return nil
}

// changeSuggestions adds (forward) or removes the edit's suggestions within tx.
func (e *assistEdit) changeSuggestions(ctx context.Context, h *History, tx *sql.Tx, forward bool, kept []bool) error {
	now := formatTime(h.p.now())
	for i, sg := range e.suggestions {
		lid, err := e.target(ctx, tx, forward, sg.DocumentID, sg.Label)
		if err != nil {
			return err
		}
		var res sql.Result
		if forward {
			res, err = tx.ExecContext(ctx, insertSuggestion, sg.DocumentID, lid, sg.Start, sg.End, sg.Source, sg.Score, now)
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM suggestions WHERE document_id = ? AND label_id = ? AND start = ?
				AND "end" = ? AND source = ?`, sg.DocumentID, lid, sg.Start, sg.End, sg.Source)
		}
		if err != nil {
			return fmt.Errorf("suggestion: %w", err)
		}
		if kept[i], err = e.changed(res, forward, "the same suggestion was made elsewhere", "the suggestion was deleted elsewhere"); err != nil {
			return err
		}
	}
	return nil
}

// target returns the id of the label of a rejection or suggestion the edit adds or removes in the
// document with documentID, within tx. A label or (when adding) a document gone since is a conflict;
// on the initial application a missing label is the user's error.
func (e *assistEdit) target(ctx context.Context, tx *sql.Tx, forward bool, documentID int64, label string) (int64, error) {
	lid, err := labelID(ctx, tx, label)
	if errors.Is(err, ErrNotFound) && !e.initial {
		return 0, conflict("the label %q no longer exists", label)
	}
	if err != nil {
		return 0, err
	}
	if forward {
		if _, err := documentLength(ctx, tx, documentID); err != nil {
			return 0, notFoundConflict(err, "the document no longer exists")
		}
	}
	return lid, nil
}

// changed reports whether res, the insertion (forward) or deletion of one row of the edit, changed
// it. Finding the row already there is a conflict (madeElsewhere) except on the initial application,
// which skips it; finding it gone is one (goneElsewhere).
func (e *assistEdit) changed(res sql.Result, forward bool, madeElsewhere, goneElsewhere string) (bool, error) {
	n, _ := res.RowsAffected()
	switch {
	case n == 1:
		return true, nil
	case forward && !e.initial:
		return false, &conflictError{reason: madeElsewhere}
	case !forward:
		return false, &conflictError{reason: goneElsewhere}
	}
	return false, nil
}

// keep returns the elements of s whose flag is set.
func keep[T any](s []T, flags []bool) []T {
	out := s[:0:0]
	for i, v := range s {
		if flags[i] {
			out = append(out, v)
		}
	}
	return out
}
