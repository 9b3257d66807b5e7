package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// workspaceDocs are the documents of the workspace tests, in id order.
var workspaceDocs = []annotations.NewDocument{
	{Name: "front-est.txt", Text: article},
	{Name: "kresny.txt", Text: "Kresny : 40 drones Shahed abattus, selon l’armée."},
	{Name: "valmont.txt", Text: "Sud : le port de Valmont visé par des missiles."},
}

// newWorkspace opens alice's workspace on a new project holding workspaceDocs; it shows the first.
func newWorkspace(t *testing.T) (*Window, *annotations.Project, []annotations.Document) {
	t.Helper()
	a := test.NewTempApp(t)
	p := openProject(t)
	docs := addDocs(t, p, workspaceDocs...)
	w := openWindow(t, a, p, "alice")
	if w.doc.ID != docs[0].ID {
		t.Fatalf("the window opened document %d, want %d", w.doc.ID, docs[0].ID)
	}
	return w, p, docs
}

// selectText selects the first sub in the open document.
func selectText(t *testing.T, w *Window, sub string) {
	t.Helper()
	r := rangeOf(t, w.view.Text(0, w.view.Len()), sub)
	w.view.Select(r.Start, r.End)
}

// checkSpans checks that the store and the view both hold the spans want (as describe writes them).
func checkSpans(t *testing.T, w *Window, p *annotations.Project, want ...string) {
	t.Helper()
	got := describe(w.view, storeSpans(t, p, w.doc.ID, w.annotator))
	if !slices.Equal(got, want) {
		t.Errorf("the store has %q, want %q", got, want)
	}
	if shown := describe(w.view, w.view.Spans()); !slices.Equal(shown, want) {
		t.Errorf("the view shows %q, want %q", shown, want)
	}
}

var (
	ctrlKey  = fyne.KeyModifierShortcutDefault
	shiftKey = fyne.KeyModifierShift
	altKey   = fyne.KeyModifierAlt
)

func custom(k fyne.KeyName, mods fyne.KeyModifier) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: mods}
}

func TestWorkspaceLabelKeys(t *testing.T) {
	tests := map[string]struct {
		key  rune
		want string // the label, or "" for no span
	}{
		"1: the first label":       {'1', "actor"},
		"4: the fourth label":      {'4', "claim"},
		"hotkey":                   {'f', "figure"},
		"hotkey in capitals":       {'W', "weapon"},
		"a number with no label":   {'9', ""},
		"a letter that is no key":  {'x', ""},
		"space labels nothing too": {' ', ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w, p, docs := newWorkspace(t)
			selectText(t, w, "Bakhmout")
			w.view.TypedRune(tt.key)
			if tt.want == "" {
				checkSpans(t, w, p)
				if st := storeStatus(t, p, docs[0].ID, "alice"); st != annotations.StatusNew {
					t.Errorf("status %s, want new", st)
				}
				return
			}
			checkSpans(t, w, p, tt.want+` "Bakhmout"`)
			spans := storeSpans(t, p, docs[0].ID, "alice")
			if s, ok := w.view.SelectedSpan(); !ok || s.ID != spans[0].ID {
				t.Errorf("selected span %+v (%v), want the new one", s, ok)
			}
			if st := storeStatus(t, p, docs[0].ID, "alice"); st != annotations.StatusInProgress {
				t.Errorf("status %s, want in progress", st)
			}
			if e, _ := w.nav.Entry(docs[0].ID); e.Spans != 1 || e.Status != annotations.StatusInProgress {
				t.Errorf("the navigator's row says %d spans, %s", e.Spans, e.Status)
			}
		})
	}
}

func TestWorkspaceLabelKeyEdgeCases(t *testing.T) {
	w, p, _ := newWorkspace(t)
	w.view.TypedRune('1') // nothing selected
	checkSpans(t, w, p)
	if !strings.Contains(w.saved.Text, "Select some text first") {
		t.Errorf("no selection: the status line says %q", w.saved.Text)
	}
	selectText(t, w, "Bakhmout")
	w.view.TypedRune('1')
	selectText(t, w, "Bakhmout") // the same text again, as text
	w.view.TypedRune('a')
	checkSpans(t, w, p, `actor "Bakhmout"`)
	if w.saved.Text != "That actor span was already there.  ✓ saved" {
		t.Errorf("a span twice: the status line says %q", w.saved.Text)
	}
	w.undo()
	checkSpans(t, w, p) // the second key recorded no edit: one undo removes the span
}

func TestWorkspaceRelabelAndDelete(t *testing.T) {
	for _, k := range []fyne.KeyName{fyne.KeyDelete, fyne.KeyBackspace} {
		t.Run(string(k), func(t *testing.T) {
			w, p, docs := newWorkspace(t)
			selectText(t, w, "Bakhmout")
			w.view.TypedRune('a')
			added := storeSpans(t, p, docs[0].ID, "alice")
			w.view.TypedRune('c')
			checkSpans(t, w, p, `claim "Bakhmout"`)
			if got := storeSpans(t, p, docs[0].ID, "alice"); got[0].ID != added[0].ID {
				t.Errorf("relabelling changed the span's id from %d to %d", added[0].ID, got[0].ID)
			}
			w.view.TypedRune('c') // the same label again: nothing to do
			checkSpans(t, w, p, `claim "Bakhmout"`)

			w.view.TypedKey(&fyne.KeyEvent{Name: k})
			checkSpans(t, w, p)
			if _, ok := w.view.SelectedSpan(); ok {
				t.Error("a span is still selected")
			}
			w.view.TypedKey(&fyne.KeyEvent{Name: k}) // nothing selected
			if !strings.Contains(w.saved.Text, "Select a span first") {
				t.Errorf("the status line says %q", w.saved.Text)
			}
		})
	}
}

func TestWorkspaceResize(t *testing.T) {
	tests := map[string]struct {
		span string // the span's text
		do   func(t *testing.T, w *Window)
		want string
	}{
		"Shift+Right: the end a word on": {
			span: "tenons",
			do:   func(t *testing.T, w *Window) { key(w.view, fyne.KeyRight, desktop.KeyShiftLeft) },
			want: "tenons Bakhmout",
		},
		"Shift+Left: the end a word back": {
			span: "tenons Bakhmout",
			do:   func(t *testing.T, w *Window) { key(w.view, fyne.KeyLeft, desktop.KeyShiftLeft) },
			want: "tenons",
		},
		"Ctrl+Shift+Left: the start a word back": {
			span: "tenons",
			do:   func(t *testing.T, w *Window) { typeShortcut(w, custom(fyne.KeyLeft, ctrlKey|shiftKey)) },
			want: "Nous tenons",
		},
		"Ctrl+Shift+Right: the start a word on": {
			span: "Nous tenons",
			do:   func(t *testing.T, w *Window) { typeShortcut(w, custom(fyne.KeyRight, ctrlKey|shiftKey)) },
			want: "tenons",
		},
		"Shift+Alt+Right: the end a character on": {
			span: "tenons",
			do:   func(t *testing.T, w *Window) { typeShortcut(w, custom(fyne.KeyRight, shiftKey|altKey)) },
			want: "tenons ",
		},
		"Ctrl+Shift+Alt+Right: the start a character on": {
			span: "tenons",
			do:   func(t *testing.T, w *Window) { typeShortcut(w, custom(fyne.KeyRight, ctrlKey|shiftKey|altKey)) },
			want: "enons",
		},
		"MoveEdge past the other edge: no change": {
			span: "tenons",
			do:   func(t *testing.T, w *Window) { w.view.MoveEdge(true, -1, false) },
			want: "tenons",
		},
		"drag the end edge": {
			span: "tenons",
			do: func(t *testing.T, w *Window) {
				drag(w.view, selectedEdgePos(w.view, true), charPos(w.view, offsetOf(t, "Bakhmout", 2)))
			},
			want: "tenons Bakhmout",
		},
		"drag the start edge with Alt": {
			span: "tenons",
			do: func(t *testing.T, w *Window) {
				v := w.view
				v.KeyDown(&fyne.KeyEvent{Name: desktop.KeyAltLeft})
				drag(v, selectedEdgePos(v, false), caretPos(v, offsetOf(t, "Nous", 2)))
				v.KeyUp(&fyne.KeyEvent{Name: desktop.KeyAltLeft})
			},
			want: "us tenons",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w, p, docs := newWorkspace(t)
			s := addSpan(t, p, docs[0], "alice", "actor", tt.span)
			w.reloadSpans(s.ID)
			tt.do(t, w)
			checkSpans(t, w, p, `actor "`+tt.want+`"`)
			if got, ok := w.view.SelectedSpan(); !ok || got.ID != s.ID {
				t.Errorf("selected %+v (%v), want span %d still", got, ok, s.ID)
			}
		})
	}
}

func TestWorkspaceUndoRedo(t *testing.T) {
	w, p, docs := newWorkspace(t)
	undo, redo := &fyne.ShortcutUndo{}, &fyne.ShortcutRedo{}
	redoZ := custom(fyne.KeyZ, ctrlKey|shiftKey)
	var deleted int64 // the id of the span deleted
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"add", func() {
			selectText(t, w, "Bakhmout")
			w.view.TypedRune('1')
			// a span with a higher id, elsewhere: SQLite gives the highest id again once it is deleted
			addSpan(t, p, docs[1], "alice", "actor", "Kresny")
		}, []string{`actor "Bakhmout"`}},
		{"relabel", func() { w.view.TypedRune('c') }, []string{`claim "Bakhmout"`}},
		{"resize", func() { typeShortcut(w, custom(fyne.KeyLeft, ctrlKey|shiftKey)) }, []string{`claim "tenons Bakhmout"`}},
		{"delete", func() {
			s, _ := w.view.SelectedSpan()
			deleted = s.ID
			w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
		}, nil},
		{"undo the delete", func() { typeShortcut(w, undo) }, []string{`claim "tenons Bakhmout"`}},
		{"undo the resize", func() { typeShortcut(w, undo) }, []string{`claim "Bakhmout"`}},
		{"undo the relabel", func() { typeShortcut(w, undo) }, []string{`actor "Bakhmout"`}},
		{"undo the add", func() { typeShortcut(w, undo) }, nil},
		{"nothing to undo", func() { typeShortcut(w, undo) }, nil},
		{"redo the add", func() { typeShortcut(w, redoZ) }, []string{`actor "Bakhmout"`}},
		{"redo the relabel", func() { typeShortcut(w, redo) }, []string{`claim "Bakhmout"`}},
		{"redo the resize", func() { w.redo() }, []string{`claim "tenons Bakhmout"`}},
		{"redo the delete", func() { typeShortcut(w, redoZ) }, nil},
		{"nothing to redo", func() { typeShortcut(w, redoZ) }, nil},
		{"undo the delete again", func() { typeShortcut(w, undo) }, []string{`claim "tenons Bakhmout"`}},
	}
	for _, st := range steps {
		st.do()
		got := describe(w.view, storeSpans(t, p, docs[0].ID, "alice"))
		if !slices.Equal(got, st.want) {
			t.Fatalf("%s: the store has %q, want %q", st.name, got, st.want)
		}
		if shown := describe(w.view, w.view.Spans()); !slices.Equal(shown, st.want) {
			t.Fatalf("%s: the view shows %q, want %q", st.name, shown, st.want)
		}
		switch st.name {
		case "undo the delete", "undo the delete again":
			spans := storeSpans(t, p, docs[0].ID, "alice")
			if spans[0].ID == deleted {
				t.Errorf("%s: the span came back under its old id %d", st.name, deleted)
			}
			if s, ok := w.view.SelectedSpan(); !ok || s.ID != spans[0].ID {
				t.Errorf("%s: selected %+v (%v), want the span back", st.name, s, ok)
			}
		case "undo the add":
			if s := storeStatus(t, p, docs[0].ID, "alice"); s != annotations.StatusNew {
				t.Errorf("%s: status %s, want new again", st.name, s)
			}
		case "nothing to undo":
			if !w.undoBtn.Disabled() || w.redoBtn.Disabled() || w.saved.Text != "Nothing to undo." {
				t.Errorf("%s: undo disabled %v, redo disabled %v, status %q", st.name, w.undoBtn.Disabled(), w.redoBtn.Disabled(), w.saved.Text)
			}
		case "nothing to redo":
			if w.undoBtn.Disabled() || !w.redoBtn.Disabled() || w.saved.Text != "Nothing to redo." {
				t.Errorf("%s: undo disabled %v, redo disabled %v, status %q", st.name, w.undoBtn.Disabled(), w.redoBtn.Disabled(), w.saved.Text)
			}
		}
	}
}

// TestWorkspaceUndoOtherDocument undoes an edit made on a document that is no longer open: the
// window opens that document again.
func TestWorkspaceUndoOtherDocument(t *testing.T) {
	w, p, docs := newWorkspace(t)
	selectText(t, w, "Bakhmout")
	w.view.TypedRune('1')
	w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
	w.Wait()
	if w.doc.ID != docs[1].ID {
		t.Fatalf("Page Down opened %d, want %d", w.doc.ID, docs[1].ID)
	}
	typeShortcut(w, &fyne.ShortcutUndo{})
	w.Wait()
	if w.doc.ID != docs[0].ID {
		t.Errorf("the undo left document %d open, want %d", w.doc.ID, docs[0].ID)
	}
	checkSpans(t, w, p)
}

func TestWorkspaceDoneAndNext(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	ctx := context.Background()
	all := append(slices.Clone(workspaceDocs), annotations.NewDocument{Name: "nord.txt", Text: "Au nord, rien de nouveau."})
	docs := addDocs(t, p, all...)
	if err := p.SetStatus(ctx, docs[1].ID, "alice", annotations.StatusDone); err != nil {
		t.Fatal(err)
	}
	addSpan(t, p, docs[2], "alice", "actor", "Valmont") // the last worked on: the window opens it
	w := openWindow(t, a, p, "alice")
	if w.doc.ID != docs[2].ID {
		t.Fatalf("the window opened %d, want %d", w.doc.ID, docs[2].ID)
	}
	steps := []struct {
		key  fyne.KeyName
		done int // the document marked done
		open int // the document open afterwards
	}{
		{fyne.KeyReturn, 2, 3},
		{fyne.KeyEnter, 3, 0},  // wraps around
		{fyne.KeyReturn, 0, 0}, // the second is done already: every document is
	}
	for i, st := range steps {
		typeShortcut(w, custom(st.key, ctrlKey))
		w.Wait()
		if s := storeStatus(t, p, docs[st.done].ID, "alice"); s != annotations.StatusDone {
			t.Errorf("step %d: %s is %s, want done", i, docs[st.done].Name, s)
		}
		if e, _ := w.nav.Entry(docs[st.done].ID); e.Status != annotations.StatusDone {
			t.Errorf("step %d: the navigator shows %s as %s", i, docs[st.done].Name, e.Status)
		}
		if w.doc.ID != docs[st.open].ID {
			t.Errorf("step %d: %d is open, want %s", i, w.doc.ID, docs[st.open].Name)
		}
		if got, want := w.view.Text(0, w.view.Len()), all[st.open].Text; got != want {
			t.Errorf("step %d: the view shows %q, want %q", i, got, want)
		}
	}
	if !strings.Contains(w.saved.Text, "Every document is done") {
		t.Errorf("the status line says %q", w.saved.Text)
	}
	if w.nav.done != len(docs) {
		t.Errorf("the navigator counts %d done, want 4", w.nav.done)
	}
}

func TestWorkspacePageKeys(t *testing.T) {
	w, _, docs := newWorkspace(t)
	steps := []struct {
		key  fyne.KeyName
		open int
		say  string
	}{
		{fyne.KeyPageDown, 1, ""},
		{fyne.KeyPageDown, 2, ""},
		{fyne.KeyPageDown, 2, "This is the last document."},
		{fyne.KeyPageUp, 1, ""},
		{fyne.KeyPageUp, 0, ""},
		{fyne.KeyPageUp, 0, "This is the first document."},
	}
	for i, st := range steps {
		w.view.TypedKey(&fyne.KeyEvent{Name: st.key})
		w.Wait()
		if w.doc.ID != docs[st.open].ID {
			t.Fatalf("step %d (%s): %d is open, want %s", i, st.key, w.doc.ID, docs[st.open].Name)
		}
		if got := w.view.Text(0, w.view.Len()); got != workspaceDocs[st.open].Text {
			t.Errorf("step %d: the view shows %q", i, got)
		}
		if st.say != "" && w.saved.Text != st.say {
			t.Errorf("step %d: the status line says %q, want %q", i, w.saved.Text, st.say)
		}
		if !strings.Contains(w.Title(), docs[st.open].Name) {
			t.Errorf("step %d: title %q", i, w.Title())
		}
	}
}

func TestWorkspaceFind(t *testing.T) {
	w, p, _ := newWorkspace(t)
	typeShortcut(w, custom(fyne.KeyF, ctrlKey))
	if !w.find.Visible() || w.Canvas().Focused() != fyne.Focusable(w.find.entry) {
		t.Fatalf("Ctrl+F: bar visible %v, focus on %T", w.find.Visible(), w.Canvas().Focused())
	}
	test.Type(w.find.entry, "ETAT") // case and accents ignored
	if got := selectedText(w.view); got != "état" {
		t.Errorf("typing selected %q, want %q", got, "état")
	}
	w.find.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.find.Visible() {
		t.Error("Enter left the bar open")
	}
	if w.Canvas().Focused() != fyne.Focusable(w.view) {
		t.Errorf("after Enter the focus is on %T, want the view", w.Canvas().Focused())
	}
	if got := selectedText(w.view); got != "état" {
		t.Errorf("after Enter: selected %q, want %q", got, "état")
	}
	w.view.TypedRune('a') // a label key labels the match
	checkSpans(t, w, p, `actor "état"`)

	// Escape closes the bar, keeping the selection
	w.openFind()
	test.Type(w.find.entry, "bakh")
	w.find.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.find.Visible() || w.Canvas().Focused() != fyne.Focusable(w.view) {
		t.Errorf("Escape: bar visible %v, focus on %T", w.find.Visible(), w.Canvas().Focused())
	}
	if got := selectedText(w.view); got != "Bakh" {
		t.Errorf("after Escape: selected %q, want %q", got, "Bakh")
	}

	// no match
	w.openFind()
	test.Type(w.find.entry, "zzz")
	if w.find.count.Text != "no match" || selectedText(w.view) != "Bakh" {
		t.Errorf("no match: count %q, selected %q", w.find.count.Text, selectedText(w.view))
	}
}

func TestWorkspaceFindNext(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	const s = "Bakhmout tient. À Bakhmout, les combats continuent ; bakhmout est encerclée."
	addDocs(t, p, annotations.NewDocument{Name: "bakhmout.txt", Text: s})
	w := openWindow(t, a, p, "alice")

	typeShortcut(w, custom(fyne.KeyG, ctrlKey))
	if w.saved.Text != "No match: search with Ctrl+F first." {
		t.Errorf("Ctrl+G before a search: status %q", w.saved.Text)
	}
	starts := []int{rangeOf(t, s, "Bakhmout tient").Start, rangeOf(t, s, "Bakhmout, les").Start, rangeOf(t, s, "bakhmout est").Start}
	w.openFind()
	test.Type(w.find.entry, "bakhmout")
	w.find.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := w.view.Selection().Start; got != starts[0] {
		t.Fatalf("the search selected from %d, want %d", got, starts[0])
	}
	for _, want := range []int{starts[1], starts[2], starts[0]} { // the last one wraps around
		typeShortcut(w, custom(fyne.KeyG, ctrlKey))
		if sel := w.view.Selection(); sel.Start != want || !strings.EqualFold(w.view.Text(sel.Start, sel.End), "bakhmout") {
			t.Errorf("Ctrl+G selected %v %q, want from %d", sel, w.view.Text(sel.Start, sel.End), want)
		}
	}
}

// typeAndWait types s into e, then calls e's OnChanged as typing does and waits for the search it
// starts. OnChanged is held back while typing because the test driver runs fyne.Do at once on the
// searching goroutine, which would then touch widgets while Entry.TypedRune is still refreshing the
// entry (the real driver runs it on the UI goroutine, after the key event).
func typeAndWait(e *keyEntry, s string, wait func()) {
	changed := e.OnChanged
	e.OnChanged = nil
	test.Type(e, s)
	e.OnChanged = changed
	changed(e.Text)
	wait()
}

func TestWorkspaceNavigatorFilter(t *testing.T) {
	w, _, docs := newWorkspace(t)
	n := w.nav
	typeAndWait(n.search, "kres", n.Wait)
	es := n.Entries()
	if len(es) == 0 || es[0].ID != docs[1].ID {
		t.Fatalf("the search shows %v, want kresny.txt first", names(es))
	}
	if slices.ContainsFunc(es, func(e annotations.DocumentEntry) bool { return e.ID == docs[2].ID }) {
		t.Errorf("the search shows %v: valmont.txt has no k", names(es))
	}
	n.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.Wait()
	if w.doc.ID != docs[1].ID {
		t.Errorf("Enter opened %d, want %d", w.doc.ID, docs[1].ID)
	}
	n.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	n.Wait()
	if got := names(n.Entries()); len(got) != 3 || n.search.Text != "" {
		t.Errorf("Escape: search %q, list %v", n.search.Text, got)
	}
}

func names(es []annotations.DocumentEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

func TestWorkspacePalette(t *testing.T) {
	tests := map[string]struct {
		query string
		check func(t *testing.T, e paletteEnv)
	}{
		"a document": {"valm", func(t *testing.T, e paletteEnv) {
			if e.w.doc.ID != e.docs[2].ID {
				t.Errorf("%d is open, want %d", e.w.doc.ID, e.docs[2].ID)
			}
		}},
		"larger text": {"larger", func(t *testing.T, e paletteEnv) {
			if got, want := e.w.view.TextSize(), e.size+2; got != want {
				t.Errorf("text size %v, want %v", got, want)
			}
			if got := e.w.app.Preferences().Float(prefTextSize); float32(got) != e.w.view.TextSize() {
				t.Errorf("the preference says %v", got)
			}
		}},
		"mark done": {"mark done", func(t *testing.T, e paletteEnv) {
			if s := storeStatus(t, e.p, e.docs[0].ID, "alice"); s != annotations.StatusDone {
				t.Errorf("%s is %s", e.docs[0].Name, s)
			}
			if e.w.doc.ID != e.docs[1].ID {
				t.Errorf("%d is open, want %d", e.w.doc.ID, e.docs[1].ID)
			}
		}},
		"find in the article": {"find in", func(t *testing.T, e paletteEnv) {
			if !e.w.find.Visible() || e.w.Canvas().Focused() != fyne.Focusable(e.w.find.entry) {
				t.Errorf("find bar visible %v, focus on %T", e.w.find.Visible(), e.w.Canvas().Focused())
			}
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w, p, docs := newWorkspace(t)
			size := w.view.TextSize()
			typeShortcut(w, custom(fyne.KeyK, ctrlKey))
			pal := w.palette
			if pal == nil || w.Canvas().Overlays().Top() == nil || w.Canvas().Focused() != fyne.Focusable(pal.entry) {
				t.Fatalf("Ctrl+K: palette %v, focus on %T", pal != nil, w.Canvas().Focused())
			}
			typeAndWait(pal.entry, tt.query, pal.Wait)
			pal.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			w.Wait()
			if pal.popup.Visible() {
				t.Error("Enter left the palette open")
			}
			tt.check(t, paletteEnv{w, p, docs, size})
		})
	}
}

// paletteEnv is what a palette test checks: the workspace and the text size before the palette.
type paletteEnv struct {
	w    *Window
	p    *annotations.Project
	docs []annotations.Document
	size float32
}

func TestWorkspacePaletteEscape(t *testing.T) {
	w, _, docs := newWorkspace(t)
	w.openPalette()
	typeAndWait(w.palette.entry, "valm", w.palette.Wait)
	if got := w.palette.Shown(); len(got) == 0 || got[0] != "valmont.txt" {
		t.Errorf("the palette shows %q", got)
	}
	w.palette.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.Wait()
	if w.palette.popup.Visible() || w.doc.ID != docs[0].ID {
		t.Errorf("Escape: palette open %v, document %d open", w.palette.popup.Visible(), w.doc.ID)
	}
}

func TestWorkspaceFirstRun(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	docs := addDocs(t, p, workspaceDocs...)
	w := NewWindow(a, p, "")
	t.Cleanup(func() { w.Wait(); w.Close() })
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog asks for the annotator's name")
	}
	entry, ok := w.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("the focus is on %T, want the name entry", w.Canvas().Focused())
	}
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // no name yet: nothing happens
	select {
	case <-w.Loaded():
		t.Fatal("the workspace loaded without an annotator")
	default:
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("the dialog closed without a name")
	}
	test.Type(entry, " Camille")
	// Enter, as the entry hands it on: the entry's own refresh after OnSubmitted would run alongside
	// the loading that the test driver's fyne.Do runs at once on its goroutine
	entry.OnSubmitted(entry.Text)
	waitLoaded(t, w)
	w.Wait()
	if got := a.Preferences().String(prefAnnotator); got != "Camille" {
		t.Errorf("the preference says %q, want %q", got, "Camille")
	}
	if w.annotator != "Camille" || w.who.Text != "Camille" || w.doc.ID != docs[0].ID {
		t.Errorf("annotator %q, button %q, document %d", w.annotator, w.who.Text, w.doc.ID)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog is still open")
	}
	selectText(t, w, "Nous")
	w.view.TypedRune('1')
	if got := storeSpans(t, p, docs[0].ID, "Camille"); len(got) != 1 {
		t.Errorf("Camille has %d spans, want 1", len(got))
	}
}

func TestWorkspaceAnnotatorPreference(t *testing.T) {
	tests := map[string]struct {
		pref, given, want string
	}{
		"the preference":                {"bob", "", "bob"},
		"the one given wins, and stays": {"bob", "alice", "alice"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefAnnotator, tt.pref)
			p := openProject(t)
			addDocs(t, p, workspaceDocs...)
			w := openWindow(t, a, p, tt.given)
			if w.Canvas().Overlays().Top() != nil {
				t.Error("a dialog asks for a name")
			}
			if w.annotator != tt.want || a.Preferences().String(prefAnnotator) != tt.want {
				t.Errorf("annotator %q, preference %q; want %q", w.annotator, a.Preferences().String(prefAnnotator), tt.want)
			}
		})
	}
}

func TestWorkspaceOpensLastDocument(t *testing.T) {
	tests := map[string]struct {
		work func(t *testing.T, p *annotations.Project, docs []annotations.Document)
		want int
	}{
		"nothing done yet: the first": {func(*testing.T, *annotations.Project, []annotations.Document) {}, 0},
		"a span": {func(t *testing.T, p *annotations.Project, docs []annotations.Document) {
			addSpan(t, p, docs[1], "alice", "figure", "40 drones")
		}, 1},
		"a status after a span": {func(t *testing.T, p *annotations.Project, docs []annotations.Document) {
			addSpan(t, p, docs[1], "alice", "figure", "40 drones")
			if err := p.SetStatus(context.Background(), docs[2].ID, "alice", annotations.StatusDone); err != nil {
				t.Fatal(err)
			}
		}, 2},
		"someone else's work does not count": {func(t *testing.T, p *annotations.Project, docs []annotations.Document) {
			addSpan(t, p, docs[2], "bob", "actor", "Valmont")
		}, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			p := openProject(t)
			docs := addDocs(t, p, workspaceDocs...)
			tt.work(t, p, docs)
			w := openWindow(t, a, p, "alice")
			if w.doc.ID != docs[tt.want].ID {
				t.Errorf("the window opened %d, want %s", w.doc.ID, docs[tt.want].Name)
			}
			if w.nav.current != docs[tt.want].ID {
				t.Errorf("the navigator marks %d as open", w.nav.current)
			}
		})
	}
}

func TestWorkspaceLabelCounts(t *testing.T) {
	w, _, _ := newWorkspace(t)
	steps := []struct {
		name string
		do   func()
		want map[string]int
	}{
		{"none", func() {}, map[string]int{}},
		{"an actor", func() { selectText(t, w, "Nous"); w.view.TypedRune('1') }, map[string]int{"actor": 1}},
		{"another", func() { selectText(t, w, "l’état-major"); w.view.TypedRune('a') }, map[string]int{"actor": 2}},
		{"a claim", func() { selectText(t, w, "« Nous tenons Bakhmout »"); w.view.TypedRune('c') }, map[string]int{"actor": 2, "claim": 1}},
		{"relabel", func() { w.view.NextSpan(1); w.view.TypedRune('w') }, map[string]int{"actor": 1, "claim": 1, "weapon": 1}},
		{"delete", func() { w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete}) }, map[string]int{"actor": 1, "claim": 1}},
		{"undo", func() { w.undo() }, map[string]int{"actor": 1, "claim": 1, "weapon": 1}},
	}
	for _, st := range steps {
		st.do()
		for _, l := range w.labels {
			if got := w.panel.Counts()[l.Name]; got != st.want[l.Name] {
				t.Errorf("%s: %d %s, want %d", st.name, got, l.Name, st.want[l.Name])
			}
		}
		if got, want := panelCounts(w.panel), countTexts(w.labels, st.want); !slices.Equal(got, want) {
			t.Errorf("%s: the panel shows %q, want %q", st.name, got, want)
		}
	}
}

// panelCounts returns, for each label button of the panel, "label count" as drawn.
func panelCounts(p *LabelPanel) []string {
	var out []string
	for _, row := range p.buttons.Objects {
		var name, count string
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *widget.Button:
				name = x.Text
			case *widget.Label:
				count = x.Text // the count is the last label of the row
			case *fyne.Container:
				for _, c := range x.Objects {
					walk(c)
				}
			}
		}
		walk(row)
		out = append(out, name+" "+count)
	}
	return out
}

func countTexts(labels []annotations.Label, counts map[string]int) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = l.Name + " " + strconv.Itoa(counts[l.Name])
	}
	return out
}

func TestWorkspaceNote(t *testing.T) {
	tests := map[string]func(w *Window){
		"saveNote":                 func(w *Window) { w.panel.saveNote() },
		"Enter":                    func(w *Window) { w.panel.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) },
		"selecting another span":   func(w *Window) { key(w.view, fyne.KeyTab) },
		"opening another document": func(w *Window) { w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown}); w.Wait() },
	}
	for name, save := range tests {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			p := openProject(t)
			docs := addDocs(t, p, workspaceDocs...)
			actor := addSpan(t, p, docs[0], "alice", "actor", "Nous")
			claim := addSpan(t, p, docs[0], "alice", "claim", "« Nous tenons Bakhmout »")
			w := openWindow(t, a, p, "alice")
			w.view.SelectSpan(actor.ID)
			if w.panel.note.Disabled() {
				t.Fatal("the note field is disabled with a span selected")
			}
			test.Type(w.panel.note, "selon l’AFP")
			save(w)
			notes := map[int64]string{}
			for _, s := range storeSpans(t, p, docs[0].ID, "alice") {
				notes[s.ID] = s.Note
			}
			if notes[actor.ID] != "selon l’AFP" || notes[claim.ID] != "" {
				t.Errorf("the store has the notes %v", notes)
			}
			typeShortcut(w, &fyne.ShortcutUndo{})
			w.Wait()
			if got := storeSpans(t, p, docs[0].ID, "alice"); got[0].Note != "" || got[1].Note != "" {
				t.Errorf("after undo the notes are %q and %q", got[0].Note, got[1].Note)
			}
			if w.doc.ID != docs[0].ID {
				t.Errorf("the undo left %d open", w.doc.ID)
			}
		})
	}
}

// TestWorkspaceOpensLastDocumentOfALaterPage opens a project with more documents than the navigator's
// first page, the last worked on among the last: the window shows it, the navigator ends with every
// document, counts those done and scrolls to the open one when its page comes in, and Listed closes.
func TestWorkspaceOpensLastDocumentOfALaterPage(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	ctx := context.Background()
	n := 2*navigatorFirstPage + 50
	if _, err := p.Import(ctx, &manyDocs{n: n}, annotations.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	docs, err := p.ListDocuments(ctx, annotations.DocumentQuery{Limit: n})
	if err != nil || len(docs) != n {
		t.Fatalf("the project lists %d documents, %v; want %d", len(docs), err, n)
	}
	for _, st := range []struct {
		k      int
		status annotations.Status
	}{{10, annotations.StatusDone}, {n - 20, annotations.StatusDone}, {n - 5, annotations.StatusInProgress}} {
		if err := p.SetStatus(ctx, docs[st.k].ID, "alice", st.status); err != nil {
			t.Fatal(err)
		}
	}
	last := docs[n-5]
	w := openWindow(t, a, p, "alice")
	select {
	case <-w.Listed():
	case <-time.After(10 * time.Second):
		t.Fatal("the navigator did not list every document")
	}
	w.Wait()
	if w.doc.ID != last.ID || w.nav.current != last.ID {
		t.Errorf("the window opened %d and the navigator marks %d, want %s", w.doc.ID, w.nav.current, last.Name)
	}
	if got := len(w.nav.Entries()); got != n {
		t.Errorf("the navigator lists %d documents, want %d", got, n)
	}
	if w.nav.done != 2 || w.nav.progress.Value != 2/float64(n) {
		t.Errorf("the navigator counts %d done (progress %v), want 2", w.nav.done, w.nav.progress.Value)
	}
	if w.nav.list.GetScrollOffset() == 0 {
		t.Error("the navigator did not scroll to the open document, which came in its second page")
	}
}
