package app

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// Preference keys of review mode.
const (
	prefAcceptUnanimous = "reviewAcceptUnanimous" // bool, on unless turned off
	prefAcceptMajority  = "reviewAcceptMajority"  // int: K of "at least K agree", 0 for none
)

// reviewState is what review mode shows of the open document.
type reviewState struct {
	on        bool
	editing   bool // the keys edit the gold layer (after E) instead of deciding conflicts
	rd        annotations.ReviewDocument
	conflicts []annotations.Group
	current   int // index in conflicts, or -1
}

// editor is the annotator whose spans the keys edit: the gold layer in review mode.
func (w *Window) editor() string {
	if w.review.on {
		return annotations.Gold
	}
	return w.annotator
}

// buildReview makes review mode's panel, which takes the label panel's place in review mode.
func (w *Window) buildReview() {
	w.reviewPanel = NewReviewPanel(func(start, end int) string { return excerpt(w.view.Text(start, end), 48) },
		func(label string) color.Color { return w.view.colors[label] })
	w.reviewPanel.SetRule(w.acceptRule())
	w.reviewPanel.OnRuleChanged = func(rule annotations.AcceptRule) {
		w.app.Preferences().SetBool(prefAcceptUnanimous, rule.Unanimous)
		w.app.Preferences().SetInt(prefAcceptMajority, rule.Majority)
		w.acceptAgreed()
	}
	w.reviewPanel.OnSelected = func(i int) { w.goToConflict(i); w.focusView() }
	w.reviewPanel.OnAccept = func(n int) { w.acceptVersion(n); w.focusView() }
	w.reviewPanel.OnReject = func() { w.rejectConflict(); w.focusView() }
	w.reviewPanel.OnEdit = func() { w.editConflict(); w.focusView() }
	w.view.OnKeyFirst = w.reviewKey
}

// acceptRule is the accept rule from the preferences: unanimous spans by default.
func (w *Window) acceptRule() annotations.AcceptRule {
	prefs := w.app.Preferences()
	return annotations.AcceptRule{
		Unanimous: prefs.BoolWithFallback(prefAcceptUnanimous, true),
		Majority:  prefs.Int(prefAcceptMajority),
	}
}

// setReviewing turns review mode on or off: the navigator, the view and the keys switch to the gold
// layer, with every annotator's spans as rows of marks under the lines.
func (w *Window) setReviewing(on bool) {
	if on == w.review.on {
		return
	}
	w.panel.saveNote()
	w.review = reviewState{on: on, current: -1}
	if on {
		w.side.Objects = []fyne.CanvasObject{w.reviewPanel}
		w.reviewBtn.Importance = widget.HighImportance
		w.reviewBtn.SetText("Reviewing")
		w.split.SetOffset(0.64) // room for the versions
	} else {
		w.side.Objects = []fyne.CanvasObject{w.panel}
		w.reviewBtn.Importance = widget.MediumImportance
		w.reviewBtn.SetText("Review")
		w.split.SetOffset(0.74)
		w.view.SetLayers(nil)
		w.view.SetMark(nil)
	}
	w.side.Refresh()
	w.reviewBtn.Refresh()
	w.nav.SetReviewing(on)
	if on {
		w.say("Review mode: every annotator's spans are the rows of marks under each line; the keys edit the gold layer.")
	} else {
		w.say("Back to annotating as " + w.annotator + ".")
	}
	w.load()
}

// showAgreement opens the agreement view.
func (w *Window) showAgreement() {
	w.Canvas().Unfocus()
	ShowAgreement(w.Window, w.project, w.labels, false)
}

// showReview shows a document's review: gold spans in the view, the annotators' rows of marks and the
// conflicts. keep is the conflict to stay on, by extent, when it is still there.
func (w *Window) showReview(rd annotations.ReviewDocument, keep *text.Range) {
	w.review.rd = rd
	w.review.conflicts = rd.Conflicts()
	layers := make([]Layer, len(rd.Annotators))
	for i, a := range rd.Annotators {
		layers[i].Name = a
		for _, s := range rd.Spans {
			if s.Annotator == a {
				layers[i].Spans = append(layers[i].Spans, s)
			}
		}
	}
	w.view.SetLayers(layers)
	cur := -1
	if keep != nil {
		for i, g := range w.review.conflicts {
			if g.Start < keep.End && g.End > keep.Start {
				cur = i
				break
			}
		}
	}
	w.review.current = cur
	w.reviewPanel.SetDocument(rd, w.review.conflicts, cur)
	w.markConflict()
}

// rereadReview reads the open document's review again after an edit and shows it, staying on the
// current conflict.
func (w *Window) rereadReview() {
	rd, err := w.project.ReviewDocument(w.ctx, w.doc.ID)
	if err != nil {
		w.fail("The review could not be read", err)
		return
	}
	var keep *text.Range
	if g, ok := w.currentConflict(); ok {
		keep = &text.Range{Start: g.Start, End: g.End}
	}
	w.spans = rd.Gold
	// the gold layer's status follows the review
	w.state = rd.Review.Status.GoldStatus()
	if w.state == annotations.StatusNew && len(rd.Gold) > 0 {
		w.state = annotations.StatusInProgress // gold spans made by hand, before any decision
	}
	w.showReview(rd, keep)
}

// openedInReview finishes opening a document in review mode: accepts what the accept rule accepts
// when the document has not been reviewed before, and goes to the first conflict still open.
func (w *Window) openedInReview(rd annotations.ReviewDocument) {
	w.showReview(rd, nil)
	if rd.Review.Status == annotations.ReviewNone {
		w.acceptAgreed()
	}
	w.nextOpenConflict(-1)
}

// acceptAgreed accepts into the gold layer what the accept rule accepts in the open document.
func (w *Window) acceptAgreed() {
	if !w.review.on || w.doc.ID == 0 {
		return
	}
	rule := w.acceptRule()
	if !rule.Unanimous && rule.Majority < 2 {
		return
	}
	w.saving()
	n, err := w.history.AutoAccept(w.ctx, w.review.rd, rule, w.annotator)
	if err != nil {
		w.fail("The agreed spans could not be accepted", err)
		return
	}
	if n == 0 {
		w.saved.SetText("")
		return
	}
	w.done(fmt.Sprintf("Accepted %s into the gold layer.", annotations.Plural(n, "agreed span")))
	w.showSpans(0)
}

func (w *Window) currentConflict() (annotations.Group, bool) {
	i := w.review.current
	if i < 0 || i >= len(w.review.conflicts) {
		return annotations.Group{}, false
	}
	return w.review.conflicts[i], true
}

// markConflict outlines the current conflict in the view.
func (w *Window) markConflict() {
	if g, ok := w.currentConflict(); ok {
		w.view.SetMark(&text.Range{Start: g.Start, End: g.End})
	} else {
		w.view.SetMark(nil)
	}
}

func (w *Window) goToConflict(i int) {
	if i < 0 || i >= len(w.review.conflicts) {
		return
	}
	w.review.current, w.review.editing = i, false
	w.view.ClearSelection()
	w.reviewPanel.SetCurrent(i)
	w.markConflict()
}

// stepConflict moves to the next (dir > 0) or previous conflict.
func (w *Window) stepConflict(dir int) {
	n := len(w.review.conflicts)
	switch {
	case n == 0:
		w.say("This document has no conflicts.")
	case w.review.current < 0 && dir > 0:
		w.goToConflict(0)
	case w.review.current < 0:
		w.goToConflict(n - 1)
	case w.review.current+dir >= n:
		w.say("That was the last conflict: Ctrl+Enter marks the document reviewed and opens the next.")
	case w.review.current+dir < 0:
		w.say("This is the first conflict.")
	default:
		w.goToConflict(w.review.current + dir)
	}
}

// nextOpenConflict goes to the first conflict not decided after conflict from; without one it stays.
func (w *Window) nextOpenConflict(from int) {
	for i := from + 1; i < len(w.review.conflicts); i++ {
		if !w.review.conflicts[i].Resolved() {
			w.goToConflict(i)
			return
		}
	}
	for i := 0; i <= from && i < len(w.review.conflicts); i++ {
		if !w.review.conflicts[i].Resolved() {
			w.goToConflict(i)
			return
		}
	}
	if len(w.review.conflicts) > 0 {
		if from >= 0 && from+1 < len(w.review.conflicts) {
			w.goToConflict(from + 1)
		}
		w.say("Every conflict is decided: Ctrl+Enter marks the document reviewed and opens the next.")
	}
}

// acceptVersion puts the version of annotator n (from 1) of the current conflict into the gold layer,
// in place of what it held there. An annotator without a span there rejects the conflict.
func (w *Window) acceptVersion(n int) {
	g, ok := w.currentConflict()
	if !ok {
		w.say("Pick a conflict first (J or ↓).")
		return
	}
	if n < 1 || n > len(w.review.rd.Annotators) {
		w.say(fmt.Sprintf("There is no annotator %d in this document.", n))
		return
	}
	who := w.review.rd.Annotators[n-1]
	version := g.Version(who)
	if len(version) == 0 {
		w.decide(g, fmt.Sprintf("accept %s's version (no span)", who), nil, true)
		return
	}
	w.decide(g, fmt.Sprintf("accept %s's version", who), version, false)
}

func (w *Window) rejectConflict() {
	g, ok := w.currentConflict()
	if !ok {
		w.say("Pick a conflict first (J or ↓).")
		return
	}
	w.decide(g, "reject a conflict", nil, true)
}

// decide replaces the conflict's gold spans with add, or rejects it, and moves to the next conflict
// not decided.
func (w *Window) decide(g annotations.Group, name string, add []annotations.Span, reject bool) {
	d := annotations.Decision{DocumentID: w.doc.ID, Reviewer: w.annotator, Name: name, Remove: g.Gold, Add: add}
	extent := annotations.Rejection{DocumentID: w.doc.ID, Start: g.Start, End: g.End}
	switch {
	case reject && !g.Rejected:
		d.Reject = []annotations.Rejection{extent}
	case !reject && g.Rejected:
		d.Unreject = []annotations.Rejection{extent}
	}
	w.saving()
	if _, err := w.history.Decide(w.ctx, d); err != nil {
		w.fail("The decision could not be saved", err)
		w.rereadReview()
		return
	}
	w.done(upperFirst(name) + ".")
	from := w.review.current
	w.showSpans(0)
	w.nextOpenConflict(from)
}

// editConflict hands the keys to the gold layer at the current conflict: its gold span is selected,
// or the first version's text, ready for a label key.
func (w *Window) editConflict() {
	g, ok := w.currentConflict()
	if !ok {
		w.review.editing = true
		w.say("Editing the gold layer: select text and press a label key; Esc goes back to the conflicts.")
		return
	}
	w.review.editing = true
	switch {
	case len(g.Gold) > 0:
		w.view.SelectSpan(g.Gold[0].ID)
	default:
		w.view.Select(g.Spans[0].Start, g.Spans[0].End)
	}
	w.say("Editing the gold layer: label keys, Delete and the edge keys act on it; Esc goes back to the conflicts.")
}

// reviewRune handles the keys of review mode's conflict list; it reports whether it used r.
func (w *Window) reviewRune(r rune) bool {
	if !w.review.on || w.review.editing {
		return false
	}
	switch {
	case r == 'j' || r == 'J':
		w.stepConflict(1)
	case r == 'k' || r == 'K':
		w.stepConflict(-1)
	case r == 'x' || r == 'X':
		w.rejectConflict()
	case r == 'e' || r == 'E':
		w.editConflict()
	case r >= '1' && r <= '9':
		w.acceptVersion(int(r - '0'))
	default:
		return false
	}
	return true
}

// reviewKey takes Up and Down for the conflict list, and Escape out of editing, before the view.
func (w *Window) reviewKey(ev *fyne.KeyEvent) bool {
	if !w.review.on {
		return false
	}
	switch {
	case w.review.editing && ev.Name == fyne.KeyEscape:
		w.review.editing = false
		w.view.ClearSelection()
		w.say("Back to the conflicts.")
		return true
	case !w.review.editing && ev.Name == fyne.KeyDown:
		w.stepConflict(1)
		return true
	case !w.review.editing && ev.Name == fyne.KeyUp:
		w.stepConflict(-1)
		return true
	}
	return false
}

// reviewedAndNext marks the document reviewed and opens the next one not reviewed.
func (w *Window) reviewedAndNext() {
	w.saving()
	if err := w.history.SetReview(w.ctx, w.doc.ID, annotations.ReviewDone, w.annotator); err != nil {
		w.fail("The document could not be marked reviewed", err)
		return
	}
	w.showSpans(0) // rereads the review, and the gold layer's status with it
	id, ok := w.nav.Next(1, true)
	if !ok {
		w.done(fmt.Sprintf("Marked %s reviewed. Every document is reviewed.", w.doc.Name))
		return
	}
	w.done(fmt.Sprintf("Marked %s reviewed.", w.doc.Name))
	w.open(id)
}
