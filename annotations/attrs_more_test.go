package annotations

import (
	"context"
	"testing"
)

func TestImportAttrTypesWithinOneRecord(t *testing.T) {
	for name, second := range map[string]any{"number after choice": 3.0, "flag after choice": true, "choice after number": "x"} {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			first := any("ua")
			if _, ok := second.(string); ok {
				first = 2.0
			}
			rec := &Record{File: "in.jsonl", Line: 1, Text: "Kyiv and Lviv.", Spans: []RecordSpan{
				{Start: 0, End: 4, Label: "place", Annotator: "alice", Attrs: Attrs{"side": first}},
				{Start: 9, End: 13, Label: "place", Annotator: "alice", Attrs: Attrs{"side": second}},
			}}
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			_, err := p.Import(context.Background(), records(rec), ImportOptions{})
			if err == nil {
				spans, _ := p.Spans(context.Background(), 1, "alice")
				labels, _ := p.Labels(context.Background())
				t.Errorf("import of mixed types accepted: spans %+v labels %+v", spans, labels)
			}
		})
	}
}

// The GUI saves the span's values with one changed (attrFields.commit clones them): once the label
// has lost an attribute, whose values UpdateLabel keeps, no other attribute can be edited.
func TestSetAttrsAfterLabelLostAttribute(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", attrsText)
	start, end := spanAt(t, attrsText, "1.100")
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: start, End: end})
	labels, _ := p.Labels(ctx)
	fig := labels[1]
	fig.Attributes = fig.Attributes[:2] // approximate removed in the label editor
	if _, err := p.UpdateLabel(ctx, fig); err != nil {
		t.Fatal(err)
	}
	a := Attrs{}
	for k, v := range s.Attrs {
		a[k] = v
	}
	a["unit"] = "troops"
	if _, err := p.SetAttrs(ctx, s.ID, a); err != nil {
		t.Errorf("editing the unit: %v", err)
	}
}

// The same span twice in a record, first without values (derived) then with values given: the given
// ones should be stored.
func TestImportGivenValuesWinOverDerived(t *testing.T) {
	p := mustOpen(t)
	start, end := spanAt(t, attrsText, "1.100")
	rec := &Record{File: "in.jsonl", Line: 1, Text: attrsText, Spans: []RecordSpan{
		{Start: start, End: end, Label: "figure", Annotator: "alice"},
		{Start: start, End: end, Label: "figure", Annotator: "alice", Attrs: Attrs{"value": 5.0}},
	}}
	if _, err := p.Import(context.Background(), records(rec), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := onlySpan(t, p, 1, "alice"); !EqualAttrs(s.Attrs, Attrs{"value": 5.0}) {
		t.Errorf("stored %v, want the given {value: 5}", s.Attrs)
	}
}

// Auto-accepting with a majority copies the agreed figure into gold: it should carry the values (the
// annotators' or derived ones), not none.
func TestMajorityGoldKeepsValues(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", attrsText)
	start, end := spanAt(t, attrsText, "1.100")
	for _, a := range []string{"alice", "bob"} {
		mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: a, Label: "figure", Start: start, End: end})
	}
	mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "carol", Label: "figure", Start: start, End: end + 7})
	rd, err := p.ReviewDocument(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHistory(p)
	if n, err := h.AutoAccept(ctx, rd, AcceptRule{Majority: 2}, "rita"); err != nil || n == 0 {
		t.Fatalf("AutoAccept = %d, %v", n, err)
	}
	for _, s := range func() []Span { s, _ := p.Spans(ctx, d.ID, Gold); return s }() {
		if s.Label == "figure" && len(s.Attrs) == 0 {
			t.Errorf("the gold figure has no attribute values; the annotators' have approximate, unit and value")
		}
	}
}
