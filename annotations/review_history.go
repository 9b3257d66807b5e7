package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// Decision is a reviewer's decision about the gold layer of one document: the gold spans it removes
// and adds and the groups it rejects or un-rejects. It is made in one transaction, which also records
// the reviewer and moves the document's review to in review (a reviewed document stays reviewed).
type Decision struct {
	DocumentID int64
	Reviewer   string
	Name       string      // names the edit for undo, e.g. "accept alice's version"
	Remove     []Span      // gold spans to remove, as the reviewer saw them
	Add        []Span      // spans to add to the gold layer: their label, start, end and note
	Reject     []Rejection // groups to record as rejected
	Unreject   []Rejection // rejections to remove
}

// Decide makes the decision d and records it, so that it can be undone as one edit. A span in both
// Remove and Add (same start, end and label) is left as it is. The change names the first span added.
func (h *History) Decide(ctx context.Context, d Decision) (Change, error) {
	if msg := CheckAnnotatorName(d.Reviewer); msg != "" {
		return Change{}, userError(nil, "%s", msg)
	}
	if d.Reviewer == Gold {
		return Change{}, userError(nil, "The reviewer cannot be called %q: that is the gold layer's name.", Gold)
	}
	e := &decisionEdit{name: d.Name, documentID: d.DocumentID, reviewer: d.Reviewer, initial: true,
		reject: d.Reject, unreject: d.Unreject}
	for _, r := range d.Remove {
		if i := slices.IndexFunc(d.Add, func(a Span) bool { return sameExtent(a, r) }); i >= 0 {
			d.Add = slices.Delete(slices.Clone(d.Add), i, i+1)
			continue
		}
		e.removed = append(e.removed, h.ref(r.ID))
		e.removedSpans = append(e.removedSpans, r)
	}
	for _, a := range d.Add {
		a.DocumentID, a.Annotator, a.ID = d.DocumentID, Gold, 0
		e.added = append(e.added, &spanRef{})
		e.addedSpans = append(e.addedSpans, a)
	}
	c, err := e.apply(ctx, h, true)
	var ce *conflictError
	if errors.As(err, &ce) {
		return Change{}, userError(fmt.Errorf("%s: %w: %s", e.name, ErrChangedElsewhere, ce.reason),
			"The gold layer changed meanwhile (%s): reopen the document and decide again.", ce.reason)
	}
	if err != nil {
		return Change{}, err
	}
	e.initial = false
	h.record(e)
	return c, nil
}

// AutoAccept accepts into the gold layer what rule accepts in every group of rd not yet decided, as
// one edit, and returns how many spans it added.
func (h *History) AutoAccept(ctx context.Context, rd ReviewDocument, rule AcceptRule, reviewer string) (int, error) {
	var add []Span
	for _, g := range rd.Groups() {
		if !g.Resolved() {
			add = append(add, g.Accepted(rd.Annotators, rule)...)
		}
	}
	if len(add) == 0 {
		return 0, nil
	}
	name := fmt.Sprintf("accept %s", Plural(len(add), "agreed span"))
	_, err := h.Decide(ctx, Decision{DocumentID: rd.DocumentID, Reviewer: reviewer, Name: name, Add: add})
	return len(add), err
}

// SetReview sets the review status of a document and its reviewer, and records it.
func (h *History) SetReview(ctx context.Context, documentID int64, status ReviewStatus, reviewer string) error {
	if msg := CheckAnnotatorName(reviewer); msg != "" {
		return userError(nil, "%s", msg)
	}
	e := &reviewEdit{after: Review{DocumentID: documentID, Status: status, Reviewer: reviewer}}
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		if _, err := documentLength(ctx, tx, documentID); err != nil {
			return err
		}
		var err error
		if e.before, err = reviewOf(ctx, tx, documentID); err != nil {
			return err
		}
		return h.p.setReview(ctx, tx, e.after)
	})
	if err != nil || e.before.Status == e.after.Status && e.before.Reviewer == e.after.Reviewer {
		return err
	}
	h.record(e)
	return nil
}

// sameExtent reports whether a and b cover the same text with the same label.
func sameExtent(a, b Span) bool { return a.Start == b.Start && a.End == b.End && a.Label == b.Label }

// decisionEdit is a Decision as the history keeps it.
type decisionEdit struct {
	name       string
	documentID int64
	reviewer   string
	initial    bool // not applied yet: the review status before is read when it is

	removed, added           []*spanRef
	removedSpans, addedSpans []Span
	reject, unreject         []Rejection
	before, after            Review
	// relations are those the latest application's deletions took with them, made again when it is
	// reversed
	relations []keptRelation
}

func (e *decisionEdit) String() string { return e.name }

func (e *decisionEdit) apply(ctx context.Context, h *History, forward bool) (Change, error) {
	delRefs, delSpans, addRefs, addSpans := e.removed, e.removedSpans, e.added, e.addedSpans
	insert, remove, review := e.reject, e.unreject, e.after
	if !forward {
		delRefs, delSpans, addRefs, addSpans = addRefs, addSpans, delRefs, delSpans
		insert, remove, review = remove, insert, e.before
	}
	for _, r := range delRefs {
		if !h.exists(r) {
			return Change{}, conflict("a gold span was deleted elsewhere")
		}
	}
	for _, r := range addRefs {
		if h.exists(r) {
			return Change{}, conflict("the gold span exists already")
		}
	}
	ids := make([]int64, len(addSpans))
	var kept []keptRelation
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		if _, err := documentLength(ctx, tx, e.documentID); errors.Is(err, ErrNotFound) {
			return conflict("the document no longer exists")
		}
		if e.initial {
			var err error
			if e.before, err = reviewOf(ctx, tx, e.documentID); err != nil {
				return err
			}
			e.after = Review{DocumentID: e.documentID, Status: ReviewInProgress, Reviewer: e.reviewer}
			if e.before.Status == ReviewDone {
				e.after.Status = ReviewDone
			}
			review = e.after
		}
		delIDs := make([]int64, len(delRefs))
		for i, r := range delRefs {
			delIDs[i] = r.id
		}
		var err error
		if kept, err = h.relationsOf(ctx, tx, delIDs...); err != nil {
			return err
		}
		for i, r := range delRefs {
			_, err := deleteSpan(ctx, tx, r.id, func(s Span) error {
				if !sameSpan(s, delSpans[i]) {
					return conflict("a gold span was changed elsewhere")
				}
				return nil
			})
			if err != nil {
				return notFoundConflict(err, "a gold span was deleted elsewhere")
			}
		}
		for i, s := range addSpans {
			ns, _, err := h.p.restoreSpan(ctx, tx, s, "gold span")
			if err != nil {
				return err
			}
			ids[i] = ns.ID
		}
		fresh := make(map[*spanRef]int64, len(addRefs))
		for i, r := range addRefs {
			fresh[r] = ids[i]
		}
		if err := h.restoreRelations(ctx, tx, e.relations, fresh); err != nil {
			return err
		}
		for _, j := range remove {
			if _, err := tx.ExecContext(ctx, `DELETE FROM rejections WHERE document_id = ? AND start = ? AND "end" = ?`,
				e.documentID, j.Start, j.End); err != nil {
				return fmt.Errorf("remove rejection: %w", err)
			}
		}
		for _, j := range insert {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rejections (document_id, start, "end", reviewer, created_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET reviewer = excluded.reviewer`,
				e.documentID, j.Start, j.End, e.reviewer, formatTime(h.p.now())); err != nil {
				return fmt.Errorf("reject: %w", err)
			}
		}
		return h.p.setReview(ctx, tx, review)
	})
	if err != nil {
		return Change{}, err
	}
	for _, r := range delRefs {
		h.unbind(r)
	}
	for i, r := range addRefs {
		h.bind(r, ids[i])
	}
	e.relations = kept
	c := Change{DocumentID: e.documentID}
	if len(ids) > 0 {
		c.SpanID = ids[0]
	}
	return c, nil
}

// reviewEdit changes a document's review status.
type reviewEdit struct {
	before, after Review
}

func (e *reviewEdit) String() string { return "mark document " + e.after.Status.String() }

func (e *reviewEdit) apply(ctx context.Context, h *History, forward bool) (Change, error) {
	from, to := e.before, e.after
	if !forward {
		from, to = to, from
	}
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		if _, err := documentLength(ctx, tx, to.DocumentID); errors.Is(err, ErrNotFound) {
			return conflict("the document no longer exists")
		}
		now, err := reviewOf(ctx, tx, to.DocumentID)
		if err != nil {
			return err
		}
		if now.Status != from.Status {
			return conflict("the document's review was changed elsewhere")
		}
		return h.p.setReview(ctx, tx, to)
	})
	if err != nil {
		return Change{}, err
	}
	return Change{DocumentID: to.DocumentID}, nil
}
