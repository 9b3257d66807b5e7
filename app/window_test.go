package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	_ "github.com/tagdesk/tagdesk/internal/locale" // quiet Fyne's locale warning under C.UTF-8
)

func openProject(t *testing.T) *annotations.Project {
	t.Helper()
	p, err := annotations.Open(context.Background(), filepath.Join(t.TempDir(), "gui.tagdesk"), annotations.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func waitLoaded(t *testing.T, w *Window) {
	t.Helper()
	select {
	case <-w.loaded:
	case <-time.After(10 * time.Second):
		t.Fatal("the window did not load")
	}
}

func TestWindowShowsProject(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	ctx := context.Background()
	d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: "front-est.txt", Text: "« Nous tenons Bakhmout », dit l’état-major.\nSuite."})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.AddSpan(ctx, annotations.NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 30, End: 42}); err != nil {
		t.Fatal(err)
	}

	w := NewWindow(a, p, "alice")
	defer w.Close()
	waitLoaded(t, w)

	if !strings.HasPrefix(w.Title(), "Tagdesk — gui.tagdesk") {
		t.Errorf("title %q", w.Title())
	}
	if got := w.summary.Text; got != "1 document · 1 span" {
		t.Errorf("summary %q", got)
	}
	if len(w.entries) != 1 || w.entries[0].Status != annotations.StatusInProgress || w.entries[0].Spans != 1 {
		t.Errorf("entries %+v", w.entries)
	}
	row := w.docs.CreateItem()
	w.docs.UpdateItem(0, row)
	texts := labelTexts(row)
	if len(texts) != 2 || texts[0] != "front-est.txt  ·  50 characters" || texts[1] != "« Nous tenons Bakhmout », dit l’état-major." {
		t.Errorf("document row %q", texts)
	}
	var labels []string
	for _, o := range w.labels.Objects {
		labels = append(labels, labelTexts(o)[0])
	}
	want := []string{"actor  [a]  ·  1 span", "figure  [f]  ·  0 spans", "weapon  [w]  ·  0 spans", "claim  [c]  ·  0 spans"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("labels %q, want %q", labels, want)
	}
	if got := w.people.Text; got != "alice: 1 span; 0 done, 1 in progress, 0 new\n" {
		t.Errorf("annotators %q", got)
	}
}

func TestWindowEmptyProject(t *testing.T) {
	a := test.NewTempApp(t)
	w := NewWindow(a, openProject(t), "")
	defer w.Close()
	waitLoaded(t, w)
	if w.summary.Text != "0 documents · 0 spans" || w.people.Text != "No one has annotated yet." {
		t.Errorf("summary %q, people %q", w.summary.Text, w.people.Text)
	}
}

// labelTexts returns the texts of the labels under o, in order.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
