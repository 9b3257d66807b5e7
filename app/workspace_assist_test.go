package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

// storeRelations describes the relations alice has in the open document as "FROM -type-> TO", with the
// spans' texts.
func storeRelations(t *testing.T, w *Window, p *annotations.Project) []string {
	t.Helper()
	rels, err := p.Relations(context.Background(), w.doc.ID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rels {
		from, err1 := p.Span(context.Background(), r.From)
		to, err2 := p.Span(context.Background(), r.To)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		out = append(out, fmt.Sprintf("%s -%s-> %s", w.view.Text(from.Start, from.End), r.Type, w.view.Text(to.Start, to.End)))
	}
	slices.Sort(out)
	return out
}

func TestWorkspaceRelationKeys(t *testing.T) {
	w, p, _ := newWorkspace(t)
	selectText(t, w, "« Nous tenons Bakhmout »")
	w.view.TypedRune('c')
	selectText(t, w, "état-major")
	w.view.TypedRune('a')
	claim := w.view.Spans()[0]
	if claim.Label != "claim" {
		t.Fatalf("the first span is %s", claim.Label)
	}

	// r with nothing selected explains itself
	w.view.ClearSelection()
	w.view.TypedRune('r')
	if w.palette != nil && w.palette.popup.Visible() {
		t.Fatal("r with no span selected opened the list")
	}
	if !strings.Contains(w.saved.Text, "Select a span first") {
		t.Errorf("message %q", w.saved.Text)
	}

	// select the claim, r, type a few letters of the actor, Enter
	w.view.SelectSpan(claim.ID)
	w.view.TypedRune('r')
	pal := w.palette
	if pal == nil || !pal.popup.Visible() || w.Canvas().Focused() != fyne.Focusable(pal.entry) {
		t.Fatal("r on the claim opened no list with the focus in it")
	}
	if got := pal.Shown(); len(got) != 1 || !strings.Contains(got[0], "état-major") {
		t.Fatalf("the list offers %q, want the actor alone", got)
	}
	typeAndWait(pal.entry, "major", pal.Wait)
	pal.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := []string{"« Nous tenons Bakhmout » -attributed_to-> état-major"}
	if got := storeRelations(t, w, p); !slices.Equal(got, want) {
		t.Fatalf("after r and Enter the store has %q, want %q", got, want)
	}
	if len(w.view.relations) != 1 || w.Canvas().Focused() != fyne.Focusable(w.view) {
		t.Errorf("the view draws %d relations and the focus is on %T", len(w.view.relations), w.Canvas().Focused())
	}
	if !strings.Contains(w.status.Text, "→ attributed_to actor “état-major”") {
		t.Errorf("the status line does not show the link: %q", w.status.Text)
	}

	// undo removes the link, redo brings it back
	typeShortcut(w, &fyne.ShortcutUndo{})
	if got := storeRelations(t, w, p); len(got) != 0 || len(w.view.relations) != 0 {
		t.Errorf("after undo: store %q, view %d", got, len(w.view.relations))
	}
	typeShortcut(w, &fyne.ShortcutRedo{})
	if got := storeRelations(t, w, p); !slices.Equal(got, want) || len(w.view.relations) != 1 {
		t.Errorf("after redo: store %q, view %d", got, len(w.view.relations))
	}

	// picking the linked span again unlinks it
	w.view.SelectSpan(claim.ID)
	w.view.TypedRune('r')
	if got := w.palette.shown; len(got) != 1 || got[0].Detail != "unlink" {
		t.Fatalf("the list offers %v, want the actor to unlink", got)
	}
	w.palette.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := storeRelations(t, w, p); len(got) != 0 {
		t.Errorf("after unlinking: %q", got)
	}

	// Ctrl+click links by mouse; deleting the actor takes the link, undo brings both back
	w.view.SelectSpan(claim.ID)
	actor := w.view.Spans()[1]
	click(w.view, charPos(w.view, actor.Start+1), ctrlKey)
	if got := storeRelations(t, w, p); !slices.Equal(got, want) {
		t.Fatalf("after Ctrl+click: %q", got)
	}
	w.view.SelectSpan(actor.ID)
	w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if got := storeRelations(t, w, p); len(got) != 0 || len(w.view.relations) != 0 {
		t.Errorf("after deleting the actor: store %q, view %d", got, len(w.view.relations))
	}
	typeShortcut(w, &fyne.ShortcutUndo{})
	if got := storeRelations(t, w, p); !slices.Equal(got, want) || len(w.view.relations) != 1 {
		t.Errorf("after undoing the deletion: store %q, view %d", got, len(w.view.relations))
	}
}

// addRule stores a rule and runs the rules on the open document, then opens it again.
func addRule(t *testing.T, w *Window, p *annotations.Project, label string, kind annotations.RuleKind, pattern string) {
	t.Helper()
	if _, err := p.AddRule(context.Background(), annotations.Rule{Label: label, Kind: kind, Pattern: pattern, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RunRules(context.Background(), []int64{w.doc.ID}); err != nil {
		t.Fatal(err)
	}
	w.open(w.doc.ID)
	w.Wait()
}

func suggested(w *Window) []string {
	var out []string
	for _, sg := range w.view.Suggestions() {
		out = append(out, fmt.Sprintf("%s %q", sg.Label, w.view.Text(sg.Start, sg.End)))
	}
	return out
}

func TestWorkspaceSuggestionKeys(t *testing.T) {
	w, p, _ := newWorkspace(t)
	rules, err := p.Rules(context.Background()) // a new project's default rules
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if err := p.DeleteRule(context.Background(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	addRule(t, w, p, "actor", annotations.RuleWords, "état-major\nNous")
	addRule(t, w, p, "weapon", annotations.RuleWords, "chars")
	if got, want := suggested(w), []string{`actor "Nous"`, `actor "état-major"`, `weapon "chars"`}; !slices.Equal(got, want) {
		t.Fatalf("suggestions %q, want %q", got, want)
	}
	if !strings.Contains(w.status.Text, "3 suggestions") {
		t.Errorf("status %q does not count the suggestions", w.status.Text)
	}

	w.view.TypedRune('n') // to "Nous"
	if !strings.Contains(w.status.Text, "suggestion: actor “Nous”") {
		t.Errorf("status on a suggestion: %q", w.status.Text)
	}
	w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // accept: on to "état-major"
	checkSpans(t, w, p, `actor "Nous"`)
	if sg, ok := w.view.CurrentSuggestion(); !ok || w.view.Text(sg.Start, sg.End) != "état-major" {
		t.Fatalf("after accepting, the current suggestion is %v %v, want état-major", sg, ok)
	}
	w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace}) // reject: on to "chars"
	checkSpans(t, w, p, `actor "Nous"`)
	w.view.TypedRune('4') // accept "chars" as claim (the 4th label): the weapon suggestion goes
	checkSpans(t, w, p, `actor "Nous"`, `claim "chars"`)
	if got := suggested(w); len(got) != 0 {
		t.Errorf("suggestions left: %q", got)
	}

	// the rejection is stored: running the rules again does not bring it back
	if _, err := p.RunRules(context.Background(), []int64{w.doc.ID}); err != nil {
		t.Fatal(err)
	}
	w.open(w.doc.ID)
	w.Wait()
	if got := suggested(w); len(got) != 0 {
		t.Errorf("after running the rules again: %q", got)
	}

	// undo, step by step: the claim, the rejection, the acceptance
	for i, want := range [][]string{
		{`actor "Nous"`, `weapon "chars"`},
		{`actor "Nous"`, `actor "état-major"`, `weapon "chars"`},
	} {
		typeShortcut(w, &fyne.ShortcutUndo{})
		w.Wait()
		shown := append(describe(w.view, w.view.Spans()), suggested(w)...)
		if !slices.Equal(shown, want) {
			t.Errorf("undo %d: spans and suggestions %q, want %q", i+1, shown, want)
		}
	}
	typeShortcut(w, &fyne.ShortcutUndo{})
	checkSpans(t, w, p)

	// accept all, one undo
	typeShortcut(w, custom(fyne.KeyA, ctrlKey|shiftKey))
	checkSpans(t, w, p, `actor "Nous"`, `actor "état-major"`, `weapon "chars"`)
	typeShortcut(w, &fyne.ShortcutUndo{})
	checkSpans(t, w, p)
	if got := suggested(w); len(got) != 3 {
		t.Errorf("after undoing accept-all, %d suggestions shown", len(got))
	}
}

func TestWorkspacePropagation(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	docs := addDocs(t, p,
		annotations.NewDocument{Name: "a.txt", Text: "Wagner avance. Les hommes de Wagner, dit-on, et wagner encore. Wagnerien non."},
		annotations.NewDocument{Name: "b.txt", Text: "Selon Wagner, 40 morts."},
		annotations.NewDocument{Name: "c.txt", Text: "Rien ici."})
	w := openWindow(t, a, p, "alice")
	w.noOffers = false
	count := func(id int64) int { return len(storeSpans(t, p, id, "alice")) }

	selectText(t, w, "Wagner")
	w.view.TypedRune('a')
	w.Wait()
	if !w.propBar.Visible() || !strings.Contains(w.propBar.message.Text, "“Wagner”: 2 more here, 1 in 1 other document") {
		t.Fatalf("after labelling Wagner the bar shows %v %q", w.propBar.Visible(), w.propBar.message.Text)
	}
	// match case: "wagner" is no longer counted
	// (the check's own callback does this; Fyne's test driver would run the search's fyne.Do while the
	// check still refreshes itself)
	w.propBar.SetMatchCase(true)
	w.offerPropagation(w.prop.span)
	w.Wait()
	if !strings.Contains(w.propBar.message.Text, "1 more here, 1 in 1 other document") {
		t.Errorf("with match case the bar shows %q", w.propBar.message.Text)
	}
	w.propBar.SetMatchCase(false)
	w.offerPropagation(w.prop.span)
	w.Wait()

	typeShortcut(w, custom(fyne.KeyP, ctrlKey)) // here only
	if w.propBar.Visible() || count(docs[0].ID) != 3 || count(docs[1].ID) != 0 {
		t.Fatalf("Ctrl+P: bar %v, spans %d here and %d in b.txt; want 3 and 0", w.propBar.Visible(), count(docs[0].ID), count(docs[1].ID))
	}
	checkSpans(t, w, p, `actor "Wagner"`, `actor "Wagner"`, `actor "wagner"`)
	typeShortcut(w, &fyne.ShortcutUndo{})
	checkSpans(t, w, p, `actor "Wagner"`)

	// everywhere, as suggestions
	w.view.SelectSpan(w.view.Spans()[0].ID)
	w.view.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	selectText(t, w, "Wagner")
	w.view.TypedRune('a')
	w.Wait()
	w.propBar.suggest.SetChecked(true)
	typeShortcut(w, custom(fyne.KeyP, ctrlKey|shiftKey))
	if count(docs[1].ID) != 0 || len(w.view.Suggestions()) != 2 {
		t.Fatalf("Ctrl+Shift+P as suggestions: %d spans in b.txt, %d suggestions here; want 0 and 2", count(docs[1].ID), len(w.view.Suggestions()))
	}
	sgs, err := p.Suggestions(context.Background(), docs[1].ID, "alice", 0)
	if err != nil || len(sgs) != 1 || sgs[0].Source != annotations.SourcePropagation {
		t.Errorf("b.txt's suggestions: %v %v", sgs, err)
	}
	if !w.app.Preferences().Bool(prefPropagateSuggest) {
		t.Error("the choice of suggestions is not remembered")
	}
	// opening another document withdraws the offer
	selectText(t, w, "hommes")
	w.view.TypedRune('a')
	w.Wait()
	w.open(docs[2].ID)
	w.Wait()
	if w.propBar.Visible() {
		t.Error("the bar stayed open on another document")
	}
}

func TestWorkspaceScoreThreshold(t *testing.T) {
	w, p, _ := newWorkspace(t)
	line := fmt.Sprintf(`{"text": %q, "spans": [{"start": 2, "end": 6, "label": "actor", "score": 0.9}, {"start": 30, "end": 40, "label": "actor", "score": 0.3}, {"start": 7, "end": 13, "label": "weapon"}]}`, article)
	if _, err := p.ImportSuggestions(context.Background(), formats.NewJSONLReader(strings.NewReader(line), "model.jsonl"),
		annotations.SuggestionImportOptions{Source: "ner-v2"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		min  float64
		want int
	}{{0, 3}, {0.5, 2}, {0.95, 1}} {
		w.app.Preferences().SetFloat(prefMinScore, tc.min)
		w.open(w.doc.ID)
		w.Wait()
		if got := len(w.view.Suggestions()); got != tc.want {
			t.Errorf("threshold %.2f: %d suggestions shown, want %d", tc.min, got, tc.want)
		}
	}
	w.app.Preferences().SetFloat(prefMinScore, 0)
	w.open(w.doc.ID)
	w.Wait()
	w.view.TypedRune('n')
	if !strings.Contains(w.status.Text, "(ner-v2, score 0.90)") {
		t.Errorf("the status line does not name the model and score: %q", w.status.Text)
	}
}

// TestWorkspaceSuggestionCount: reading the suggestions again (reloadAssist, which the rules editor
// closing, a run on every document and the score threshold all end with) updates the count in the
// status line.
func TestWorkspaceSuggestionCount(t *testing.T) {
	w, p, _ := newWorkspace(t)
	ctx := context.Background()
	if _, err := p.AddRule(ctx, annotations.Rule{Label: "weapon", Kind: annotations.RuleWords, Pattern: "chars", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RunRules(ctx, []int64{w.doc.ID}); err != nil {
		t.Fatal(err)
	}
	n := len(w.view.Suggestions())
	w.reloadAssist()
	if got := len(w.view.Suggestions()); got <= n {
		t.Fatalf("%d suggestions after the run, %d before", got, n)
	}
	if want := fmt.Sprintf("%d suggestions (n)", len(w.view.Suggestions())); !strings.Contains(w.status.Text, want) {
		t.Errorf("status %q, want it to say %q", w.status.Text, want)
	}
}

// TestRelationPickerOrder checks the order in which r offers the spans to link to: first the labels
// already linked from the selected span's label, then spans outside it before those inside it, then
// the nearest.
func TestRelationPickerOrder(t *testing.T) {
	w, _, _ := newWorkspace(t)
	for _, s := range []struct{ text, key string }{
		{"« Nous tenons Bakhmout »", "c"}, {"Bakhmout", "a"}, {"état-major", "a"},
		{"Les pertes sont lourdes.", "c"}, {"Deux chars", "w"},
	} {
		selectText(t, w, s.text)
		w.view.TypedRune([]rune(s.key)[0])
	}
	spanOf := func(text string) annotations.Span {
		for _, s := range w.view.Spans() {
			if w.view.Text(s.Start, s.End) == text {
				return s
			}
		}
		t.Fatalf("no span %q", text)
		return annotations.Span{}
	}
	offered := func(from string) []string {
		t.Helper()
		w.view.SelectSpan(spanOf(from).ID)
		w.view.TypedRune('r')
		defer w.palette.Close()
		return w.palette.Shown()
	}
	// the actor inside the first claim comes last: a claim's source is rarely in what it says
	want := []string{"actor “état-major”", "claim “Les pertes sont lourdes.”", "weapon “Deux chars”", "actor “Bakhmout”"}
	if got := offered("« Nous tenons Bakhmout »"); !slices.Equal(got, want) {
		t.Errorf("r on the first claim offers %q, want %q", got, want)
	}
	// before any link the nearest comes first: the weapon right after the second claim
	if got := offered("Les pertes sont lourdes."); len(got) == 0 || got[0] != "weapon “Deux chars”" {
		t.Errorf("r on the second claim before any link offers %q first", got)
	}
	w.view.SelectSpan(spanOf("« Nous tenons Bakhmout »").ID)
	w.view.TypedRune('r')
	w.palette.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // links it to état-major
	// once a claim is linked to an actor, actors come first for the other claim
	want = []string{"actor “état-major”", "actor “Bakhmout”", "weapon “Deux chars”", "claim “« Nous tenons Bakhmout »”"}
	if got := offered("Les pertes sont lourdes."); !slices.Equal(got, want) {
		t.Errorf("r on the second claim after a link offers %q, want %q", got, want)
	}
}
