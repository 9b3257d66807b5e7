package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// TestPanelAttributes selects a figure span, reads its derived values in the panel, edits them there
// and undoes the edit.
func TestPanelAttributes(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	docs := addDocs(t, p, annotations.NewDocument{Name: "pertes.txt", Text: "Kyiv fait état d’environ 1.100 pertes russes 🇺🇦."})
	figure := addSpan(t, p, docs[0], "alice", "figure", "1.100")
	actor := addSpan(t, p, docs[0], "alice", "actor", "Kyiv")
	w := openWindow(t, a, p, "alice")
	stored := func() annotations.Attrs {
		for _, s := range storeSpans(t, p, docs[0].ID, "alice") {
			if s.ID == figure.ID {
				return s.Attrs
			}
		}
		t.Fatal("the figure span is gone")
		return nil
	}

	w.view.SelectSpan(figure.ID)
	fields := w.panel.attrs.fields
	value := fields["value"].widget.(*commitEntry)
	unit := fields["unit"].widget.(*widget.Select)
	approx := fields["approximate"].widget.(*widget.Check)
	if value.Text != "1100" || unit.Selected != "casualties" || !approx.Checked {
		t.Fatalf("the panel shows value %q, unit %q, approximate %v", value.Text, unit.Selected, approx.Checked)
	}

	w.Canvas().Focus(value)
	value.SetText("1 200")
	value.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := stored(); !annotations.EqualAttrs(got, annotations.Attrs{"value": 1200.0, "unit": "casualties", "approximate": true}) {
		t.Errorf("after editing the value the store has %v", got)
	}
	value.SetText("beaucoup") // not a number: refused, nothing saved
	value.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := stored()["value"]; got != 1200.0 || value.Validate() == nil {
		t.Errorf("after a word the store has %v and the field is valid", got)
	}
	unit.SetSelected("troops")
	test.Tap(approx)
	if got := stored(); !annotations.EqualAttrs(got, annotations.Attrs{"value": 1200.0, "unit": "troops", "approximate": false}) {
		t.Errorf("after the select and the check the store has %v", got)
	}
	if got := w.history.UndoName(); got != "edit attributes of figure span" {
		t.Errorf("undo names %q", got)
	}

	for range 3 {
		typeShortcut(w, &fyne.ShortcutUndo{})
		w.Wait()
	}
	if got := stored(); !annotations.EqualAttrs(got, figure.Attrs) {
		t.Errorf("after undo the store has %v, want %v", got, figure.Attrs)
	}
	w.view.SelectSpan(figure.ID)
	if value.Text != "1100" {
		t.Errorf("after undo the panel shows %q", value.Text)
	}

	w.view.SelectSpan(actor.ID) // a label without attributes shows none
	if len(w.panel.attrs.box.Objects) != 0 {
		t.Errorf("an actor span shows %d attribute fields", len(w.panel.attrs.box.Objects))
	}
}
