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
