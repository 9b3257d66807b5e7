package app

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// This file holds the workspace's assisted annotation: the suggestions layer (accept, reject, next,
// accept all), relations between spans (r, Ctrl+click) and the rules editor.

// Preferences of the assisted annotation.
const (
	prefMinScore         = "suggestionMinScore"     // the lowest model score a suggestion needs to be shown
	prefPropagateSuggest = "propagateAsSuggestions" // propagation makes suggestions rather than spans
	prefPropagateCase    = "propagateMatchCase"     // propagation matches case
)

// propagation is what the propagation bar offers: the occurrences of the text of a span just made.
type propagation struct {
	span annotations.Span // its document and label are the propagation's
	occ  annotations.Occurrences
	gen  int // counts offers, so that a slow search for an older span is dropped
}

// assistData is what opening a document reads for the assisted annotation, off the UI goroutine.
type assistData struct {
	suggestions []annotations.Suggestion
	relations   []annotations.Relation
}

// readAssist reads a document's open suggestions and relations for editor, first running the rules on
// it when the project asks for that. It runs off the UI goroutine.
func (w *Window) readAssist(id int64, editor string, minScore float64) (assistData, error) {
	on, err := w.project.RulesOnOpen(w.ctx)
	if err != nil {
		return assistData{}, err
	}
	if on {
		if _, err := w.project.RunRules(w.ctx, []int64{id}); err != nil {
			return assistData{}, err
		}
	}
	return w.readAssistData(id, editor, minScore)
}

// readAssistData reads a document's open suggestions and relations for editor.
func (w *Window) readAssistData(id int64, editor string, minScore float64) (d assistData, err error) {
	if d.suggestions, err = w.project.Suggestions(w.ctx, id, editor, minScore); err != nil {
		return d, fmt.Errorf("suggestions: %w", err)
	}
	if d.relations, err = w.project.Relations(w.ctx, id, editor); err != nil {
		return d, fmt.Errorf("relations: %w", err)
	}
	return d, nil
}

// showAssist gives the view what readAssist read.
func (w *Window) showAssist(d assistData) {
	w.view.SetSuggestions(d.suggestions)
	w.view.SetRelations(d.relations)
}

// setRelationTypes takes the project's relation types, read with its labels.
func (w *Window) setRelationTypes(types []annotations.RelationType) {
	w.relTypes = types
	w.view.SetRelationColors(types)
}

// minScore is the lowest model score a suggestion needs to be shown.
func (w *Window) minScore() float64 { return w.app.Preferences().Float(prefMinScore) }

// reloadAssist reads the open document's suggestions and relations again, on the UI goroutine: both
// are small.
func (w *Window) reloadAssist() {
	if w.doc.ID == 0 {
		return
	}
	d, err := w.readAssistData(w.doc.ID, w.editor(), w.minScore())
	if err != nil {
		w.fail("The suggestions and relations could not be read", err)
		return
	}
	w.showAssist(d)
	w.selectionChanged() // the status line counts the suggestions
}

// assistRune handles n (next suggestion), N (previous), r (link the selected span) and a label key on
// the current suggestion (accept it with that label); it reports whether it used r.
func (w *Window) assistRune(r rune) bool {
	if w.doc.ID == 0 {
		return false
	}
	if label, ok := w.labelForKey(r); ok {
		if sg, ok := w.view.CurrentSuggestion(); ok {
			w.acceptSuggestion(sg, label)
			return true
		}
		return false // the label key labels the selection
	}
	switch r {
	case 'n', 'N':
		dir := 1
		if r == 'N' {
			dir = -1
		}
		if !w.view.NextSuggestion(dir) {
			w.say("No suggestions in this document. Rules… adds some; n moves between them.")
		}
	case 'r', 'R':
		w.pickRelation()
	default:
		return false
	}
	return true
}

// assistKey handles Enter (accept the current suggestion) and Backspace or Delete (reject it); it
// reports whether it used the key.
func (w *Window) assistKey(ev *fyne.KeyEvent) bool {
	sg, ok := w.view.CurrentSuggestion()
	if !ok {
		return false
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		w.acceptSuggestion(sg, "")
	case fyne.KeyBackspace, fyne.KeyDelete:
		w.rejectSuggestion(sg)
	default:
		return false
	}
	return true
}

// acceptSuggestion makes sg the editor's span (with label, else its own), then moves to the next
// suggestion.
func (w *Window) acceptSuggestion(sg annotations.Suggestion, label string) {
	w.saving()
	s, err := w.history.AcceptSuggestion(w.ctx, sg, w.editor(), label)
	if err != nil {
		w.fail("The suggestion could not be accepted", err)
		return
	}
	w.spans = append(w.spans, s)
	if w.state == annotations.StatusNew {
		w.state = annotations.StatusInProgress
	}
	w.done(fmt.Sprintf("Accepted the %s suggestion “%s”.", s.Label, excerpt(w.view.Text(s.Start, s.End), 40)))
	w.afterSuggestion(sg)
}

// rejectSuggestion turns sg down for the editor, for good, then moves to the next suggestion.
func (w *Window) rejectSuggestion(sg annotations.Suggestion) {
	w.saving()
	if err := w.history.RejectSuggestion(w.ctx, sg, w.editor()); err != nil {
		w.fail("The suggestion could not be rejected", err)
		return
	}
	w.done(fmt.Sprintf("Rejected the %s suggestion: it will not be offered again.", sg.Label))
	w.afterSuggestion(sg)
}

// afterSuggestion shows the spans and suggestions once sg is decided and makes the next suggestion
// after it current, so that n is not needed between two decisions.
func (w *Window) afterSuggestion(sg annotations.Suggestion) {
	w.reloadAssist()
	w.showSpans(0)
	w.view.Select(sg.Start, sg.Start) // the caret where sg was: the next suggestion is after it
	w.view.NextSuggestion(1)
}

// acceptAllSuggestions accepts every suggestion shown in the document, as one edit.
func (w *Window) acceptAllSuggestions() {
	sgs := w.view.Suggestions()
	if w.doc.ID == 0 || len(sgs) == 0 {
		w.say("No suggestions to accept in this document.")
		return
	}
	w.saving()
	n, err := w.history.AcceptSuggestions(w.ctx, sgs, w.editor())
	if err != nil {
		w.fail("The suggestions could not be accepted", err)
		return
	}
	w.done(fmt.Sprintf("Accepted %d suggestions (Ctrl+Z takes them all back).", n))
	w.reloadSpans(0) // with the suggestions
}

// pickRelation lists the document's other spans to link the selected span to, nearest first; picking
// one that is already linked removes the link.
func (w *Window) pickRelation() {
	from, ok := w.view.SelectedSpan()
	if !ok {
		w.say("Select a span first (a claim, say: click it or Tab to it), then press r to link it to its source.")
		return
	}
	if len(w.relTypes) == 0 {
		w.say("The project has no relation types.")
		return
	}
	others := slices.DeleteFunc(slices.Clone(w.view.Spans()), func(s annotations.Span) bool { return s.ID == from.ID })
	if len(others) == 0 {
		w.say("There is no other span in this document to link to.")
		return
	}
	var items []paletteItem
	for _, typ := range w.relTypes {
		for _, to := range w.relationTargets(from, others, typ.Name) {
			verb := "link"
			if w.relationBetween(from.ID, to.ID, typ.Name) != 0 {
				verb = "unlink"
			}
			title := fmt.Sprintf("%s “%s”", to.Label, excerpt(w.view.Text(to.Start, to.End), 60))
			if len(w.relTypes) > 1 {
				title = typ.Name + " → " + title
			}
			items = append(items, paletteItem{Title: title, Detail: verb, Run: func() { w.toggleRelation(from, to, typ.Name) }})
		}
	}
	w.palette = NewPalette(items)
	w.palette.SetHint(fmt.Sprintf("Link the %s “%s” to… (type to filter, Enter links, Esc cancels)", from.Label, excerpt(w.view.Text(from.Start, from.End), 30)))
	w.palette.OnClosed = w.focusView
	w.palette.Open(w.Canvas())
}

// relationTargets orders the spans others that from could be linked to with relation type t: first
// those of a label that spans of from's label are already linked to with t in this document (claims
// to actors, once one is linked), then those not inside from (a claim's source is rarely in what it
// says), then the nearest.
func (w *Window) relationTargets(from annotations.Span, others []annotations.Span, t string) []annotations.Span {
	labelOf := make(map[int64]string, len(w.view.Spans()))
	for _, s := range w.view.Spans() {
		labelOf[s.ID] = s.Label
	}
	usual := map[string]bool{}
	for _, r := range w.view.relations {
		if r.Type == t && labelOf[r.From] == from.Label {
			usual[labelOf[r.To]] = true
		}
	}
	rank := func(s annotations.Span) (int, int) {
		r := 0
		if !usual[s.Label] {
			r += 2
		}
		if s.Start >= from.Start && s.End <= from.End {
			r++
		}
		return r, max(from.Start-s.End, s.Start-from.End, 0) // the gap is 0 when they overlap
	}
	out := slices.Clone(others)
	slices.SortStableFunc(out, func(a, b annotations.Span) int {
		ra, ga := rank(a)
		rb, gb := rank(b)
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(ga, gb))
	})
	return out
}

// relationBetween returns the id of the relation of type t from one span to another, or 0.
func (w *Window) relationBetween(from, to int64, t string) int64 {
	for _, r := range w.view.relations {
		if r.From == from && r.To == to && r.Type == t {
			return r.ID
		}
	}
	return 0
}

// linkSpans is the Ctrl+click on a span while another is selected: it links them with the first
// relation type, or unlinks them when they are linked.
func (w *Window) linkSpans(from, to annotations.Span) {
	if len(w.relTypes) == 0 {
		w.say("The project has no relation types.")
		return
	}
	w.toggleRelation(from, to, w.relTypes[0].Name)
}

// toggleRelation links from to to with type t, or removes that link when it exists.
func (w *Window) toggleRelation(from, to annotations.Span, t string) {
	w.saving()
	if id := w.relationBetween(from.ID, to.ID, t); id != 0 {
		if _, err := w.history.DeleteRelation(w.ctx, id); err != nil {
			w.fail("The link could not be removed", err)
			return
		}
		w.done(fmt.Sprintf("Removed the link %s → %s.", from.Label, to.Label))
	} else {
		if _, _, err := w.history.AddRelation(w.ctx, from.ID, to.ID, t); err != nil {
			w.fail("The spans could not be linked", err)
			return
		}
		w.done(fmt.Sprintf("Linked: %s %s %s “%s”.", from.Label, t, to.Label, excerpt(w.view.Text(to.Start, to.End), 40)))
	}
	w.reloadAssist()
	w.showSpans(from.ID)
}

// relationsText describes the links of span s for the status line.
func (w *Window) relationsText(s annotations.Span) string {
	var parts []string
	for _, r := range w.view.relations {
		var other int64
		arrow := "→"
		switch s.ID {
		case r.From:
			other = r.To
		case r.To:
			other, arrow = r.From, "←"
		default:
			continue
		}
		if i := w.view.spanIndex(other); i >= 0 {
			o := w.view.Spans()[i]
			parts = append(parts, fmt.Sprintf("%s %s %s “%s”", arrow, r.Type, o.Label, excerpt(w.view.Text(o.Start, o.End), 24)))
		}
	}
	return strings.Join(parts, "  ")
}

// suggestionText describes the current suggestion for the status line.
func (w *Window) suggestionText(sg annotations.Suggestion) string {
	score := ""
	if sg.Score != nil {
		score = fmt.Sprintf(", score %.2f", *sg.Score)
	}
	return fmt.Sprintf("suggestion: %s “%s” (%s%s): Enter accepts, a label key accepts as that label, Backspace rejects, n next",
		sg.Label, excerpt(w.view.Text(sg.Start, sg.End), 50), sg.Source, score)
}

// editRules opens the rules editor; a change runs the rules on the open document again.
func (w *Window) editRules() {
	w.Canvas().Unfocus()
	ShowRules(w.Window, w.project, func() string {
		if w.doc.ID == 0 {
			return ""
		}
		return w.view.Text(0, w.view.Len())
	}, func() {
		id := w.doc.ID
		if id == 0 {
			return
		}
		w.work.Go(func() { // off the UI goroutine, as on open
			_, err := w.project.RunRules(w.ctx, []int64{id})
			fyne.Do(func() {
				switch {
				case err != nil:
					w.fail("The rules could not be run", err)
				case w.doc.ID == id:
					w.reloadAssist()
				}
			})
		})
	})
}

// runRulesOnCorpus runs the rules on every document, off the UI goroutine.
func (w *Window) runRulesOnCorpus() {
	w.say("Running the rules on every document…")
	w.work.Go(func() {
		rep, err := w.project.RunRules(w.ctx, nil)
		fyne.Do(func() {
			if err != nil {
				w.fail("The rules could not be run", err)
				return
			}
			w.say(fmt.Sprintf("The %s ran on %s: %s.", annotations.Plural(rep.Rules, "rule"),
				annotations.Plural(rep.Documents, "document"), annotations.Plural(rep.Suggestions, "suggestion")))
			w.reloadAssist()
		})
	})
}

// buildPropagate makes the propagation bar, with the user's last choices.
func (w *Window) buildPropagate() {
	w.propBar = NewPropagateBar()
	w.propBar.SetAsSuggestions(w.app.Preferences().Bool(prefPropagateSuggest))
	w.propBar.SetMatchCase(w.app.Preferences().Bool(prefPropagateCase))
	w.propBar.OnLabel = w.propagate
	w.propBar.OnCaseChanged = func(on bool) {
		w.app.Preferences().SetBool(prefPropagateCase, on)
		w.offerPropagation(w.prop.span)
	}
	w.propBar.OnClosed = func() { w.centre.Refresh(); w.focusView() }
}

// offerPropagation looks, off the UI goroutine, for the other occurrences of span s's text, in its
// document and in the corpus, and offers to label them.
func (w *Window) offerPropagation(s annotations.Span) {
	if w.noOffers {
		return
	}
	w.prop.gen++
	gen := w.prop.gen
	q := annotations.OccurrenceQuery{DocumentID: s.DocumentID, Needle: w.view.Text(s.Start, s.End), SkipStart: s.Start, SkipEnd: s.End,
		Corpus: true, CaseSensitive: w.propBar.MatchCase(), Annotator: s.Annotator, Label: s.Label}
	w.work.Go(func() {
		occ, err := w.project.Occurrences(w.ctx, q)
		fyne.Do(func() {
			if gen != w.prop.gen || w.doc.ID != s.DocumentID {
				return
			}
			if err != nil {
				w.fail("The other occurrences could not be looked for", err)
				return
			}
			w.prop = propagation{span: s, occ: occ, gen: gen}
			here := 0
			for _, o := range occ.Items {
				if o.DocumentID == s.DocumentID {
					here++
				}
			}
			docs := occ.Documents
			if here > 0 {
				docs--
			}
			w.propBar.Offer(occ.Needle, s.Label, here, len(occ.Items)-here, docs)
			w.centre.Refresh()
		})
	})
}

// propagate labels the occurrences the bar offers: in the open document, or everywhere.
func (w *Window) propagate(corpus bool) {
	occ := w.prop.occ
	if !corpus {
		occ.Items = slices.DeleteFunc(slices.Clone(occ.Items), func(o annotations.Occurrence) bool { return o.DocumentID != w.prop.span.DocumentID })
	}
	asSuggestions := w.propBar.AsSuggestions()
	w.app.Preferences().SetBool(prefPropagateSuggest, asSuggestions)
	w.saving()
	rep, err := w.history.Propagate(w.ctx, occ, w.editor(), w.prop.span.Label, asSuggestions)
	if err != nil {
		w.fail("The occurrences could not be labelled", err)
		return
	}
	w.prop.gen++
	w.propBar.Close()
	what := "labelled"
	if asSuggestions {
		what = "suggested"
	}
	msg := fmt.Sprintf("%s %s as %s", upperFirst(annotations.Plural(rep.Added, "occurrence")), what, w.prop.span.Label)
	if rep.Present > 0 {
		msg += fmt.Sprintf(" (%d already were)", rep.Present)
	}
	w.done(msg + "; Ctrl+Z takes them back.")
	w.reloadSpans(w.prop.span.ID)
}

// stopPropagation withdraws the bar's offer (another document opened, say).
func (w *Window) stopPropagation() {
	w.prop.gen++
	w.propBar.Close()
}

// askMinScore asks for the lowest model score a suggestion needs to be shown.
func (w *Window) askMinScore() {
	w.Canvas().Unfocus()
	value := widget.NewLabel("")
	slider := widget.NewSlider(0, 1)
	slider.Step = 0.05
	show := func(f float64) {
		if f == 0 {
			value.SetText("every suggestion is shown")
		} else {
			value.SetText(fmt.Sprintf("suggestions a model scored below %.2f are hidden (those without a score always show)", f))
		}
	}
	slider.OnChanged = show
	slider.SetValue(w.minScore())
	show(slider.Value)
	value.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Suggestion score threshold", "Apply", "Cancel", container.NewVBox(slider, value), func(ok bool) {
		w.focusView()
		if !ok {
			return
		}
		w.app.Preferences().SetFloat(prefMinScore, slider.Value)
		w.reloadAssist()
	}, w.Window)
	d.Resize(fyne.NewSize(460, 200))
	d.Show()
}
