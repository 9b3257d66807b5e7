package annotations

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestImportAttrs(t *testing.T) {
	ctx := context.Background()
	text := "Kyiv fait état d’environ 1.100 pertes russes."
	start, end := spanAt(t, text, "1.100")
	rec := func(spans ...RecordSpan) *Record {
		return &Record{File: "in.jsonl", Line: 1, Text: text, Spans: spans}
	}
	figure := func(a Attrs) RecordSpan {
		return RecordSpan{Start: start, End: end, Label: "figure", Annotator: "alice", Attrs: a}
	}
	tests := map[string]struct {
		span    RecordSpan
		strict  bool
		want    Attrs  // the stored values
		added   string // the attributes the report lists
		problem string // in the error, when the import fails
	}{
		"derived when absent": {span: figure(nil), want: Attrs{"value": 1100.0, "unit": "casualties", "approximate": true}},
		"none when empty":     {span: figure(Attrs{}), want: nil},
		"given kept":          {span: figure(Attrs{"value": 1000.0}), want: Attrs{"value": 1000.0}},
		"unknown added":       {span: figure(Attrs{"source": "OSINT"}), want: Attrs{"source": "OSINT"}, added: "figure.source (choice)"},
		"unknown number":      {span: figure(Attrs{"score": 0.5}), want: Attrs{"score": 0.5}, added: "figure.score (number)"},
		"new label":           {span: RecordSpan{Start: 0, End: 4, Label: "place", Annotator: "alice", Attrs: Attrs{"city": true}}, want: Attrs{"city": true}, added: "place.city (flag)"},
		"unknown strict":      {span: figure(Attrs{"source": "OSINT"}), strict: true, problem: `in.jsonl:1: span 1 ("figure"): the label "figure" has no attribute "source" (--strict-labels)`},
		"wrong type":          {span: figure(Attrs{"value": "many"}), problem: `the attribute "value" of label "figure" takes a number, not "many"`},
		"not a choice":        {span: figure(Attrs{"unit": "tanks"}), problem: `takes one of casualties`},
		"bad name":            {span: figure(Attrs{"a\nb": 1.0}), problem: "control characters"},
		"object value":        {span: figure(Attrs{"x": map[string]any{}}), problem: "is not a number, true or false, or a text"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			rep, err := p.Import(ctx, records(rec(tt.span)), ImportOptions{StrictLabels: tt.strict})
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("Import: %v, want a problem %q", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rep.AttributesAdded, ", "); got != tt.added {
				t.Errorf("attributes added %q, want %q", got, tt.added)
			}
			if s := onlySpan(t, p, 1, "alice"); !EqualAttrs(s.Attrs, tt.want) {
				t.Errorf("stored %v, want %v", s.Attrs, tt.want)
			}
		})
	}
}

func TestImportAttrsChoiceGrows(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	text := "Kyiv and Lviv."
	rec := &Record{File: "in.jsonl", Line: 1, Text: text, Spans: []RecordSpan{
		{Start: 0, End: 4, Label: "actor", Annotator: "alice", Attrs: Attrs{"side": "ua"}},
		{Start: 9, End: 13, Label: "actor", Annotator: "alice", Attrs: Attrs{"side": "ru"}},
	}}
	if _, err := p.Import(ctx, records(rec), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	labels, _ := p.Labels(ctx)
	def, _ := labels[0].Attribute("side")
	if def.Type != AttrChoice || !slices.Equal(def.Values, []string{"ua", "ru"}) {
		t.Errorf("actor.side is %+v", def)
	}
	// Filling: the same spans again with other values fill nothing (the spans have values), a span
	// without values gets them.
	if _, err := p.SetAttrs(ctx, onlySpanAt(t, p, 0).ID, nil); err != nil {
		t.Fatal(err)
	}
	rec.Spans[0].Attrs, rec.Spans[1].Attrs = Attrs{"side": "ru"}, Attrs{"side": "ua"}
	if _, err := p.Import(ctx, records(rec), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := onlySpanAt(t, p, 0).Attrs["side"]; got != "ru" {
		t.Errorf("emptied span filled with %v, want ru", got)
	}
	if got := onlySpanAt(t, p, 9).Attrs["side"]; got != "ru" {
		t.Errorf("span with a value has %v, want ru kept", got)
	}
}

// onlySpanAt returns the first span of the project's first document that starts at start.
func onlySpanAt(t *testing.T, p *Project, start int) Span {
	t.Helper()
	spans, err := p.Spans(context.Background(), 1, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range spans {
		if s.Start == start {
			return s
		}
	}
	t.Fatalf("no span at %d", start)
	return Span{}
}

func TestMergeAttrs(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	// The project has alice's figure with no values; the file has it with values, and a new label
	// with an attribute.
	mustImport(t, p, layerRecord("alice", "", RecordSpan{Start: 10, End: 19, Label: "figure", Annotator: "alice", Attrs: Attrs{}}))
	src := sourceFile(t, t.TempDir(), "laptop", func(s *Project) {
		if _, err := s.AddLabel(ctx, Label{Name: "unit", Attributes: []Attribute{{Name: "size", Type: AttrNumber}}}); err != nil {
			t.Fatal(err)
		}
		mustImport(t, s, layerRecord("alice", "",
			RecordSpan{Start: 10, End: 19, Label: "figure", Annotator: "alice", Attrs: Attrs{"value": 40.0, "unit": "equipment"}},
			RecordSpan{Start: 0, End: 4, Label: "unit", Annotator: "alice", Attrs: Attrs{"size": 3.0}}))
	})
	rep, err := p.Merge(ctx, []string{src}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Total.Renamed) != 0 {
		t.Errorf("renamed %v: values filled in are no conflict", rep.Total.Renamed)
	}
	if got := onlySpanAt(t, p, 10).Attrs; !EqualAttrs(got, Attrs{"value": 40.0, "unit": "equipment"}) {
		t.Errorf("figure has %v after the merge", got)
	}
	if got := onlySpanAt(t, p, 0).Attrs; !EqualAttrs(got, Attrs{"size": 3.0}) {
		t.Errorf("unit span has %v", got)
	}
	labels, _ := p.Labels(ctx)
	if l := labels[len(labels)-1]; l.Name != "unit" || len(l.Attributes) != 1 {
		t.Errorf("merged label %+v", l)
	}
}
