package app

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
)

// suggestion returns a suggestion of the first sub in article.
func suggestion(t *testing.T, id int64, label, sub string) annotations.Suggestion {
	t.Helper()
	r := rangeOf(t, article, sub)
	return annotations.Suggestion{ID: id, Label: label, Start: r.Start, End: r.End, Source: annotations.SourceRules}
}

func currentID(v *ArticleView) int64 {
	sg, _ := v.CurrentSuggestion()
	return sg.ID
}

func TestArticleViewNextSuggestion(t *testing.T) {
	v, _ := newTestView(t, span(t, 1, "actor", "état-major"))
	// given out of order: the view keeps them in text order, the longer first at the same start
	v.SetSuggestions([]annotations.Suggestion{
		suggestion(t, 30, "weapon", "chars"),
		suggestion(t, 10, "actor", "Nous"),
		suggestion(t, 20, "figure", "Deux chars"),
	})
	steps := []struct {
		dir      int
		want     int64
		wantText string
	}{
		{1, 10, "Nous"},
		{1, 20, "Deux chars"},
		{1, 30, "chars"},
		{1, 10, "Nous"}, // wraps around
		{-1, 30, "chars"},
	}
	for i, st := range steps {
		if !v.NextSuggestion(st.dir) {
			t.Fatalf("step %d: NextSuggestion reported none", i)
		}
		if got := currentID(v); got != st.want || selectedText(v) != st.wantText {
			t.Fatalf("step %d: current %d selecting %q, want %d selecting %q", i, got, selectedText(v), st.want, st.wantText)
		}
		if selectedID(v) != 0 {
			t.Fatalf("step %d: a span is selected too", i)
		}
	}

	// moving the caret leaves the suggestion
	key(v, fyne.KeyLeft)
	if got := currentID(v); got != 0 {
		t.Errorf("after Left, current suggestion %d, want none", got)
	}
	// from the caret, n goes to the first suggestion after it
	v.Select(offsetOf(t, "Les pertes", 0), offsetOf(t, "Les pertes", 0))
	v.NextSuggestion(1)
	if got := currentID(v); got != 20 {
		t.Errorf("n after the caret in the second sentence: current %d, want 20", got)
	}
	// a selection made backwards (caret before anchor) still looks after its start: not at "pertes" just
	// before it
	v.SetSuggestions(append(v.Suggestions(), suggestion(t, 15, "figure", "pertes")))
	lourdes := rangeOf(t, article, "sont lourdes")
	v.Select(lourdes.End, lourdes.Start)
	if v.Caret() != lourdes.Start {
		t.Fatalf("the backward selection has its caret at %d, want %d", v.Caret(), lourdes.Start)
	}
	v.NextSuggestion(1)
	if got := currentID(v); got != 20 {
		t.Errorf("n after a backward selection: current %d, want 20", got)
	}
	// a suggestion that goes away stops being current
	v.SetSuggestions([]annotations.Suggestion{suggestion(t, 10, "actor", "Nous")})
	if got := currentID(v); got != 0 {
		t.Errorf("after the current suggestion went, current %d", got)
	}
	v.SetSuggestions(nil)
	if v.NextSuggestion(1) {
		t.Error("NextSuggestion reported one with none shown")
	}
}

func TestArticleViewClickSuggestion(t *testing.T) {
	v, _ := newTestView(t, span(t, 1, "claim", "« Nous tenons Bakhmout »"))
	v.SetSuggestions([]annotations.Suggestion{suggestion(t, 10, "actor", "état-major"), suggestion(t, 11, "actor", "Nous")})
	click(v, charPos(v, offsetOf(t, "état", 1)), 0)
	if got := currentID(v); got != 10 || selectedText(v) != "état-major" {
		t.Fatalf("click on a suggestion: current %d selecting %q, want 10 selecting “état-major”", got, selectedText(v))
	}
	endClicks(v)
	// where a span covers the text, a click selects the span: the suggestion is reached with n
	click(v, charPos(v, offsetOf(t, "Nous", 1)), 0)
	if selectedID(v) != 1 || currentID(v) != 0 {
		t.Errorf("click on a span over a suggestion: span %d, suggestion %d; want span 1", selectedID(v), currentID(v))
	}
}

func TestArticleViewLinkClick(t *testing.T) {
	claim, actor := span(t, 1, "claim", "« Nous tenons Bakhmout »"), span(t, 2, "actor", "état-major")
	v, _ := newTestView(t, claim, actor)
	var got [][2]int64
	v.OnLinkRequested = func(from, to annotations.Span) { got = append(got, [2]int64{from.ID, to.ID}) }

	ctrl := fyne.KeyModifierShortcutDefault
	click(v, charPos(v, offsetOf(t, "état", 1)), ctrl) // nothing selected: a plain click
	if len(got) != 0 || selectedID(v) != 2 {
		t.Fatalf("Ctrl+click with nothing selected: links %v, selected %d; want none and span 2", got, selectedID(v))
	}
	v.SelectSpan(1)
	endClicks(v)
	click(v, charPos(v, offsetOf(t, "état", 1)), ctrl)
	if len(got) != 1 || got[0] != [2]int64{1, 2} || selectedID(v) != 1 {
		t.Fatalf("Ctrl+click on the actor with the claim selected: links %v, selected %d; want [1 2] and the claim still selected", got, selectedID(v))
	}
	endClicks(v)
	click(v, charPos(v, offsetOf(t, "pertes", 1)), ctrl) // no span there
	if len(got) != 1 {
		t.Errorf("Ctrl+click on plain text asked for a link: %v", got)
	}
}

// TestArticleViewAssistDrawing checks what the renderer draws for a suggestion (dashes of its label's
// colour on its top and bottom, solid ends) and for a relation (a line and a two-stroke head).
func TestArticleViewAssistDrawing(t *testing.T) {
	claim, actor := span(t, 1, "claim", "« Nous tenons Bakhmout »"), span(t, 2, "actor", "état-major")
	v, _ := newTestView(t, claim, actor)
	labels, _ := annotations.DefaultLabels()
	weapon := parseColor(labels[2].Color)

	count := func() (dashes, ends, lines int) {
		r := test.TempWidgetRenderer(t, v).(*articleViewRenderer)
		r.Refresh()
		for _, o := range r.Objects() {
			switch o := o.(type) {
			case *canvas.Rectangle:
				if o.FillColor == color.Color(weapon) {
					switch sz := o.Size(); {
					case sz.Height > 3*sz.Width:
						ends++
					case sz.Width <= dashLen:
						dashes++
					}
				}
			case *canvas.Line:
				lines++
			}
		}
		return
	}
	if d, e, l := count(); d != 0 || e != 0 || l != 0 {
		t.Fatalf("without suggestions or relations: %d dashes, %d ends, %d lines", d, e, l)
	}
	v.SetSuggestions([]annotations.Suggestion{suggestion(t, 10, "weapon", "chars")})
	width := v.ensureLayout().xOf(v.layout.lineOf(offsetOf(t, "chars", 5)), offsetOf(t, "chars", 5)) -
		v.layout.xOf(v.layout.lineOf(offsetOf(t, "chars", 0)), offsetOf(t, "chars", 0))
	d, e, _ := count()
	perEdge := int((width+2+dashGap-1)/(dashLen+dashGap)) + 1
	if d < 2*(perEdge-1) || d > 2*perEdge+2 || e != 2 {
		t.Errorf("a suggestion %.0f px wide: %d dashes and %d solid ends, want about %d dashes and 2 ends", width, d, e, 2*perEdge)
	}

	v.SetRelations([]annotations.Relation{{ID: 1, From: 1, To: 2, Type: "attributed_to"}})
	if _, _, l := count(); l != 3 {
		t.Errorf("one relation in sight: %d lines, want 3 (the line and its head)", l)
	}
	v.SetRelations([]annotations.Relation{{ID: 1, From: 1, To: 99, Type: "attributed_to"}})
	if _, _, l := count(); l != 0 {
		t.Errorf("a relation to a span not shown: %d lines, want none", l)
	}
}

func TestClipSegment(t *testing.T) {
	rect := [4]float32{0, 0, 100, 50}
	p := fyne.NewPos
	tests := map[string]struct {
		a, b, wantA, wantB fyne.Position
		ok                 bool
	}{
		"inside":         {p(10, 10), p(90, 40), p(10, 10), p(90, 40), true},
		"leaves right":   {p(50, 10), p(150, 10), p(50, 10), p(100, 10), true},
		"from above":     {p(50, -50), p(50, 25), p(50, 0), p(50, 25), true},
		"across":         {p(-100, 25), p(200, 25), p(0, 25), p(100, 25), true},
		"outside, above": {p(10, -10), p(90, -5), p(0, 0), p(0, 0), false},
		"diagonal miss":  {p(150, 0), p(200, 60), p(0, 0), p(0, 0), false},
	}
	for name, tc := range tests {
		a, b, ok := clipSegment(tc.a, tc.b, rect)
		if ok != tc.ok || ok && (a != tc.wantA || b != tc.wantB) {
			t.Errorf("%s: clip = %v %v %v, want %v %v %v", name, a, b, ok, tc.wantA, tc.wantB, tc.ok)
		}
	}
}
