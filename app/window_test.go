package app

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

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
	case <-w.Loaded():
	case <-time.After(10 * time.Second):
		t.Fatal("the window did not load")
	}
}

// addDocs adds documents to p, in order.
func addDocs(t *testing.T, p *annotations.Project, docs ...annotations.NewDocument) []annotations.Document {
	t.Helper()
	out := make([]annotations.Document, len(docs))
	for i, nd := range docs {
		d, added, err := p.AddDocument(context.Background(), nd)
		if err != nil || !added {
			t.Fatalf("add %s: added %v, %v", nd.Name, added, err)
		}
		out[i] = d
	}
	return out
}

// addSpan adds a span of the first sub in document d's text straight to the store.
func addSpan(t *testing.T, p *annotations.Project, d annotations.Document, annotator, label, sub string) annotations.Span {
	t.Helper()
	s, err := p.Text(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := rangeOf(t, s, sub)
	sp, _, err := p.AddSpan(context.Background(), annotations.NewSpan{DocumentID: d.ID, Annotator: annotator, Label: label, Start: r.Start, End: r.End})
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// openWindow opens the workspace of p on app a for annotator and waits until it shows its first
// document and has finished loading.
func openWindow(t *testing.T, a fyne.App, p *annotations.Project, annotator string) *Window {
	t.Helper()
	w := NewWindow(a, p, annotator)
	w.noOffers = true // tests of propagation turn it back on and wait for the search
	t.Cleanup(func() { w.Wait(); w.Close() })
	waitLoaded(t, w)
	w.Wait()
	return w
}

// storeSpans returns the annotator's spans of document id as the store has them.
func storeSpans(t *testing.T, p *annotations.Project, id int64, annotator string) []annotations.Span {
	t.Helper()
	spans, err := p.Spans(context.Background(), id, annotator)
	if err != nil {
		t.Fatal(err)
	}
	return spans
}

// storeStatus returns the annotator's status of document id as the store has it.
func storeStatus(t *testing.T, p *annotations.Project, id int64, annotator string) annotations.Status {
	t.Helper()
	s, err := p.Status(context.Background(), id, annotator)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// describe writes spans as `label "text"` over the text of view v, in order.
func describe(v *ArticleView, spans []annotations.Span) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = fmt.Sprintf("%s %q", s.Label, v.Text(s.Start, s.End))
	}
	return out
}

// typeShortcut types s on w's canvas, as the driver does with a key combination no focused widget takes.
func typeShortcut(w *Window, s fyne.Shortcut) {
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}
