package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
)

// TestAttrValueTypedStaysWithItsSpan: a value typed for one span and not yet saved is saved for that
// span when another is picked in the panel's list, never onto the other.
func TestAttrValueTypedStaysWithItsSpan(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	docs := addDocs(t, p, annotations.NewDocument{Name: "p.txt", Text: "Kyiv fait état de 30 morts et de 12 chars."})
	first := addSpan(t, p, docs[0], "alice", "figure", "30 morts")
	second := addSpan(t, p, docs[0], "alice", "figure", "12 chars")
	w := openWindow(t, a, p, "alice")
	w.view.SelectSpan(first.ID)
	value := w.panel.attrs.fields["value"].widget.(*commitEntry)
	w.Canvas().Focus(value)
	value.SetText("999") // typed, not yet committed
	for i, s := range w.panel.spans {
		if s.ID == second.ID {
			w.panel.list.Select(i)
		}
	}
	w.Wait()
	for _, s := range storeSpans(t, p, docs[0].ID, "alice") {
		if s.ID == second.ID && s.Attrs["value"] == 999.0 {
			t.Errorf("the value typed for span %d was saved onto span %d", first.ID, second.ID)
		}
		if s.ID == first.ID && s.Attrs["value"] != 999.0 {
			t.Errorf("the value typed for span %d before picking another was lost: it has %v", first.ID, s.Attrs)
		}
	}
}
