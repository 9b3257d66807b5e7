package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/tagdesk/tagdesk/annotations"
)

// TestWorkspaceStaleEditReloads changes a span the window shows through a second handle on the file,
// as another window or program would: the window's edit by key is refused, the status line says so,
// and the window shows the span as the other program left it.
func TestWorkspaceStaleEditReloads(t *testing.T) {
	ctx := context.Background()
	elsewhere := map[string]struct {
		change func(q *annotations.Project, id int64) error
		want   []string // the spans then, as checkSpans takes them
		msg    string
	}{
		"relabelled": {func(q *annotations.Project, id int64) error {
			_, err := q.RelabelSpan(ctx, id, "weapon")
			return err
		}, []string{`weapon "Bakhmout"`}, "This span was changed in another window or program: the document was reloaded; make your change again."},
		"deleted": {func(q *annotations.Project, id int64) error {
			_, err := q.DeleteSpan(ctx, id)
			return err
		}, nil, "This span was deleted in another window or program: the document was reloaded."},
	}
	edits := map[string]func(w *Window){
		"relabel key": func(w *Window) { w.view.TypedRune('c') },
		"delete key":  func(w *Window) { w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete}) },
	}
	for ename, e := range elsewhere {
		for name, edit := range edits {
			t.Run(ename+"/"+name, func(t *testing.T) {
				w, p, _ := newWorkspace(t)
				selectText(t, w, "Bakhmout")
				w.view.TypedRune('a')
				s, ok := w.view.SelectedSpan()
				if !ok {
					t.Fatal("the new span is not selected")
				}
				q, err := annotations.Open(ctx, p.Path(), annotations.OpenOptions{})
				if err != nil {
					t.Fatal(err)
				}
				defer q.Close()
				if err := e.change(q, s.ID); err != nil {
					t.Fatal(err)
				}

				edit(w)
				if !strings.Contains(w.saved.Text, e.msg) {
					t.Errorf("the status line says %q, want %q", w.saved.Text, e.msg)
				}
				checkSpans(t, w, p, e.want...) // the other program's change, kept and shown
				if got, ok := w.view.SelectedSpan(); ok != (e.want != nil) || ok && got.ID != s.ID {
					t.Errorf("selected %+v (%v), want the span as reloaded if it exists", got, ok)
				}
				if got := w.history.UndoName(); got != "add actor span" {
					t.Errorf("the refused edit was recorded: undo would %q", got)
				}
			})
		}
	}
}

// TestStaleNoteOnSelectionChange: a note typed on a span that another program changed meanwhile is
// refused once when another span is picked in the list, and the pick goes through (the refusal's
// reload used to select again, save again and never end).
func TestStaleNoteOnSelectionChange(t *testing.T) {
	ctx := context.Background()
	w, p, _ := newWorkspace(t)
	for _, s := range []struct{ text, key string }{{"Bakhmout", "a"}, {"Deux chars", "w"}} {
		selectText(t, w, s.text)
		w.view.TypedRune([]rune(s.key)[0])
	}
	spans := w.view.Spans()
	a, b := spans[0], spans[1]
	w.view.SelectSpan(a.ID)
	w.panel.note.SetText("typed, not saved yet")
	q, err := annotations.Open(ctx, p.Path(), annotations.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if _, err := q.RelabelSpan(ctx, a.ID, "claim"); err != nil {
		t.Fatal(err)
	}
	for i, s := range w.panel.spans {
		if s.ID == b.ID {
			w.panel.list.Select(i)
		}
	}
	w.Wait()
	if got, ok := w.view.SelectedSpan(); !ok || got.ID != b.ID {
		t.Errorf("selected %+v (%v), want the span picked", got, ok)
	}
	if !strings.Contains(w.saved.Text, "changed in another window or program") {
		t.Errorf("the status line says %q", w.saved.Text)
	}
	for _, s := range storeSpans(t, p, w.doc.ID, "alice") {
		if s.ID == a.ID && (s.Note != "" || s.Label != "claim") {
			t.Errorf("the other program's span became %+v", s)
		}
	}
}

// TestAttrValueSavedWhenDocumentChanges: a value typed and not yet saved is saved for its span when
// another document opens (it used to be refused as changed elsewhere once the view held the new one).
func TestAttrValueSavedWhenDocumentChanges(t *testing.T) {
	w, p, docs := newWorkspace(t)
	selectText(t, w, "Deux chars")
	w.view.TypedRune('f')
	fig, ok := w.view.SelectedSpan()
	if !ok {
		t.Fatal("no span selected")
	}
	value := w.panel.attrs.fields["value"].widget.(*commitEntry)
	value.SetText("7") // typed, not yet committed
	w.open(docs[1].ID)
	w.Wait()
	for _, s := range storeSpans(t, p, docs[0].ID, "alice") {
		if s.ID == fig.ID && s.Attrs["value"] != 7.0 {
			t.Errorf("the figure has %v, want the typed value 7", s.Attrs)
		}
	}
	if strings.Contains(w.saved.Text, "another window") {
		t.Errorf("the status line says %q", w.saved.Text)
	}
}
