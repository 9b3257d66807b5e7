package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrChangedElsewhere is the cause when an edit cannot be undone or redone because the project changed
// underneath it, for instance because another program deleted the span. The edit is dropped from the
// history.
var ErrChangedElsewhere = errors.New("changed elsewhere")

// History records one session's edits on a project so that they can be undone and redone, without
// limit. Each edit is one committed transaction, as with the Project's own methods, and is recorded
// only once it has succeeded and only if it changed something; a new edit clears what could be redone.
//
// History refers to spans by references that survive their IDs: undoing a deletion adds the span back
// under a new ID, and the older and newer edits of that span then act on the new ID. Undoing the
// addition of a span that had moved its document from new to in progress moves it back to new.
//
// Before it undoes or redoes an edit, History checks in the same transaction that what the edit touched
// is as the session left it. If it is not (another program changed or deleted the span, or an identical
// span exists), the edit is dropped and the error's cause is ErrChangedElsewhere.
//
// A History is not safe for concurrent use: call it from the GUI goroutine only.
type History struct {
	p    *Project
	undo []edit
	redo []edit
	live map[int64]*spanRef // references of the spans that exist, by their current ID
}

// Change says what an undo or redo did, so that the GUI can show it.
type Change struct {
	DocumentID  int64  // the document it touched
	SpanID      int64  // the span to select afterwards, or 0 for none
	Description string // for instance "undid: add actor span"
}

// NewHistory returns an empty history of the edits made through it on p.
func NewHistory(p *Project) *History {
	return &History{p: p, live: map[int64]*spanRef{}}
}

// AddSpan adds a span as Project.AddSpan does. It is recorded only when the span was added.
func (h *History) AddSpan(ctx context.Context, ns NewSpan) (Span, bool, error) {
	var (
		s              Span
		added, started bool
	)
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		var err error
		s, added, started, err = h.p.insertSpan(ctx, tx, ns, false)
		return err
	})
	if err != nil || !added {
		return s, added, err
	}
	ref := &spanRef{}
	h.bind(ref, s.ID)
	h.record(&spanEdit{name: fmt.Sprintf("add %s span", s.Label), ref: ref, after: &s, started: started})
	return s, true, nil
}

// DeleteSpan deletes the span seen, as Project.DeleteSpan does, unless it is no longer as seen (see
// unchangedSince): then nothing changes and the error's cause is ErrChangedElsewhere.
func (h *History) DeleteSpan(ctx context.Context, seen Span) (Span, error) {
	var (
		s    Span
		kept []keptRelation
	)
	ref := h.ref(seen.ID)
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		var err error
		if kept, err = h.relationsOf(ctx, tx, seen.ID); err != nil {
			return err
		}
		s, err = deleteSpan(ctx, tx, seen.ID, func(s Span) error { return unchangedSince(s, seen) })
		return err
	})
	if errors.Is(err, ErrNotFound) {
		err = staleSpan(seen, err)
	}
	if err != nil {
		return s, err
	}
	h.unbind(ref)
	h.record(&spanEdit{name: fmt.Sprintf("delete %s span", s.Label), ref: ref, before: &s, relations: kept})
	return s, nil
}

// RelabelSpan gives the span seen another label, as Project.RelabelSpan does, unless it is no longer
// as seen.
func (h *History) RelabelSpan(ctx context.Context, seen Span, label string) (Span, error) {
	return h.editSpan(ctx, seen, relabel(label), func(old, s Span) string {
		return fmt.Sprintf("relabel %s span as %s", old.Label, s.Label)
	})
}

// ResizeSpan moves the edges of the span seen, as Project.ResizeSpan does, unless it is no longer as
// seen.
func (h *History) ResizeSpan(ctx context.Context, seen Span, start, end int) (Span, error) {
	return h.editSpan(ctx, seen, resize(start, end), func(old, _ Span) string {
		return fmt.Sprintf("resize %s span", old.Label)
	})
}

// SetNote sets the note of the span seen, as Project.SetNote does, unless it is no longer as seen.
func (h *History) SetNote(ctx context.Context, seen Span, note string) (Span, error) {
	return h.editSpan(ctx, seen, setNote(note), func(old, s Span) string {
		switch {
		case old.Note == "":
			return fmt.Sprintf("add note to %s span", old.Label)
		case s.Note == "":
			return fmt.Sprintf("remove note from %s span", old.Label)
		}
		return fmt.Sprintf("edit note of %s span", old.Label)
	})
}

// SetStatus sets how far the annotator has got with the document, as Project.SetStatus does.
func (h *History) SetStatus(ctx context.Context, documentID int64, annotator string, s Status) error {
	old, s, err := h.p.setStatus(ctx, documentID, annotator, s, nil)
	if err != nil || old == s {
		return err
	}
	h.record(&statusEdit{documentID: documentID, annotator: annotator, before: old, after: s})
	return nil
}

// Undo undoes the latest edit not yet undone.
func (h *History) Undo(ctx context.Context) (Change, error) {
	return h.step(ctx, &h.undo, &h.redo, false)
}

// Redo does again the latest edit undone, unless an edit was made since.
func (h *History) Redo(ctx context.Context) (Change, error) {
	return h.step(ctx, &h.redo, &h.undo, true)
}

// CanUndo reports whether there is an edit to undo.
func (h *History) CanUndo() bool { return len(h.undo) > 0 }

// CanRedo reports whether there is an edit to redo.
func (h *History) CanRedo() bool { return len(h.redo) > 0 }

// UndoName names the edit Undo would undo, for instance "add actor span", or returns "" when there is
// none.
func (h *History) UndoName() string { return topName(h.undo) }

// RedoName names the edit Redo would redo, or returns "" when there is none.
func (h *History) RedoName() string { return topName(h.redo) }

// editSpan makes a change to the span seen and records it, named by name, unless it changed nothing.
// A span no longer as seen is left alone: the error's cause is then ErrChangedElsewhere.
func (h *History) editSpan(ctx context.Context, seen Span, change spanChange, name func(old, s Span) string) (Span, error) {
	found := false
	old, s, err := h.p.editSpan(ctx, seen.ID, func(ctx context.Context, tx *sql.Tx, old Span) (string, []any, error) {
		found = true
		if err := unchangedSince(old, seen); err != nil {
			return "", nil, err
		}
		return change(ctx, tx, old)
	})
	if !found && errors.Is(err, ErrNotFound) {
		err = staleSpan(seen, err)
	}
	if err != nil {
		return s, err
	}
	if sameSpan(old, s) {
		return s, nil
	}
	ref := h.ref(seen.ID)
	h.record(&spanEdit{name: name(old, s), ref: ref, before: &old, after: &s})
	return s, nil
}

// unchangedSince returns nil when the stored span is the span seen, as it was read (the same row, with
// the same content and times), and otherwise the error that refuses an edit made from the stale view.
// The times alone do not do: two edits in one tick of a coarse clock store the same time.
func unchangedSince(stored, seen Span) error {
	if stored.ID == seen.ID && sameSpan(stored, seen) && stored.CreatedAt.Equal(seen.CreatedAt) &&
		stored.UpdatedAt.Equal(seen.UpdatedAt) {
		return nil
	}
	return staleSpan(seen, nil)
}

// staleSpan is the error for an edit of the span seen that was changed (or, when err is ErrNotFound,
// deleted) elsewhere since it was read: the caller reloads and the user makes the change again.
func staleSpan(seen Span, err error) error {
	if errors.Is(err, ErrNotFound) {
		return userError(fmt.Errorf("span %d: %w (%w)", seen.ID, ErrChangedElsewhere, err),
			"This span was deleted in another window or program: the document was reloaded.")
	}
	return userError(fmt.Errorf("span %d: %w", seen.ID, ErrChangedElsewhere),
		"This span was changed in another window or program: the document was reloaded; make your change again.")
}

// step takes the edit on top of from, applies it backward (undo) or forward (redo), and moves it onto
// to. An edit that can no longer be applied is dropped; one that failed for another reason (a busy
// project, a cancelled context) stays to be tried again.
func (h *History) step(ctx context.Context, from, to *[]edit, forward bool) (Change, error) {
	op, verb, done := "undo", "undone", "undid"
	if forward {
		op, verb, done = "redo", "redone", "redid"
	}
	if len(*from) == 0 {
		return Change{}, userError(nil, "There is nothing to %s.", op)
	}
	top := len(*from) - 1
	e := (*from)[top]
	c, err := e.apply(ctx, h, forward)
	var ce *conflictError
	switch {
	case errors.As(err, &ce):
		(*from)[top], *from = nil, (*from)[:top]
		return Change{}, userError(fmt.Errorf("%s %s: %w: %s", op, e, ErrChangedElsewhere, ce.reason),
			"That edit can no longer be %s: %s.", verb, ce.reason)
	case err != nil:
		return Change{}, fmt.Errorf("%s %s: %w", op, e, err)
	}
	(*from)[top], *from = nil, (*from)[:top]
	*to = append(*to, e)
	c.Description = done + ": " + e.String()
	return c, nil
}

// record adds a new edit, which ends what could be redone.
func (h *History) record(e edit) {
	h.undo = append(h.undo, e)
	clear(h.redo)
	h.redo = h.redo[:0]
}

// ref returns the reference of the existing span with id, making one if the history has none.
func (h *History) ref(id int64) *spanRef {
	if r := h.live[id]; r != nil {
		return r
	}
	r := &spanRef{}
	h.bind(r, id)
	return r
}

// bind records that the span of r exists under id. A reference that held id before lost its span
// elsewhere: SQLite gives a deleted span's ID to the next one added.
func (h *History) bind(r *spanRef, id int64) {
	r.id = id
	h.live[id] = r
}

// unbind records that the span of r no longer exists.
func (h *History) unbind(r *spanRef) {
	if h.live[r.id] == r {
		delete(h.live, r.id)
	}
}

// exists reports whether the span of r exists under r.id, as far as this session knows.
func (h *History) exists(r *spanRef) bool { return h.live[r.id] == r }

func topName(stack []edit) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1].String()
}

// edit is one recorded edit.
type edit interface {
	// apply does the edit again (forward) or undoes it.
	apply(ctx context.Context, h *History, forward bool) (Change, error)
	// String names the edit for menus: "add actor span".
	String() string
}

// conflictError says why an edit cannot be applied to the project as it now is.
type conflictError struct{ reason string }

func (e *conflictError) Error() string { return e.reason }

func conflict(format string, args ...any) *conflictError {
	return &conflictError{reason: fmt.Sprintf(format, args...)}
}

// notFoundConflict returns err, or the conflict reason when err is ErrNotFound: what the edit
// touches no longer exists.
func notFoundConflict(err error, reason string) error {
	if errors.Is(err, ErrNotFound) {
		return &conflictError{reason: reason}
	}
	return err
}

// spanRef is one span as the history knows it, whatever its ID.
type spanRef struct {
	id int64 // the span's ID when it exists (see History.exists), or its last one
}

// spanEdit takes a span from before to after; nil before is an addition, nil after a deletion.
type spanEdit struct {
	name          string
	ref           *spanRef
	before, after *Span
	started       bool // the addition moved the document from new to in progress
	// relations are those the span's deletion took with it, made again when the span comes back
	relations []keptRelation
}

func (e *spanEdit) String() string { return e.name }

func (e *spanEdit) apply(ctx context.Context, h *History, forward bool) (Change, error) {
	from, to := e.before, e.after
	if !forward {
		from, to = to, from
	}
	switch {
	case from == nil:
		c, started, err := e.add(ctx, h, *to)
		if err == nil && forward {
			e.started = started // the addition is done again, maybe on a document no longer new
		}
		return c, err
	case to == nil:
		return e.delete(ctx, h, *from, !forward && e.started)
	}
	if !h.exists(e.ref) {
		return Change{}, conflict("the span was deleted elsewhere")
	}
	_, s, err := h.p.editSpan(ctx, e.ref.id, restore(*from, *to))
	switch {
	case errors.Is(err, ErrSpanExists):
		return Change{}, conflict("an identical span already exists")
	case errors.Is(err, ErrNotFound):
		return Change{}, conflict("the span was deleted elsewhere")
	case err != nil:
		return Change{}, err
	}
	return Change{DocumentID: s.DocumentID, SpanID: s.ID}, nil
}

// restoreSpan makes the stored span s again within tx, with its values as they were, as undo and
// redo do. It is a conflict when its document or label no longer exists or an identical span (noun
// names it in the message) is there. started reports whether it moved the document to in progress.
func (p *Project) restoreSpan(ctx context.Context, tx *sql.Tx, s Span, noun string) (got Span, started bool, err error) {
	if _, err := documentLength(ctx, tx, s.DocumentID); errors.Is(err, ErrNotFound) {
		return Span{}, false, conflict("the document no longer exists")
	}
	if _, err := labelID(ctx, tx, s.Label); errors.Is(err, ErrNotFound) {
		return Span{}, false, conflict("the label %q no longer exists", s.Label)
	}
	got, added, started, err := p.insertSpan(ctx, tx, storedSpan(s), true)
	if err == nil && !added {
		err = conflict("an identical %s already exists", noun)
	}
	return got, started, err
}

// add adds the span back under a new ID. started reports whether it moved the document from new to in
// progress.
func (e *spanEdit) add(ctx context.Context, h *History, s Span) (c Change, started bool, err error) {
	if h.exists(e.ref) {
		return Change{}, false, conflict("the span exists already")
	}
	err = h.p.write(ctx, func(tx *sql.Tx) error {
		var err error
		if s, started, err = h.p.restoreSpan(ctx, tx, s, "span"); err != nil {
			return err
		}
		return h.restoreRelations(ctx, tx, e.relations, map[*spanRef]int64{e.ref: s.ID})
	})
	if err != nil {
		return Change{}, false, err
	}
	h.bind(e.ref, s.ID)
	return Change{DocumentID: s.DocumentID, SpanID: s.ID}, started, nil
}

// delete deletes the span if it is still as want, and when restart is set moves the document back to
// new for its annotator if the addition being undone had moved it to in progress.
func (e *spanEdit) delete(ctx context.Context, h *History, want Span, restart bool) (Change, error) {
	if !h.exists(e.ref) {
		return Change{}, conflict("the span was deleted elsewhere")
	}
	var kept []keptRelation
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		var err error
		if kept, err = h.relationsOf(ctx, tx, e.ref.id); err != nil {
			return err
		}
		s, err := deleteSpan(ctx, tx, e.ref.id, func(s Span) error {
			if !sameSpan(s, want) {
				return conflict("the span was changed elsewhere")
			}
			return nil
		})
		if err != nil || !restart {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM statuses WHERE document_id = ? AND status = 'in_progress'
			AND annotator_id = (SELECT id FROM annotators WHERE name = ?)`, s.DocumentID, s.Annotator)
		return err
	})
	if err != nil {
		return Change{}, notFoundConflict(err, "the span was deleted elsewhere")
	}
	h.unbind(e.ref)
	e.relations = kept
	return Change{DocumentID: want.DocumentID}, nil
}

// restore is the spanChange that takes a span from one state to another, refusing if the span is not
// as from.
func restore(from, to Span) spanChange {
	return func(ctx context.Context, tx *sql.Tx, old Span) (string, []any, error) {
		if !sameSpan(old, from) {
			return "", nil, conflict("the span was changed elsewhere")
		}
		labelID, err := labelID(ctx, tx, to.Label)
		if errors.Is(err, ErrNotFound) {
			return "", nil, conflict("the label %q no longer exists", to.Label)
		}
		if err != nil {
			return "", nil, err
		}
		return `label_id = ?, start = ?, "end" = ?, note = ?, attrs = ?`, []any{labelID, to.Start, to.End, to.Note, formatAttrs(to.Attrs)}, nil
	}
}

// sameSpan reports whether a and b are the same span with the same content, whatever their ID and times.
func sameSpan(a, b Span) bool {
	return a.DocumentID == b.DocumentID && a.Annotator == b.Annotator && a.Label == b.Label &&
		a.Start == b.Start && a.End == b.End && a.Note == b.Note && EqualAttrs(a.Attrs, b.Attrs)
}

// statusEdit changes an annotator's status of a document.
type statusEdit struct {
	documentID    int64
	annotator     string
	before, after Status
}

func (e *statusEdit) String() string { return "mark document " + e.after.String() }

func (e *statusEdit) apply(ctx context.Context, h *History, forward bool) (Change, error) {
	from, to := e.before, e.after
	if !forward {
		from, to = to, from
	}
	_, _, err := h.p.setStatus(ctx, e.documentID, e.annotator, to, func(old Status) error {
		if old != from {
			return conflict("the document's status was changed elsewhere")
		}
		return nil
	})
	if err != nil {
		return Change{}, notFoundConflict(err, "the document no longer exists")
	}
	return Change{DocumentID: e.documentID}, nil
}
