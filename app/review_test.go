package app

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

const reviewArticle = "Le colonel Darbois a annoncé environ 1.100 pertes et des lance-roquettes de 240 mm près de Valmont."

// newReview opens rita's workspace on a project where alice, bob and carol annotated the first of two
// documents, and turns review mode on.
func newReview(t *testing.T) (*Window, *annotations.Project, []annotations.Document) {
	t.Helper()
	a := test.NewTempApp(t)
	p := openProject(t)
	docs := addDocs(t, p, annotations.NewDocument{Name: "valmont.txt", Text: reviewArticle},
		annotations.NewDocument{Name: "second.txt", Text: "Kresny : 40 drones abattus."})
	for _, who := range []string{"alice", "bob", "carol"} {
		addSpan(t, p, docs[0], who, "actor", "colonel Darbois") // unanimous
	}
	addSpan(t, p, docs[0], "alice", "figure", "environ 1.100 pertes")
	addSpan(t, p, docs[0], "bob", "figure", "1.100 pertes")
	addSpan(t, p, docs[0], "carol", "figure", "environ 1.100 pertes")
	addSpan(t, p, docs[0], "bob", "weapon", "lance-roquettes de 240 mm") // bob alone
	addSpan(t, p, docs[1], "alice", "figure", "40 drones")
	w := openWindow(t, a, p, "rita")
	typeShortcut(w, custom(fyne.KeyR, ctrlKey|shiftKey))
	w.Wait()
	if !w.review.on || w.doc.ID != docs[0].ID {
		t.Fatalf("review mode %v on document %d, want on %d", w.review.on, w.doc.ID, docs[0].ID)
	}
	return w, p, docs
}

// gold returns the gold layer of document id as the store has it, as describe writes spans.
func gold(t *testing.T, w *Window, p *annotations.Project, id int64) []string {
	t.Helper()
	return describe(w.view, storeSpans(t, p, id, annotations.Gold))
}

func TestReviewModeShowsEveryAnnotator(t *testing.T) {
	w, p, docs := newReview(t)
	// the unanimous actor was accepted on opening
	want := []string{`actor "colonel Darbois"`}
	if got := gold(t, w, p, docs[0].ID); !slices.Equal(got, want) {
		t.Fatalf("gold %q, want %q", got, want)
	}
	if shown := describe(w.view, w.view.Spans()); !slices.Equal(shown, want) {
		t.Errorf("the view's own spans are %q, want the gold layer %q", shown, want)
	}
	var layers []string
	for _, l := range w.view.layers {
		layers = append(layers, l.Name)
		if len(l.Spans) == 0 {
			t.Errorf("layer %s has no spans", l.Name)
		}
	}
	if !slices.Equal(layers, []string{"alice", "bob", "carol"}) {
		t.Errorf("layers %v", layers)
	}
	if n := len(w.review.conflicts); n != 2 {
		t.Fatalf("%d conflicts, want 2 (the figure's edges, bob's lone weapon)", n)
	}
	g, ok := w.currentConflict()
	if !ok || w.view.Text(g.Start, g.End) != "environ 1.100 pertes" || w.view.mark == nil || *w.view.mark != (text.Range{Start: g.Start, End: g.End}) {
		t.Errorf("current conflict %q (%v), mark %v", w.view.Text(g.Start, g.End), ok, w.view.mark)
	}
	if r, _ := p.Review(context.Background(), docs[0].ID); r.Status != annotations.ReviewInProgress || r.Reviewer != "rita" {
		t.Errorf("review %+v, want in review by rita", r)
	}
	if v := w.nav.scores[docs[0].ID]; !v.Defined || v.V <= 0 || v.V >= 1 {
		t.Errorf("navigator agreement of the reviewed document %v, want a defined F1 below 1", v)
	}
	if e, _ := w.nav.Entry(docs[0].ID); reviewText(e.Status) != "in review" {
		t.Errorf("navigator row status %s", e.Status)
	}
	// turning review off shows rita's own (empty) layer again
	typeShortcut(w, custom(fyne.KeyR, ctrlKey|shiftKey))
	w.Wait()
	if w.review.on || len(w.view.layers) != 0 || w.view.mark != nil || len(w.view.Spans()) != 0 {
		t.Errorf("after review mode: on %v, %d layers, mark %v, %d spans", w.review.on, len(w.view.layers), w.view.mark, len(w.view.Spans()))
	}
}

func TestReviewKeys(t *testing.T) {
	w, p, docs := newReview(t)
	id := docs[0].ID
	key := func(name fyne.KeyName) { w.view.TypedKey(&fyne.KeyEvent{Name: name}) }
	steps := []struct {
		name    string
		do      func()
		gold    []string
		current string // the current conflict's text
	}{
		{"2 accepts bob's version and moves on", func() { w.view.TypedRune('2') },
			[]string{`actor "colonel Darbois"`, `figure "1.100 pertes"`}, "lance-roquettes de 240 mm"},
		{"x rejects bob's lone weapon", func() { w.view.TypedRune('x') },
			[]string{`actor "colonel Darbois"`, `figure "1.100 pertes"`}, "lance-roquettes de 240 mm"},
		{"Up goes back", func() { key(fyne.KeyUp) },
			[]string{`actor "colonel Darbois"`, `figure "1.100 pertes"`}, "environ 1.100 pertes"},
		{"1 replaces bob's version with alice's", func() { w.view.TypedRune('1') },
			[]string{`actor "colonel Darbois"`, `figure "environ 1.100 pertes"`}, "lance-roquettes de 240 mm"},
		{"k goes back", func() { w.view.TypedRune('k') },
			[]string{`actor "colonel Darbois"`, `figure "environ 1.100 pertes"`}, "environ 1.100 pertes"},
		{"e then 4 relabels the gold span", func() { w.view.TypedRune('e'); w.view.TypedRune('4') },
			[]string{`actor "colonel Darbois"`, `claim "environ 1.100 pertes"`}, "environ 1.100 pertes"},
		{"Esc leaves editing, j moves on", func() { key(fyne.KeyEscape); w.view.TypedRune('j') },
			[]string{`actor "colonel Darbois"`, `claim "environ 1.100 pertes"`}, "lance-roquettes de 240 mm"},
		{"undo the relabel", func() { typeShortcut(w, &fyne.ShortcutUndo{}) },
			[]string{`actor "colonel Darbois"`, `figure "environ 1.100 pertes"`}, ""},
		{"undo alice's version", func() { typeShortcut(w, &fyne.ShortcutUndo{}) },
			[]string{`actor "colonel Darbois"`, `figure "1.100 pertes"`}, ""},
		{"undo the rejection, then bob's version", func() {
			typeShortcut(w, &fyne.ShortcutUndo{})
			typeShortcut(w, &fyne.ShortcutUndo{})
		}, []string{`actor "colonel Darbois"`}, ""},
		{"redo bob's version", func() { typeShortcut(w, &fyne.ShortcutRedo{}) },
			[]string{`actor "colonel Darbois"`, `figure "1.100 pertes"`}, ""},
	}
	for _, st := range steps {
		st.do()
		if got := gold(t, w, p, id); !slices.Equal(got, st.gold) {
			t.Fatalf("%s: gold %q, want %q", st.name, got, st.gold)
		}
		if shown := describe(w.view, w.view.Spans()); !slices.Equal(shown, st.gold) {
			t.Fatalf("%s: the view shows %q, want %q", st.name, shown, st.gold)
		}
		if st.current != "" {
			g, ok := w.currentConflict()
			if !ok || w.view.Text(g.Start, g.End) != st.current {
				t.Fatalf("%s: current conflict %q (%v), want %q", st.name, w.view.Text(g.Start, g.End), ok, st.current)
			}
		}
	}
	rd, err := p.ReviewDocument(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(rd.Rejections) != 0 {
		t.Errorf("rejections after undoing the rejection: %v", rd.Rejections)
	}
	for _, s := range storeSpans(t, p, id, "bob") {
		if s.Label == "weapon" {
			return // annotators' spans are never touched by review
		}
	}
	t.Error("bob's weapon span is gone")
}

func TestReviewRuleAndReviewed(t *testing.T) {
	w, p, docs := newReview(t)
	// "2 agree" accepts alice's and carol's figure
	w.reviewPanel.majority.SetSelectedIndex(1)
	want := []string{`actor "colonel Darbois"`, `figure "environ 1.100 pertes"`}
	if got := gold(t, w, p, docs[0].ID); !slices.Equal(got, want) {
		t.Fatalf("gold with the majority rule %q, want %q", got, want)
	}
	if rule := w.acceptRule(); !rule.Unanimous || rule.Majority != 2 {
		t.Errorf("rule kept in the preferences: %+v", rule)
	}
	typeShortcut(w, custom(fyne.KeyReturn, ctrlKey))
	w.Wait()
	r, err := p.Review(context.Background(), docs[0].ID)
	if err != nil || r.Status != annotations.ReviewDone || r.Reviewer != "rita" {
		t.Errorf("review %+v (%v), want reviewed by rita", r, err)
	}
	if w.doc.ID != docs[1].ID {
		t.Errorf("opened document %d after Ctrl+Enter, want the next one %d", w.doc.ID, docs[1].ID)
	}
	if e, _ := w.nav.Entry(docs[0].ID); e.Status != annotations.StatusDone {
		t.Errorf("navigator row status %s, want the gold layer done (reviewed)", e.Status)
	}
	// one annotator: nothing is accepted by itself, the span is the reviewer's to decide
	if got := gold(t, w, p, docs[1].ID); len(got) != 0 {
		t.Errorf("gold of a document one annotator did: %q", got)
	}
	if n := len(w.review.conflicts); n != 1 {
		t.Errorf("%d conflicts in a document one annotator did, want 1", n)
	}
}
