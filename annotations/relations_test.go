package annotations

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// relationState renders a document's relations as "annotator fromLabel from-to -type-> toLabel from-to".
func relationState(t *testing.T, p *Project, documentID int64) string {
	t.Helper()
	ctx := context.Background()
	rels, err := p.Relations(ctx, documentID, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rels {
		a, err := p.Span(ctx, r.From)
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.Span(ctx, r.To)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %d-%d -%s-> %s %d-%d", r.Annotator, a.Label, a.Start, a.End, r.Type, b.Label, b.Start, b.End))
	}
	return strings.Join(out, "; ")
}

// claimAndActor adds the annotator's claim 5-9 and actor 0-4 to the document.
func claimAndActor(t *testing.T, p *Project, documentID int64, annotator string) (claim, actor Span) {
	t.Helper()
	claim = mustAddSpan(t, p, NewSpan{DocumentID: documentID, Annotator: annotator, Label: "claim", Start: 5, End: 9})
	actor = mustAddSpan(t, p, NewSpan{DocumentID: documentID, Annotator: annotator, Label: "actor", Start: 0, End: 4})
	return claim, actor
}

func TestRelationTypes(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	types, err := p.RelationTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(types) != 1 || types[0].Name != "attributed_to" {
		t.Fatalf("seeded types = %+v, want attributed_to", types)
	}
	cites, err := p.AddRelationType(ctx, RelationType{Name: "cites"})
	if err != nil {
		t.Fatal(err)
	}
	if !colorPattern.MatchString(cites.Color) || cites.Position != 1 {
		t.Errorf("added type = %+v, want a palette colour at position 1", cites)
	}
	for name, bad := range map[string]RelationType{
		"empty":     {Name: ""},
		"duplicate": {Name: "cites"},
		"control":   {Name: "a\tb"},
		"too long":  {Name: strings.Repeat("x", 101)},
		"colour":    {Name: "ok", Color: "red"},
	} {
		if _, err := p.AddRelationType(ctx, bad); err == nil {
			t.Errorf("%s: AddRelationType(%+v) succeeded", name, bad)
		}
	}
	cites.Name, cites.Color = "quotes", "#112233"
	if err := p.UpdateRelationType(ctx, cites); err != nil {
		t.Fatal(err)
	}
	if err := p.UpdateRelationType(ctx, RelationType{ID: cites.ID, Name: "attributed_to", Color: "#112233"}); err == nil {
		t.Error("renaming to a taken name succeeded")
	}
	if err := p.MoveRelationType(ctx, -1, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("moving a missing type: %v, want ErrNotFound", err)
	}
	if err := p.MoveRelationType(ctx, types[0].ID, 99); err != nil { // past the end: to the end
		t.Fatal(err)
	}
	if types, _ = p.RelationTypes(ctx); fmt.Sprint(types[0].Name, types[1].Name, types[1].Position) != "quotesattributed_to1" {
		t.Errorf("after moving attributed_to past the end: %+v", types)
	}
	if err := p.MoveRelationType(ctx, cites.ID, 0); err != nil {
		t.Fatal(err)
	}
	types, _ = p.RelationTypes(ctx)
	if got := fmt.Sprint(types[0].Name, types[0].Color, types[1].Name); got != "quotes#112233attributed_to" {
		t.Errorf("after rename and move: %+v", types)
	}

	d := mustAddDocument(t, p, "a", historyText)
	a, b := claimAndActor(t, p, d.ID, "alice")
	if _, _, err := p.AddRelation(ctx, a.ID, b.ID, "quotes"); err != nil {
		t.Fatal(err)
	}
	err = p.DeleteRelationType(ctx, cites.ID)
	if got := Message(err); !strings.Contains(got, "used by 1 relation;") {
		t.Errorf("deleting a used type: %q", got)
	}
	other := types[1]
	if err := p.DeleteRelationType(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	types, _ = p.RelationTypes(ctx)
	if len(types) != 1 || types[0].Position != 0 {
		t.Errorf("after delete: %+v", types)
	}
}

func TestAddRelationChecks(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	d2 := mustAddDocument(t, p, "b", "Another text.")
	claim, actor := claimAndActor(t, p, d.ID, "alice")
	bobs := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "bob", Label: "actor", Start: 0, End: 4})
	elsewhere := mustAddSpan(t, p, NewSpan{DocumentID: d2.ID, Annotator: "alice", Label: "actor", Start: 0, End: 7})

	for name, c := range map[string]struct {
		from, to int64
		typ      string
		want     string
	}{
		"itself":       {claim.ID, claim.ID, "attributed_to", "A span cannot be related to itself."},
		"annotators":   {claim.ID, bobs.ID, "attributed_to", "The two spans are alice's and bob's; a relation links spans of one annotator."},
		"documents":    {claim.ID, elsewhere.ID, "attributed_to", "The two spans are in different documents; a relation links spans of one document."},
		"missing span": {claim.ID, 999, "attributed_to", "That span no longer exists."},
		"unknown type": {claim.ID, actor.ID, "cites", `There is no relation type named "cites" in this project.`},
	} {
		_, _, err := p.AddRelation(ctx, c.from, c.to, c.typ)
		if got := Message(err); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
	r, added, err := p.AddRelation(ctx, claim.ID, actor.ID, "attributed_to")
	if err != nil || !added || r.Annotator != "alice" || r.From != claim.ID || r.To != actor.ID || r.DocumentID != d.ID {
		t.Fatalf("AddRelation = %+v, %v, %v", r, added, err)
	}
	again, added, err := p.AddRelation(ctx, claim.ID, actor.ID, "attributed_to")
	if err != nil || added || again.ID != r.ID {
		t.Errorf("adding it again = %+v, %v, %v; want the same relation, not added", again, added, err)
	}
	if rels, _ := p.Relations(ctx, d.ID, "bob"); len(rels) != 0 {
		t.Errorf("bob's relations = %+v", rels)
	}
	// Editing a span keeps its relations; deleting it takes them.
	if _, err := p.RelabelSpan(ctx, actor.ID, "weapon"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ResizeSpan(ctx, actor.ID, 0, 3); err != nil {
		t.Fatal(err)
	}
	if got, want := relationState(t, p, d.ID), "alice claim 5-9 -attributed_to-> weapon 0-3"; got != want {
		t.Errorf("after relabel and resize: %q, want %q", got, want)
	}
	if _, err := p.DeleteSpan(ctx, actor.ID); err != nil {
		t.Fatal(err)
	}
	if got := relationState(t, p, d.ID); got != "" {
		t.Errorf("after deleting the actor: %q", got)
	}
}

// TestHistoryRestoresRelations deletes the actor of a claim's relation and undoes and redoes it: the
// relation comes back with the actor, under its new ID, and goes again with it.
func TestHistoryRestoresRelations(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	h := NewHistory(p)
	claim, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "claim", Start: 5, End: 9})
	if err != nil {
		t.Fatal(err)
	}
	actor, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.AddRelation(ctx, claim.ID, actor.ID, "attributed_to"); err != nil {
		t.Fatal(err)
	}
	// a span added after the deletion takes no ID of the deleted actor's
	mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "bob", Label: "figure", Start: 10, End: 19})
	if actor, err = h.RelabelSpan(ctx, actor, "weapon"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DeleteSpan(ctx, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DeleteSpan(ctx, claim); err != nil {
		t.Fatal(err)
	}

	const linked = "alice claim 5-9 -attributed_to-> weapon 0-4"
	for i, step := range []struct {
		undo bool
		want string
	}{
		{true, ""},     // the claim back, the actor still gone
		{true, linked}, // the actor back: the relation with it
		{false, ""},    // redo the actor's deletion
		{true, linked}, // and undo it again
		{true, "alice claim 5-9 -attributed_to-> actor 0-4"}, // the relabel undone: the relation stays
		{true, ""}, // the relation's addition undone
		{false, "alice claim 5-9 -attributed_to-> actor 0-4"},
		{false, linked},
		{false, ""},
		{false, ""},
	} {
		op := h.Redo
		if step.undo {
			op = h.Undo
		}
		if _, err := op(ctx); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := relationState(t, p, d.ID); got != step.want {
			t.Fatalf("step %d (undo %v): relations %q, want %q", i, step.undo, got, step.want)
		}
	}
	if spans, _ := p.Spans(ctx, d.ID, "alice"); len(spans) != 0 {
		t.Errorf("after redoing everything alice has %v", spanKeys(spans))
	}
}

func TestHistoryDeleteRelation(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	fixedClock(p) // every call a second later: an undo that stamped the time anew would show
	d := mustAddDocument(t, p, "a", historyText)
	h := NewHistory(p)
	claim, actor := claimAndActor(t, p, d.ID, "alice")
	r, _, err := p.AddRelation(ctx, claim.ID, actor.ID, "attributed_to")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.DeleteRelation(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if h.UndoName() != "delete attributed_to relation" {
		t.Errorf("UndoName = %q", h.UndoName())
	}
	const linked = "alice claim 5-9 -attributed_to-> actor 0-4"
	c, err := h.Undo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := relationState(t, p, d.ID); got != linked || c.DocumentID != d.ID {
		t.Errorf("undo: %q, change %+v", got, c)
	}
	rels, _ := p.Relations(ctx, d.ID, "")
	if !rels[0].CreatedAt.Equal(r.CreatedAt) {
		t.Errorf("restored relation made at %v, was %v", rels[0].CreatedAt, r.CreatedAt)
	}
	// Deleted elsewhere: the redo is dropped with a conflict.
	if _, err := p.DeleteRelation(ctx, rels[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Redo(ctx); err == nil || !strings.Contains(Message(err), "deleted elsewhere") {
		t.Errorf("redo of a relation deleted elsewhere: %v", err)
	}
}

// TestDecisionRestoresGoldRelations removes a gold span that a gold relation used, in a review
// decision, and undoes it.
func TestDecisionRestoresGoldRelations(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	h := NewHistory(p)
	claim, actor := claimAndActor(t, p, d.ID, Gold)
	if _, _, err := p.AddRelation(ctx, claim.ID, actor.ID, "attributed_to"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "reject", Remove: []Span{actor}}); err != nil {
		t.Fatal(err)
	}
	if got := relationState(t, p, d.ID); got != "" {
		t.Errorf("after the decision: %q", got)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := relationState(t, p, d.ID), "gold claim 5-9 -attributed_to-> actor 0-4"; got != want {
		t.Errorf("after undo: %q, want %q", got, want)
	}
	if _, err := h.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := relationState(t, p, d.ID); got != "" {
		t.Errorf("after redo: %q", got)
	}
}
