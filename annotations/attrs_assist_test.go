package annotations

import (
	"context"
	"slices"
	"testing"
)

// withoutAttribute removes the attribute name from label's definition, as the label editor does.
func withoutAttribute(t *testing.T, p *Project, label, name string) {
	t.Helper()
	ctx := context.Background()
	labels, err := p.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(labels, func(l Label) bool { return l.Name == label })
	l := labels[i]
	l.Attributes = slices.DeleteFunc(slices.Clone(l.Attributes), func(a Attribute) bool { return a.Name == name })
	if _, err := p.UpdateLabel(ctx, l); err != nil {
		t.Fatal(err)
	}
}

// TestAttrsThroughAssistAndReview follows a span's attribute values through the paths that make
// spans again or copy them: accepting a suggestion and redoing it, undoing a deletion that also took
// a relation, and a reviewer's decision that puts an annotator's version into the gold layer. Values
// are kept as they were, also when the label no longer defines one of them.
func TestAttrsThroughAssistAndReview(t *testing.T) {
	ctx := context.Background()
	p, d := assistProject(t, attrsText)
	h := NewHistory(p)
	start, end := spanAt(t, attrsText, "1.100 pertes")
	if _, err := p.db.Exec(`INSERT INTO suggestions (document_id, label_id, start, "end", source, score, created_at)
		VALUES (?, (SELECT id FROM labels WHERE name = 'figure'), ?, ?, 'model', NULL, '')`, d.ID, start, end); err != nil {
		t.Fatal(err)
	}
	sgs, err := p.Suggestions(ctx, d.ID, "alice", 0)
	if err != nil || len(sgs) != 1 {
		t.Fatalf("Suggestions: %v, %v", sgs, err)
	}
	fig, err := h.AcceptSuggestion(ctx, sgs[0], "alice", "")
	if err != nil {
		t.Fatal(err)
	}
	derived := Attrs{"value": 1100.0, "unit": "casualties", "approximate": true}
	if !EqualAttrs(fig.Attrs, derived) {
		t.Fatalf("accepted suggestion has %v, want the derived %v", fig.Attrs, derived)
	}

	// Undone, then the label loses "approximate": the redo makes the span as it was first made.
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	withoutAttribute(t, p, "figure", "approximate")
	if _, err := h.Redo(ctx); err != nil {
		t.Fatalf("redo of the accept after the label changed: %v", err)
	}
	fig = onlySpan(t, p, d.ID, "alice")
	if !EqualAttrs(fig.Attrs, derived) {
		t.Errorf("after redo: %v, want %v", fig.Attrs, derived)
	}

	// A hand-edited value and a relation both come back when the span's deletion is undone.
	if fig, err = h.SetAttrs(ctx, fig, Attrs{"value": 1200, "unit": "troops"}); err != nil {
		t.Fatal(err)
	}
	edited := Attrs{"value": 1200.0, "unit": "troops"}
	actor := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if _, _, err := h.AddRelation(ctx, fig.ID, actor.ID, "attributed_to"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DeleteSpan(ctx, fig); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	spans, err := p.Spans(ctx, d.ID, "alice")
	if err != nil || len(spans) != 2 {
		t.Fatalf("spans after undo: %v, %v", spans, err)
	}
	back := spans[slices.IndexFunc(spans, func(s Span) bool { return s.Label == "figure" })]
	if !EqualAttrs(back.Attrs, edited) {
		t.Errorf("after undoing the deletion: %v, want %v", back.Attrs, edited)
	}
	if rels, err := p.Relations(ctx, d.ID, "alice"); err != nil || len(rels) != 1 || rels[0].From != back.ID {
		t.Errorf("relations after undoing the deletion: %+v, %v", rels, err)
	}

	// A span whose value the label no longer defines keeps it through delete and undo.
	old := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "bob", Label: "figure", Start: start, End: end,
		Attrs: Attrs{"value": 1100, "unit": "troops"}})
	if !EqualAttrs(old.Attrs, Attrs{"value": 1100.0, "unit": "troops"}) {
		t.Fatalf("bob's figure: %v", old.Attrs)
	}
	withoutAttribute(t, p, "figure", "value")
	if _, err := h.DeleteSpan(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatalf("undo of the deletion of a span with a value no longer defined: %v", err)
	}
	bob := onlySpan(t, p, d.ID, "bob")
	if !EqualAttrs(bob.Attrs, Attrs{"value": 1100.0, "unit": "troops"}) {
		t.Errorf("bob's figure after undo: %v", bob.Attrs)
	}

	// The reviewer takes alice's version: the gold span has her values, not values derived anew.
	rd, err := p.ReviewDocument(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var version []Span
	for _, g := range rd.Groups() {
		if v := g.Version("alice"); len(v) > 0 && v[0].Label == "figure" {
			version = v
		}
	}
	if len(version) != 1 {
		t.Fatalf("alice's figure is in no group: %+v", rd.Groups())
	}
	if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "accept alice's version", Add: version}); err != nil {
		t.Fatal(err)
	}
	if gold := onlySpan(t, p, d.ID, Gold); !EqualAttrs(gold.Attrs, edited) {
		t.Errorf("gold span has %v, want alice's %v", gold.Attrs, edited)
	}
}
