package annotations

import (
	"context"
	"strings"
	"testing"
)

// attrsText holds a hedged figure at 18–23 ("1.100") and its unit after it.
const attrsText = "Kyiv fait état d’environ 1.100 pertes russes, et de 300 soldats."

func spanAt(t *testing.T, text, part string) (start, end int) {
	t.Helper()
	i := strings.Index(text, part)
	if i < 0 {
		t.Fatalf("%q not in %q", part, text)
	}
	start = len([]rune(text[:i]))
	return start, start + len([]rune(part))
}

func TestAddSpanDerivesAttrs(t *testing.T) {
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", attrsText)
	start, end := spanAt(t, attrsText, "1.100")
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: start, End: end})
	want := Attrs{"value": 1100.0, "unit": "casualties", "approximate": true}
	if !EqualAttrs(s.Attrs, want) {
		t.Errorf("derived %v, want %v", s.Attrs, want)
	}
	// Given values are kept as they are, none included.
	start, end = spanAt(t, attrsText, "300 soldats")
	s = mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: start, End: end, Attrs: Attrs{}})
	if s.Attrs != nil {
		t.Errorf("given no values, the span has %v", s.Attrs)
	}
	// A label without attributes gets none.
	s = mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if s.Attrs != nil {
		t.Errorf("actor span has %v", s.Attrs)
	}
}

func TestSetAttrsUndo(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	h := NewHistory(p)
	d := mustAddDocument(t, p, "a", attrsText)
	start, end := spanAt(t, attrsText, "1.100")
	s, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: start, End: end})
	if err != nil {
		t.Fatal(err)
	}
	derived := s.Attrs
	edited := Attrs{"value": 1200, "unit": "troops"}
	if s, err = h.SetAttrs(ctx, s, edited); err != nil {
		t.Fatal(err)
	}
	if got, want := h.UndoName(), "edit attributes of figure span"; got != want {
		t.Errorf("UndoName = %q, want %q", got, want)
	}
	if !EqualAttrs(s.Attrs, Attrs{"value": 1200.0, "unit": "troops"}) {
		t.Errorf("after SetAttrs: %v", s.Attrs)
	}
	if _, err := h.SetAttrs(ctx, s, Attrs{"unit": "tanks"}); err == nil || !strings.Contains(Message(err), `takes one of casualties`) {
		t.Errorf("SetAttrs with a value not of the choice: %v", err)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := onlySpan(t, p, d.ID, "alice"); !EqualAttrs(got.Attrs, derived) {
		t.Errorf("after undo: %v, want %v", got.Attrs, derived)
	}
	if _, err := h.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	got := onlySpan(t, p, d.ID, "alice")
	if !EqualAttrs(got.Attrs, Attrs{"value": 1200.0, "unit": "troops"}) {
		t.Errorf("after redo: %v", got.Attrs)
	}
	// Deleting and undoing brings the values back as they were, not derived anew.
	if _, err := h.DeleteSpan(ctx, got); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if back := onlySpan(t, p, d.ID, "alice"); !EqualAttrs(back.Attrs, got.Attrs) {
		t.Errorf("after undoing the deletion: %v, want %v", back.Attrs, got.Attrs)
	}
}

func TestRelabelAndResizeAttrs(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", attrsText)
	if _, err := p.AddLabel(ctx, Label{Name: "count", Attributes: []Attribute{
		{Name: "value", Type: AttrNumber},
		{Name: "unit", Type: AttrText},
	}}); err != nil {
		t.Fatal(err)
	}
	start, end := spanAt(t, attrsText, "1.100")
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: start, End: end})
	s, err := p.SetAttrs(ctx, s.ID, Attrs{"value": 1000.0, "unit": "casualties", "approximate": true})
	if err != nil {
		t.Fatal(err)
	}
	// The number is kept (same name and type); unit is a text in count, so not kept, and not derived.
	s, err = p.RelabelSpan(ctx, s.ID, "count")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Attrs{"value": 1000.0}); !EqualAttrs(s.Attrs, want) {
		t.Errorf("relabelled: %v, want %v", s.Attrs, want)
	}
	// Back to figure: value kept, unit and approximate derived.
	if s, err = p.RelabelSpan(ctx, s.ID, "figure"); err != nil {
		t.Fatal(err)
	}
	if want := (Attrs{"value": 1000.0, "unit": "casualties", "approximate": true}); !EqualAttrs(s.Attrs, want) {
		t.Errorf("relabelled back: %v, want %v", s.Attrs, want)
	}
	// Resizing keeps the value edited by hand (1000 is not what "1.100" gives) and derives the rest:
	// on "1.100 pertes russes" the hedge is still within 3 words before.
	wideStart, wideEnd := spanAt(t, attrsText, "1.100 pertes russes")
	if s, err = p.ResizeSpan(ctx, s.ID, wideStart, wideEnd); err != nil {
		t.Fatal(err)
	}
	if want := (Attrs{"value": 1000.0, "unit": "casualties", "approximate": true}); !EqualAttrs(s.Attrs, want) {
		t.Errorf("resized: %v, want %v", s.Attrs, want)
	}
	// A derived value follows the extent.
	s300, e300 := spanAt(t, attrsText, "300")
	other := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: s300 - 5, End: e300})
	if want := (Attrs{"value": 300.0, "unit": "troops"}); !EqualAttrs(other.Attrs, want) {
		t.Fatalf("derived %v, want %v", other.Attrs, want)
	}
	start, end = spanAt(t, attrsText, "1.100")
	if other, err = p.ResizeSpan(ctx, other.ID, start, end); err != nil {
		t.Fatal(err)
	}
	if want := (Attrs{"value": 1100.0, "unit": "casualties", "approximate": true}); !EqualAttrs(other.Attrs, want) {
		t.Errorf("resized derived: %v, want %v", other.Attrs, want)
	}
}

func TestNewProjectLabelsHaveAttributes(t *testing.T) {
	labels, err := mustOpen(t).Labels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range labels {
		got[l.Name] = len(l.Attributes)
	}
	if got["figure"] != 3 || got["claim"] != 1 || got["actor"] != 0 {
		t.Errorf("attributes per label: %v", got)
	}
}

func TestLabelAttributesStored(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	l, err := p.AddLabel(ctx, Label{Name: "place", Attributes: []Attribute{{Name: "kind", Type: AttrChoice, Values: []string{"city", "region"},
		Cues: map[string][]string{"city": {"ville"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	l.Attributes = append(l.Attributes, Attribute{Name: "kind", Type: AttrText})
	if _, err := p.UpdateLabel(ctx, l); err == nil || !strings.Contains(Message(err), `two attributes named "kind"`) {
		t.Errorf("UpdateLabel with a duplicate attribute: %v", err)
	}
	l.Attributes[1].Name = "remark"
	if _, err := p.UpdateLabel(ctx, l); err != nil {
		t.Fatal(err)
	}
	labels, err := p.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := labels[len(labels)-1]
	if len(got.Attributes) != 2 || got.Attributes[0].Cues["city"][0] != "ville" || got.Attributes[1].Type != AttrText {
		t.Errorf("stored attributes %+v", got.Attributes)
	}
}
