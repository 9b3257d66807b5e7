// Package app is Tagdesk's graphical interface. It holds no SQL: every read and write is a call on
// annotations.Project (edits go through an annotations.History, so that they can be undone).
package app

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
	"github.com/tagdesk/tagdesk/annotations/text"
	"github.com/tagdesk/tagdesk/assets"
)

// Preference keys.
const (
	prefAnnotator = "annotator"
	prefTextSize  = "textSize"
)

// Window is Tagdesk's main window, the annotation workspace: the document navigator on the left, the
// article view in the centre, the label panel on the right, a tool bar above and a status line below.
type Window struct {
	fyne.Window
	app       fyne.App
	project   *annotations.Project
	annotator string
	history   *annotations.History
	ctx       context.Context

	view    *ArticleView
	find    *FindBar
	propBar *PropagateBar
	prop    propagation
	// noOffers stops the propagation bar's background search (for tests: Fyne's test driver runs
	// fyne.Do on the calling goroutine, so a search not waited for races with the test)
	noOffers bool
	nav      *Navigator
	panel    *LabelPanel
	status   *widget.Label
	saved    *widget.Label
	who      *widget.Button
	undoBtn  *widget.Button
	redoBtn  *widget.Button
	palette  *Palette
	centre   *fyne.Container  // the find bar over the article view
	side     *fyne.Container  // the label panel, or the review panel in review mode
	split    *container.Split // the article view and the side panels

	reviewPanel *ReviewPanel
	reviewBtn   *widget.Button
	review      reviewState

	labels   []annotations.Label
	relTypes []annotations.RelationType
	doc      annotations.Document // the open document (ID 0: none)
	spans    []annotations.Span   // its spans by the annotator, as the store has them
	state    annotations.Status

	work   pending       // background loads, for tests
	loaded chan struct{} // closed when the first document (or none) is shown
	listed chan struct{} // closed when the navigator has first read every document
	trace  *StartupTrace // nil unless TraceStartup was called
}

// NewWindow returns the workspace of a on project p for annotator. An empty annotator is taken from
// the preferences, else asked for when the window shows. Its contents load in the background.
func NewWindow(a fyne.App, p *annotations.Project, annotator string) *Window {
	return newWindow(a, p, annotator, nil)
}

// newWindow is NewWindow writing the events of its start-up to trace, if any.
func newWindow(a fyne.App, p *annotations.Project, annotator string, trace *StartupTrace) *Window {
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := &Window{
		Window:  a.NewWindow("Tagdesk — " + filepath.Base(p.Path())),
		app:     a,
		project: p,
		history: annotations.NewHistory(p),
		ctx:     context.Background(),
		loaded:  make(chan struct{}),
		listed:  make(chan struct{}),
	}
	w.build()
	if trace != nil {
		w.traceStartup(trace)
	}
	w.registerShortcuts()
	w.Resize(fyne.NewSize(1280, 800))
	if annotator == "" {
		annotator = a.Preferences().String(prefAnnotator)
	}
	if annotator == "" {
		w.askAnnotator(true)
	} else {
		w.setAnnotator(annotator)
	}
	if warnings := p.Warnings(); len(warnings) > 0 { // a project on a network share
		dialog.ShowInformation("Before you annotate", strings.Join(warnings, "\n\n"), w.Window)
	}
	return w
}

// Loaded is closed once the first document (or the empty workspace) is shown.
func (w *Window) Loaded() <-chan struct{} { return w.loaded }

// Listed is closed once the navigator has read every document of the project, the last part of
// start-up.
func (w *Window) Listed() <-chan struct{} { return w.listed }

// Wait waits for the window's background work to finish (for tests).
func (w *Window) Wait() {
	// a load starts the navigator's load, which opens a document: wait for each link of the chain
	for range 3 {
		w.work.Wait()
		w.nav.Wait()
	}
}

func (w *Window) build() {
	w.view = NewArticleView()
	if size := w.app.Preferences().Float(prefTextSize); size > 0 {
		w.view.SetTextSize(float32(size))
	}
	w.view.OnSelectionChanged = w.selectionChanged
	w.view.OnTypedRune = w.typedRune
	w.view.OnTypedKey = w.typedKey
	w.view.OnSpanResized = w.resize
	w.view.OnLinkRequested = w.linkSpans
	w.find = NewFindBar(w.view)
	w.find.OnClosed = func() { w.centre.Refresh(); w.focusView() }
	w.buildPropagate()

	w.nav = NewNavigator()
	w.nav.OnSelected = w.open
	w.nav.onLoaded = w.signalListed

	w.panel = NewLabelPanel(func(s annotations.Span) string { return excerpt(w.view.Text(s.Start, s.End), 80) })
	w.panel.OnApply = func(label string) { w.apply(label); w.focusView() }
	w.panel.OnSpanSelected = func(id int64) { w.view.SelectSpan(id); w.focusView() }
	w.panel.OnNote = w.setNote
	w.panel.OnAttrsChanged = w.setAttrs

	w.buildReview()
	w.reviewBtn = widget.NewButtonWithIcon("Review", theme.VisibilityIcon(), func() { w.setReviewing(!w.review.on) })

	w.status = widget.NewLabel("")
	w.status.Truncation = fyne.TextTruncateEllipsis
	w.saved = widget.NewLabel("")

	w.who = widget.NewButtonWithIcon("", theme.AccountIcon(), func() { w.askAnnotator(false) })
	w.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), w.undo)
	w.redoBtn = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), w.redo)
	project := widget.NewLabelWithStyle(filepath.Base(w.project.Path()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bar := container.NewHBox(
		widget.NewIcon(theme.DocumentIcon()), project, w.who,
		layout.NewSpacer(),
		w.importButton(),
		widget.NewButtonWithIcon("Export…", theme.UploadIcon(), w.exportFiles),
		widget.NewButtonWithIcon("Labels…", theme.ColorPaletteIcon(), w.editLabels),
		widget.NewButtonWithIcon("Rules…", theme.SearchReplaceIcon(), w.editRules),
		w.reviewBtn,
		widget.NewButtonWithIcon("Agreement…", theme.GridIcon(), w.showAgreement),
		w.undoBtn, w.redoBtn,
		widget.NewButtonWithIcon("Shortcuts", theme.HelpIcon(), w.showHelp),
	)
	// The propagation bar comes and goes after label actions: below the article, so that the text
	// the annotator is reading does not move when it does.
	w.centre = container.NewBorder(w.find, w.propBar, nil, nil, w.view)
	w.side = container.NewStack(w.panel)
	right := container.NewHSplit(w.centre, w.side)
	right.Offset = 0.74
	w.split = right
	split := container.NewHSplit(w.nav, right)
	split.Offset = 0.2
	bottom := container.NewBorder(widget.NewSeparator(), nil, nil, w.saved, w.status)
	w.SetContent(container.NewBorder(container.NewVBox(bar, widget.NewSeparator()), bottom, nil, nil, split))
	w.updateUndo()
}

func (w *Window) registerShortcuts() {
	c := w.Canvas()
	ctrl, shift, alt := fyne.KeyModifierShortcutDefault, fyne.KeyModifierShift, fyne.KeyModifierAlt
	add := func(key fyne.KeyName, mod fyne.KeyModifier, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) { fn() })
	}
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { w.undo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { w.redo() })
	add(fyne.KeyZ, ctrl|shift, w.redo)
	add(fyne.KeyF, ctrl, w.openFind)
	add(fyne.KeyG, ctrl, func() {
		if !w.find.FindNext() {
			w.say("No match: search with Ctrl+F first.")
		}
	})
	add(fyne.KeyReturn, ctrl, w.doneAndNext)
	add(fyne.KeyEnter, ctrl, w.doneAndNext)
	add(fyne.KeyK, ctrl, w.openPalette)
	add(fyne.KeyR, ctrl|shift, func() { w.setReviewing(!w.review.on) })
	add(fyne.KeyA, ctrl|shift, w.acceptAllSuggestions)
	add(fyne.KeyP, ctrl, func() { w.propBar.Label(false) })
	add(fyne.KeyP, ctrl|shift, func() { w.propBar.Label(true) })
	add(fyne.KeyEqual, ctrl, func() { w.zoom(2) })
	add(fyne.KeyEqual, ctrl|shift, func() { w.zoom(2) })
	add(fyne.KeyPlus, ctrl, func() { w.zoom(2) })
	add(fyne.KeyMinus, ctrl, func() { w.zoom(-2) })
	add(fyne.Key0, ctrl, func() { w.zoom(0) })
	add(fyne.KeyS, ctrl, func() { w.say("Everything is saved as you go: nothing to save by hand.") })
	for _, k := range []fyne.KeyName{fyne.KeyLeft, fyne.KeyRight} {
		dir := 1
		if k == fyne.KeyLeft {
			dir = -1
		}
		add(k, shift|alt, func() {
			if _, ok := w.view.SelectedSpan(); ok {
				w.view.MoveEdge(true, dir, true)
			} else {
				w.view.MoveCaret(dir, true, true)
			}
		})
		add(k, ctrl|shift, func() { w.view.MoveEdge(false, dir, false) })
		add(k, ctrl|shift|alt, func() { w.view.MoveEdge(false, dir, true) })
	}
}

// setAnnotator makes name the annotator, remembers it and loads the project for them.
func (w *Window) setAnnotator(name string) {
	w.annotator = name
	w.app.Preferences().SetString(prefAnnotator, name)
	w.who.SetText(name)
	w.load()
}

// askAnnotator asks for the annotator's name: on first start (when it cannot be cancelled) or to
// change it.
func (w *Window) askAnnotator(first bool) {
	entry := widget.NewEntry()
	entry.SetText(w.annotator)
	entry.SetPlaceHolder("e.g. Camille")
	entry.Validator = func(s string) error {
		if msg := annotations.CheckAnnotatorName(strings.TrimSpace(s)); msg != "" {
			return errors.New(msg)
		}
		return nil
	}
	text := "Your spans are kept under this name, apart from other annotators'."
	if first {
		text = "Welcome to Tagdesk. " + text + " You can change it later with the button at the top."
	}
	hint := widget.NewLabel(text)
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("Your name", entry), widget.NewFormItem("", hint)}
	d := dialog.NewForm("Who is annotating?", "Start", "Cancel", items, func(ok bool) {
		if name := strings.TrimSpace(entry.Text); ok && name != "" {
			w.setAnnotator(name)
		} else if first {
			w.askAnnotator(true)
		}
	}, w.Window)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(480, 240))
	d.Show()
	w.Canvas().Focus(entry)
}

// load reads the labels, the relation types and the document list, then opens the document the
// annotator last worked on (else the first one). On the first load that document is read alongside
// and shown with the list's first page, in one frame. In review mode it also gives the navigator each
// document's agreement.
func (w *Window) load() {
	annotator, reviewing := w.annotator, w.review.on
	editor, minScore, opened := w.editor(), w.minScore(), w.doc.ID != 0
	w.work.Go(func() {
		labels, err := w.project.Labels(w.ctx)
		relTypes, errTypes := w.project.RelationTypes(w.ctx)
		err = errors.Join(err, errTypes)
		last, err2 := w.project.LastDocument(w.ctx, annotator)
		var scores map[int64]agreement.Value
		if reviewing {
			report, err3 := agreement.Compute(w.ctx, w.project, agreement.Options{All: true})
			err2 = errors.Join(err2, err3)
			if report != nil {
				scores = report.Documents
			}
		}
		var first *opening // the last document, read here to show with the list's first page
		if !opened && last != 0 && err2 == nil {
			o := w.readOpening(last, editor, reviewing, minScore)
			first = &o
		}
		fyne.Do(func() {
			if err != nil || err2 != nil {
				w.fail("The project could not be read", errors.Join(err, err2))
			}
			w.setLabels(labels)
			w.setRelationTypes(relTypes)
			if reviewing == w.review.on {
				w.nav.SetScores(scores, reviewing) // before the list loads, which sorts by them
			}
			w.nav.Load(w.ctx, w.project, w.editor(), func(err error) {
				if err != nil {
					w.fail("The document list could not be read", err)
				}
				if first != nil && w.doc.ID == 0 {
					w.show(*first) // in the same frame as the first page
					return
				}
				id := last // opened even when it is not in the first page of the list
				if w.doc.ID != 0 {
					id = w.doc.ID // a reload (after an import, say) stays where it was
				}
				if id == 0 {
					if es := w.nav.Entries(); len(es) > 0 {
						id = es[0].ID
					}
				}
				if id == 0 {
					w.say("This project has no documents yet: import some with Import….")
					w.signalLoaded()
					return
				}
				w.open(id)
			})
		})
	})
}

func (w *Window) signalListed() {
	select {
	case <-w.listed:
	default:
		close(w.listed)
		if w.trace != nil {
			w.trace.Mark("listed", fmt.Sprintf("entries=%d", len(w.nav.all)))
		}
	}
}

func (w *Window) signalLoaded() {
	select {
	case <-w.loaded:
	default:
		close(w.loaded)
		w.traceReady()
	}
}

func (w *Window) setLabels(labels []annotations.Label) {
	w.labels = labels
	w.view.SetLabels(labels)
	w.panel.SetLabels(labels)
}

// open shows document id, read off the UI goroutine.
func (w *Window) open(id int64) {
	w.panel.saveNote()
	w.panel.attrs.flush() // while the view still shows the span the values were typed for
	w.stopPropagation()
	editor, reviewing, minScore := w.editor(), w.review.on, w.minScore()
	w.work.Go(func() {
		o := w.readOpening(id, editor, reviewing, minScore)
		fyne.Do(func() { w.show(o) })
	})
}

// opening is what opening a document reads, off the UI goroutine, for show.
type opening struct {
	id        int64
	reviewing bool // read for review mode
	doc       annotations.Document
	text      string
	seg       *text.Segments
	finder    *text.Finder
	spans     []annotations.Span
	state     annotations.Status
	review    annotations.ReviewDocument
	assist    assistData
	err       error
}

// readOpening reads document id for editor (in review mode when reviewing); it runs off the UI
// goroutine.
func (w *Window) readOpening(id int64, editor string, reviewing bool, minScore float64) opening {
	o := opening{id: id, reviewing: reviewing}
	o.doc, o.err = w.project.Document(w.ctx, id)
	if o.err == nil {
		o.text, o.err = w.project.Text(w.ctx, id)
	}
	if o.err == nil {
		o.spans, o.err = w.project.Spans(w.ctx, id, editor)
	}
	if o.err == nil {
		o.state, o.err = w.project.Status(w.ctx, id, editor)
	}
	if o.err == nil && reviewing {
		o.review, o.err = w.project.ReviewDocument(w.ctx, id)
	}
	if o.err == nil {
		o.assist, o.err = w.readAssist(id, editor, minScore)
	}
	o.seg, o.finder = text.Segment(o.text), text.NewFinder(o.text) // the slow part of opening, done here
	return o
}

// show shows the document o read, on the UI goroutine.
func (w *Window) show(o opening) {
	defer w.signalLoaded()
	if o.err != nil {
		w.fail("The document could not be opened", o.err)
		return
	}
	if o.reviewing != w.review.on {
		return // the mode changed meanwhile, and opened the document again
	}
	w.doc, w.spans, w.state = o.doc, o.spans, o.state
	w.review.editing = false
	w.view.SetSegmentedDocument(o.text, o.seg, o.spans)
	w.showAssist(o.assist)
	w.find.SetFinder(o.finder)
	w.panel.SetSpans(w.view.Spans(), 0)
	w.nav.SetCurrent(o.id)
	w.SetTitle(fmt.Sprintf("Tagdesk — %s — %s", o.doc.Name, filepath.Base(w.project.Path())))
	w.focusView()
	w.selectionChanged()
	w.saved.SetText("")
	if o.reviewing {
		w.openedInReview(o.review)
	}
}

// reloadSpans reads the open document's spans and status again (after an undo, say). In review mode
// showSpans reads them, the gold layer's, with the review.
func (w *Window) reloadSpans(selected int64) {
	if !w.review.on {
		spans, err := w.project.Spans(w.ctx, w.doc.ID, w.annotator)
		if err != nil {
			w.fail("The spans could not be read", err)
			return
		}
		state, err := w.project.Status(w.ctx, w.doc.ID, w.annotator)
		if err != nil {
			w.fail("The document's status could not be read", err)
			return
		}
		w.spans, w.state = spans, state
	}
	w.reloadAssist()
	w.showSpans(selected)
}

// showSpans gives the view and the panel the current spans and updates the navigator's row.
func (w *Window) showSpans(selected int64) {
	if w.review.on {
		w.rereadReview()
	}
	w.view.SetSpans(w.spans)
	if selected != 0 {
		w.view.SelectSpan(selected)
	}
	w.panel.SetSpans(w.view.Spans(), selected)
	if e, ok := w.nav.Entry(w.doc.ID); ok {
		e.Spans, e.Status = len(w.spans), w.state
		w.nav.Update(e)
	}
	w.updateUndo()
	w.selectionChanged()
}

// labelForKey returns the label a key applies: 1-9 by position, else by hotkey.
func (w *Window) labelForKey(r rune) (string, bool) {
	if r >= '1' && r <= '9' {
		if i := int(r - '1'); i < len(w.labels) {
			return w.labels[i].Name, true
		}
		return "", false
	}
	for _, l := range w.labels {
		if l.Hotkey != "" && strings.EqualFold(l.Hotkey, string(r)) {
			return l.Name, true
		}
	}
	return "", false
}

func (w *Window) typedRune(r rune) {
	if w.reviewRune(r) || w.assistRune(r) {
		return
	}
	if label, ok := w.labelForKey(r); ok {
		w.apply(label)
		return
	}
	if r != ' ' {
		w.say(fmt.Sprintf("No label on the key %q. The label keys are in the panel on the right.", string(r)))
	}
}

func (w *Window) typedKey(ev *fyne.KeyEvent) bool {
	if w.assistKey(ev) {
		return true
	}
	switch ev.Name {
	case fyne.KeyDelete, fyne.KeyBackspace:
		w.deleteSelected()
	case fyne.KeyPageDown:
		w.step(1)
	case fyne.KeyPageUp:
		w.step(-1)
	case fyne.KeyF1:
		w.showHelp()
	default:
		return false
	}
	return true
}

// apply labels the selection: a selected span changes its label, a selection of text becomes a span.
func (w *Window) apply(label string) {
	if w.doc.ID == 0 {
		return
	}
	if s, ok := w.view.SelectedSpan(); ok {
		if s.Label == label {
			return
		}
		w.saving()
		ns, err := w.history.RelabelSpan(w.ctx, s, label)
		if err != nil {
			w.failEdit("The span could not be relabelled", err, s.ID)
			return
		}
		w.replace(ns)
		w.done(fmt.Sprintf("Relabelled as %s.", label))
		w.showSpans(ns.ID)
		return
	}
	sel := w.view.Selection()
	if sel.Start == sel.End {
		w.say("Select some text first (drag, double click, or Shift+arrows), then press a label key.")
		return
	}
	w.saving()
	s, added, err := w.history.AddSpan(w.ctx, annotations.NewSpan{DocumentID: w.doc.ID, Annotator: w.editor(), Label: label, Start: sel.Start, End: sel.End})
	if err != nil {
		w.fail("The span could not be added", err)
		return
	}
	if added {
		w.spans = append(w.spans, s)
		if w.state == annotations.StatusNew {
			w.state = annotations.StatusInProgress
		}
		w.done(fmt.Sprintf("Added %s.", label))
	} else {
		w.done(fmt.Sprintf("That %s span was already there.", label))
	}
	w.showSpans(s.ID)
	if added {
		w.offerPropagation(s) // last: the search runs on while the user goes on
	}
}

func (w *Window) deleteSelected() {
	s, ok := w.view.SelectedSpan()
	if !ok {
		w.say("Select a span first (click it, or Tab), then press Delete.")
		return
	}
	w.saving()
	if _, err := w.history.DeleteSpan(w.ctx, s); err != nil {
		w.failEdit("The span could not be removed", err, s.ID)
		return
	}
	for i := range w.spans {
		if w.spans[i].ID == s.ID {
			w.spans = append(w.spans[:i], w.spans[i+1:]...)
			break
		}
	}
	w.done(fmt.Sprintf("Removed the %s span.", s.Label))
	w.reloadAssist() // its relations went with it
	w.showSpans(0)
}

func (w *Window) resize(s annotations.Span, start, end int) {
	w.saving()
	ns, err := w.history.ResizeSpan(w.ctx, s, start, end)
	if err != nil {
		if !w.failEdit("The span could not be resized", err, s.ID) {
			w.showSpans(s.ID) // the edge goes back
		}
		return
	}
	w.replace(ns)
	w.done(fmt.Sprintf("Resized the %s span.", s.Label))
	w.showSpans(ns.ID)
}

func (w *Window) setNote(id int64, note string) bool {
	w.saving()
	ns, err := w.history.SetNote(w.ctx, w.shown(id), note)
	if err != nil {
		w.failEdit("The note could not be saved", err, w.panelSelection()) // saved as the selection moves on: keep it
		return false
	}
	w.replace(ns)
	w.view.SetSpans(w.spans)
	w.panel.SetSpans(w.view.Spans(), w.panel.selected)
	w.done("Note saved.") // updates the undo and redo buttons too
	return true
}

func (w *Window) setAttrs(id int64, a annotations.Attrs) {
	w.saving()
	ns, err := w.history.SetAttrs(w.ctx, w.shown(id), a)
	if err != nil {
		if !w.failEdit("The attributes could not be saved", err, w.panelSelection()) {
			w.panel.SetSpans(w.view.Spans(), w.panel.selected) // show the saved values again
		}
		return
	}
	w.replace(ns)
	w.view.SetSpans(w.spans)
	w.panel.SetSpans(w.view.Spans(), w.panel.selected)
	w.done("Attributes saved.")
}

// shown returns the span with id as the window shows it, which an edit of it is made from; a span the
// window does not show comes back with only its ID, which the edit refuses as changed elsewhere.
func (w *Window) shown(id int64) annotations.Span {
	for _, s := range w.view.Spans() {
		if s.ID == id {
			return s
		}
	}
	return annotations.Span{ID: id}
}

// failEdit reports an edit of the span with id that failed. When the span had been changed or deleted
// in another window or program, the edit was refused: the document's spans are read again, so that
// the user sees them as they now are and can make the change again, and failEdit returns true.
func (w *Window) failEdit(what string, err error, id int64) (reloaded bool) {
	w.fail(what, err)
	if !errors.Is(err, annotations.ErrChangedElsewhere) {
		return false
	}
	w.reloadSpans(id)
	return true
}

func (w *Window) replace(s annotations.Span) {
	for i := range w.spans {
		if w.spans[i].ID == s.ID {
			w.spans[i] = s
		}
	}
}

func (w *Window) undo() { w.undoRedo(w.history.Undo, w.history.CanUndo(), "Nothing to undo.") }

func (w *Window) redo() { w.undoRedo(w.history.Redo, w.history.CanRedo(), "Nothing to redo.") }

func (w *Window) undoRedo(fn func(context.Context) (annotations.Change, error), can bool, none string) {
	if !can {
		w.say(none)
		return
	}
	w.panel.saveNote()
	w.saving()
	ch, err := fn(w.ctx)
	if err != nil {
		w.failEdit("That could not be done", err, w.panelSelection()) // shows what the other program did
		w.updateUndo()
		return
	}
	w.done(upperFirst(ch.Description) + ".") // updates the undo and redo buttons too
	if ch.DocumentID != w.doc.ID {
		w.open(ch.DocumentID)
		return
	}
	w.reloadSpans(ch.SpanID)
}

// doneAndNext marks the document done and opens the next one not done.
func (w *Window) doneAndNext() {
	if w.doc.ID == 0 {
		return
	}
	if w.review.on {
		w.reviewedAndNext()
		return
	}
	w.saving()
	if err := w.history.SetStatus(w.ctx, w.doc.ID, w.annotator, annotations.StatusDone); err != nil {
		w.fail("The document could not be marked done", err)
		return
	}
	w.state = annotations.StatusDone
	if e, ok := w.nav.Entry(w.doc.ID); ok {
		e.Status = annotations.StatusDone
		w.nav.Update(e)
	}
	id, ok := w.nav.Next(1, true)
	if !ok {
		w.done(fmt.Sprintf("Marked %s done. Every document is done.", w.doc.Name))
		w.selectionChanged()
		return
	}
	w.done(fmt.Sprintf("Marked %s done.", w.doc.Name))
	w.open(id)
}

// step opens the next (dir > 0) or previous document of the list.
func (w *Window) step(dir int) {
	if id, ok := w.nav.Next(dir, false); ok {
		w.open(id)
	} else if dir > 0 {
		w.say("This is the last document.")
	} else {
		w.say("This is the first document.")
	}
}

func (w *Window) zoom(by float32) {
	size := w.view.TextSize() + by
	if by == 0 {
		size = defaultTextSize()
	}
	w.view.SetTextSize(size)
	w.app.Preferences().SetFloat(prefTextSize, float64(w.view.TextSize()))
}

// paletteItems lists the commands, then every document.
func (w *Window) paletteItems() []paletteItem {
	items := []paletteItem{
		{"Mark done and open the next document", "Ctrl+Enter", w.doneAndNext},
		{"Find in the article", "Ctrl+F", w.openFind},
		{"Undo", "Ctrl+Z", w.undo},
		{"Redo", "Ctrl+Shift+Z", w.redo},
		{"Import documents…", "", w.importFiles},
		{"Import a folder of .txt files…", "", w.importFolder},
		{"Merge annotators' project files…", "", w.mergeFiles},
		{"Export…", "", w.exportFiles},
		{"Edit the label set…", "", w.editLabels},
		{"Next suggestion", "n", func() { w.assistRune('n') }},
		{"Accept all suggestions in this document", "Ctrl+Shift+A", w.acceptAllSuggestions},
		{"Link the selected span to another (relation)…", "r", w.pickRelation},
		{"Edit rules…", "", w.editRules},
		{"Run the rules on every document", "", w.runRulesOnCorpus},
		{"Suggestion score threshold…", "", w.askMinScore},
		{"Review mode on or off", "Ctrl+Shift+R", func() { w.setReviewing(!w.review.on) }},
		{"Accept agreed spans into the gold layer", "", w.acceptAgreed},
		{"Agreement between annotators…", "", w.showAgreement},
		{"Change annotator…", "", func() { w.askAnnotator(false) }},
		{"Keyboard shortcuts", "F1", w.showHelp},
		{"Larger text", "Ctrl+=", func() { w.zoom(2) }},
		{"Smaller text", "Ctrl+-", func() { w.zoom(-2) }},
		{"Find a document in the list", "", w.nav.FocusSearch},
	}
	for _, e := range w.nav.all {
		id := e.ID
		items = append(items, paletteItem{Title: e.Name, Detail: statusText(e.Status), Run: func() { w.open(id) }})
	}
	return items
}

func (w *Window) openPalette() {
	w.palette = NewPalette(w.paletteItems())
	w.palette.Open(w.Canvas())
}

func (w *Window) importFiles() {
	w.Canvas().Unfocus() // keys typed in a dialog must not label the text behind it
	ShowImport(w.Window, w.project, w.annotator, w.load)
}

func (w *Window) importFolder() {
	w.Canvas().Unfocus()
	ShowImportFolder(w.Window, w.project, w.annotator, w.load)
}

// importButton offers to import files or a whole folder.
func (w *Window) importButton() *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon("Import…", theme.DownloadIcon(), func() {
		menu := fyne.NewMenu("", fyne.NewMenuItem("Files…", w.importFiles), fyne.NewMenuItem("A folder of .txt files…", w.importFolder),
			fyne.NewMenuItem("Merge project files…", w.mergeFiles))
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).AddXY(0, b.Size().Height)
		widget.ShowPopUpMenuAtPosition(menu, w.Canvas(), pos)
	})
	return b
}

// mergeFiles brings annotators' copies of the project into it.
func (w *Window) mergeFiles() {
	w.Canvas().Unfocus()
	ShowMerge(w.Window, w.project, func(annotations.MergeReport) {
		w.load()
	})
}

func (w *Window) exportFiles() {
	w.Canvas().Unfocus()
	names := make([]string, len(w.labels))
	for i, l := range w.labels {
		names[i] = l.Name
	}
	ShowExport(w.Window, w.project, w.annotator, names)
}

func (w *Window) editLabels() {
	w.Canvas().Unfocus()
	ShowLabelEditor(w.Window, w.project, func() {
		labels, err := w.project.Labels(w.ctx)
		if err != nil {
			w.fail("The label set could not be read", err)
			return
		}
		w.setLabels(labels)
		if w.doc.ID != 0 {
			w.reloadSpans(w.panel.selected) // a rename shows on the spans
		}
	})
}

func (w *Window) focusView() { w.Canvas().Focus(w.view) }

// showHelp opens the shortcuts sheet, taking the keyboard from the article view so that keys typed
// while it is open label nothing; Escape closes it.
func (w *Window) showHelp() {
	w.Canvas().Unfocus()
	d := showShortcuts(w.Window)
	d.SetOnClosed(w.focusView)
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			d.Hide()
		}
	})
}

func (w *Window) openFind() {
	w.find.Open()
	w.centre.Refresh()
}

// selectionChanged shows the selection and the document's state in the status line.
func (w *Window) selectionChanged() {
	if w.doc.ID == 0 {
		return
	}
	var b strings.Builder
	if s, ok := w.view.SelectedSpan(); ok {
		fmt.Fprintf(&b, "%s  %d–%d  “%s”", s.Label, s.Start, s.End, excerpt(w.view.Text(s.Start, s.End), 60))
		if s.Note != "" {
			fmt.Fprintf(&b, "  ✎ %s", excerpt(s.Note, 40))
		}
		if rel := w.relationsText(s); rel != "" {
			b.WriteString("  " + rel)
		}
	} else if sg, ok := w.view.CurrentSuggestion(); ok {
		b.WriteString(w.suggestionText(sg))
	} else if sel := w.view.Selection(); sel.End > sel.Start {
		fmt.Fprintf(&b, "%d–%d  “%s”  (%d characters): press a label key", sel.Start, sel.End, excerpt(w.view.Text(sel.Start, sel.End), 60), sel.End-sel.Start)
	} else {
		fmt.Fprintf(&b, "caret at %d", sel.Start)
	}
	fmt.Fprintf(&b, "   ·   %s, %s, %d spans", w.doc.Name, statusText(w.state), len(w.spans))
	if n := len(w.view.Suggestions()); n > 0 {
		fmt.Fprintf(&b, ", %d suggestions (n)", n)
	}
	w.status.SetText(b.String())
	w.panel.SetSelected(w.panelSelection())
}

func (w *Window) panelSelection() int64 {
	if s, ok := w.view.SelectedSpan(); ok {
		return s.ID
	}
	return 0
}

func (w *Window) updateUndo() {
	enable(w.undoBtn, w.history.CanUndo())
	enable(w.redoBtn, w.history.CanRedo())
}

func (w *Window) saving() { w.tell("saving…", widget.LowImportance) }

// done reports a committed edit: only now does the status line say "saved".
func (w *Window) done(msg string) {
	w.tell(msg+"  ✓ saved", widget.SuccessImportance)
	w.updateUndo()
}

func (w *Window) say(msg string) { w.tell(msg, widget.MediumImportance) }

// fail shows one plain sentence; the details go to the log.
func (w *Window) fail(what string, err error) {
	log.Printf("%s: %v", what, err)
	w.tell(what+": "+annotations.Message(err), widget.DangerImportance)
}

func (w *Window) tell(msg string, imp widget.Importance) {
	w.saved.Importance = imp
	w.saved.SetText(msg)
}

// excerpt cuts s to n characters on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n/2]) + "…" + string(r[len(r)-n/2+1:])
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
