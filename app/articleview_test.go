package app

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// article is short French text with « », ’, a flag emoji (one cluster of two code points) and three
// sentences; at viewSize its first line wraps after "l’état-".
const article = "« Nous tenons Bakhmout », dit l’état-major 🇺🇦. Les pertes sont lourdes.\nDeux chars ont brûlé."

// viewSize is the window the view tests use: small, so that the goldens stay short.
var viewSize = fyne.NewSize(360, 220)

// newTestView shows article with spans in a window of viewSize, with the default label set's colours.
func newTestView(t *testing.T, spans ...annotations.Span) (*ArticleView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	labels, err := annotations.DefaultLabels()
	if err != nil {
		t.Fatal(err)
	}
	v := NewArticleView()
	v.SetLabels(labels)
	v.SetDocument(article, spans)
	w := test.NewTempWindow(t, v)
	w.Resize(viewSize)
	if l := v.ensureLayout(); len(l.lines) < 2 {
		t.Fatalf("the article takes %d line at %v: the tests expect it to wrap", len(l.lines), viewSize)
	}
	return v, w
}

// rangeOf returns the code points of the first sub in s.
func rangeOf(t *testing.T, s, sub string) text.Range {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q is not in %q", sub, s)
	}
	start := utf8.RuneCountInString(s[:i])
	return text.Range{Start: start, End: start + utf8.RuneCountInString(sub)}
}

// offsetOf returns the offset of the k-th code point of the first sub in article.
func offsetOf(t *testing.T, sub string, k int) int {
	t.Helper()
	return rangeOf(t, article, sub).Start + k
}

// span returns a span of the first sub in article.
func span(t *testing.T, id int64, label, sub string) annotations.Span {
	t.Helper()
	r := rangeOf(t, article, sub)
	return annotations.Span{ID: id, Label: label, Start: r.Start, End: r.End}
}

// charPos returns the middle of the cluster at off, in v's coordinates, read off its layout.
func charPos(v *ArticleView, off int) fyne.Position {
	l := v.ensureLayout()
	o := v.origin()
	i := l.lineOf(off)
	x := l.xOf(i, off) + l.adv[l.seg.Cluster(off)]/2
	return fyne.NewPos(o.X+x, o.Y+l.lines[i].y+l.textH/2)
}

// caretPos returns a point just right of the boundary before off: a press there puts the caret at off.
func caretPos(v *ArticleView, off int) fyne.Position {
	l := v.ensureLayout()
	o := v.origin()
	i := l.lineOf(off)
	return fyne.NewPos(o.X+l.xOf(i, off)+0.5, o.Y+l.lines[i].y+l.textH/2)
}

// charAt is charPos of the k-th code point of the first sub in article, for test tables.
func charAt(sub string, k int) func(t *testing.T, v *ArticleView) fyne.Position {
	return func(t *testing.T, v *ArticleView) fyne.Position { return charPos(v, offsetOf(t, sub, k)) }
}

// caretAt is caretPos of the k-th code point of the first sub in article, for test tables.
func caretAt(sub string, k int) func(t *testing.T, v *ArticleView) fyne.Position {
	return func(t *testing.T, v *ArticleView) fyne.Position { return caretPos(v, offsetOf(t, sub, k)) }
}

// barPos returns the middle of lane's bar under the cluster at off, in v's coordinates.
func barPos(v *ArticleView, off, lane int) fyne.Position {
	l := v.ensureLayout()
	p := charPos(v, off)
	ln := l.lines[l.lineOf(off)]
	return fyne.NewPos(p.X, v.origin().Y+ln.y+l.textH+float32(lane)*l.laneH+l.laneH/2)
}

// selectedEdgePos returns a point on an edge of the selected span, in v's coordinates: the start edge
// before its first cluster, or (end) the end edge after its last.
func selectedEdgePos(v *ArticleView, end bool) fyne.Position {
	s, _ := v.SelectedSpan()
	l := v.ensureLayout()
	off, i := s.Start, l.lineOf(s.Start)
	if end {
		off, i = s.End, l.lineOf(s.End-1)
	}
	return fyne.NewPos(v.origin().X+l.xOf(i, off), v.origin().Y+l.lines[i].y+l.textH/2)
}

// canvasPos turns a position in v into one on its canvas (window padding included). The driver gives
// positions from the canvas's interactive area, which starts off the canvas's corner in the test driver.
func canvasPos(v *ArticleView, p fyne.Position) fyne.Position {
	d := fyne.CurrentApp().Driver()
	inset, _ := d.CanvasForObject(v).InteractiveArea()
	return d.AbsolutePositionForObject(v).Add(inset).Add(p)
}

// drag drags on v's canvas from one point of v to another, as a mouse would.
func drag(v *ArticleView, from, to fyne.Position) {
	c := fyne.CurrentApp().Driver().CanvasForObject(v)
	test.Drag(c, canvasPos(v, to), to.X-from.X, to.Y-from.Y)
}

// click presses and releases the primary button at p, with the modifier keys mods.
func click(v *ArticleView, p fyne.Position, mods fyne.KeyModifier) {
	ev := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary, Modifier: mods}
	v.MouseDown(ev)
	v.MouseUp(ev)
}

// key types a key in v with the modifier keys held (pressed before, released after).
func key(v *ArticleView, name fyne.KeyName, held ...fyne.KeyName) {
	for _, k := range held {
		v.KeyDown(&fyne.KeyEvent{Name: k})
	}
	v.TypedKey(&fyne.KeyEvent{Name: name})
	for _, k := range held {
		v.KeyUp(&fyne.KeyEvent{Name: k})
	}
}

func selectedText(v *ArticleView) string {
	sel := v.Selection()
	return v.Text(sel.Start, sel.End)
}

func selectedID(v *ArticleView) int64 {
	s, _ := v.SelectedSpan()
	return s.ID
}

func TestArticleViewMarkup(t *testing.T) {
	nested := func(t *testing.T) []annotations.Span {
		return []annotations.Span{span(t, 1, "claim", "« Nous tenons Bakhmout »"), span(t, 2, "actor", "Nous")}
	}
	tests := map[string]struct {
		spans func(t *testing.T) []annotations.Span
		setup func(t *testing.T, v *ArticleView)
	}{
		"plain": {},
		// the actor's tint on "Nous", the claim's around it, both bars underneath in lanes 0 and 1
		"nested": {spans: nested},
		// "tenons" is in both spans: the shorter one's tint, two bars; the third span crosses the wrap
		"overlapping": {spans: func(t *testing.T) []annotations.Span {
			return []annotations.Span{span(t, 1, "actor", "Nous tenons"), span(t, 2, "claim", "tenons Bakhmout"),
				span(t, 3, "weapon", "l’état-major")}
		}},
		// outline and a handle at each edge, on two lines
		"selected": {
			spans: func(t *testing.T) []annotations.Span {
				return append(nested(t), span(t, 3, "actor", "l’état-major"))
			},
			setup: func(t *testing.T, v *ArticleView) {
				if !v.SelectSpan(3) {
					t.Fatal("span 3 is not shown")
				}
			},
		},
		// the selection's background; the caret at its end, in the focused colour
		"selection": {setup: func(t *testing.T, v *ArticleView) {
			r := rangeOf(t, article, "tenons Bakhmout")
			v.Select(r.Start, r.End)
			fyne.CurrentApp().Driver().CanvasForObject(v).Focus(v)
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var spans []annotations.Span
			if tt.spans != nil {
				spans = tt.spans(t)
			}
			v, w := newTestView(t, spans...)
			if tt.setup != nil {
				tt.setup(t, v)
			}
			test.AssertRendersToMarkup(t, "articleview/"+name+".xml", w.Canvas())
		})
	}
}

func TestArticleViewLanes(t *testing.T) {
	v, _ := newTestView(t, span(t, 1, "claim", "« Nous tenons Bakhmout »"), span(t, 2, "actor", "Nous"),
		span(t, 3, "actor", "dit"), span(t, 4, "figure", "tenons Bakhmout »"))
	want := map[int64]int{1: 0, 2: 1, 3: 0, 4: 1} // a span goes to the lowest lane free where it starts
	if n := len(v.Spans()); n != len(want) {
		t.Fatalf("the view shows %d spans, want %d", n, len(want))
	}
	for i, s := range v.Spans() {
		if v.lane[i] != want[s.ID] {
			t.Errorf("span %d (%s) is in lane %d, want %d", s.ID, v.Text(s.Start, s.End), v.lane[i], want[s.ID])
		}
	}
}

func TestArticleViewDrag(t *testing.T) {
	tests := map[string]struct {
		from, to func(t *testing.T, v *ArticleView) fyne.Position
		alt      bool
		want     string
		backward bool // the caret ends at the start of the selection
	}{
		"words": {
			from: charAt("tenons", 2),
			to:   charAt("Bakhmout", 3),
			want: "tenons Bakhmout",
		},
		"words backward": {
			from:     charAt("Bakhmout", 3),
			to:       charAt("tenons", 2),
			want:     "tenons Bakhmout",
			backward: true,
		},
		"words across the wrap": {
			from: charAt("dit", 1),
			to:   charAt("major", 1),
			want: "dit l’état-major",
		},
		"words up to the emoji": {
			from: charAt("major", 2),
			to:   charAt("🇺🇦", 0),
			want: "major 🇺🇦",
		},
		"from a space": {
			from: charAt(" tenons", 0),
			to:   charAt("tenons", 1),
			want: "tenons",
		},
		"alt: exact characters": {
			from: charAt("tenons", 1),
			to:   caretAt("Bakhmout", 4),
			alt:  true,
			want: "enons Bakh",
		},
		"alt: exact characters backward": {
			from:     charAt("Bakhmout", 3),
			to:       caretAt("tenons", 2),
			alt:      true,
			want:     "nons Bakh",
			backward: true,
		},
		"alt: the emoji stays whole": {
			from: charAt("major", 4),
			to: func(t *testing.T, v *ArticleView) fyne.Position {
				return charPos(v, offsetOf(t, "🇺🇦", 0)).Add(fyne.NewPos(1, 0)) // past the middle of the flag
			},
			alt:  true,
			want: "r 🇺🇦",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestView(t)
			if tt.alt {
				v.KeyDown(&fyne.KeyEvent{Name: desktop.KeyAltLeft})
			}
			drag(v, tt.from(t, v), tt.to(t, v))
			if got := selectedText(v); got != tt.want {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
			sel := v.Selection()
			want := sel.End
			if tt.backward {
				want = sel.Start
			}
			if v.Caret() != want {
				t.Errorf("caret at %d, want %d (selection %v)", v.Caret(), want, sel)
			}
		})
	}
}

// TestArticleViewDragOverSpan checks that a drag starting on a span selects text, not the span.
func TestArticleViewDragOverSpan(t *testing.T) {
	v, _ := newTestView(t, span(t, 1, "actor", "Nous"))
	v.SelectSpan(1)
	drag(v, charPos(v, offsetOf(t, "tenons", 2)), charPos(v, offsetOf(t, "dit", 1)))
	if got := selectedText(v); got != "tenons Bakhmout », dit" {
		t.Errorf("selected %q", got)
	}
	if id := selectedID(v); id != 0 {
		t.Errorf("span %d is still selected", id)
	}
}

func TestArticleViewMultiClick(t *testing.T) {
	tests := map[string]struct {
		at     string // the text clicked on: its second code point
		clicks int
		want   string
	}{
		"double click":                  {"Bakhmout", 2, "Bakhmout"},
		"double click on an apostrophe": {"l’état", 2, "l’état"},
		"double click on the emoji":     {"🇺🇦", 2, "🇺🇦"},
		"triple click":                  {"pertes", 3, "Les pertes sont lourdes."},
		"triple click, wrapped":         {"Nous", 3, "« Nous tenons Bakhmout », dit l’état-major 🇺🇦."},
		"triple click, last paragraph":  {"chars", 3, "Deux chars ont brûlé."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestView(t)
			p := charPos(v, offsetOf(t, tt.at, 1))
			for range tt.clicks {
				click(v, p, 0)
			}
			if got := selectedText(v); got != tt.want {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
		})
	}
}

// TestArticleViewDoubleClickHeld is a double click whose second press is still held: the word is
// selected on the press.
func TestArticleViewDoubleClickHeld(t *testing.T) {
	v, _ := newTestView(t)
	ev := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: charPos(v, offsetOf(t, "pertes", 2))}, Button: desktop.MouseButtonPrimary}
	v.MouseDown(ev)
	v.MouseDown(ev)
	if got := selectedText(v); got != "pertes" {
		t.Errorf("selected %q, want %q", got, "pertes")
	}
	v.MouseUp(ev)
	if got := selectedText(v); got != "pertes" {
		t.Errorf("after the release: selected %q, want %q", got, "pertes")
	}
}

func TestArticleViewShiftClick(t *testing.T) {
	tests := map[string]struct {
		caret, to func(t *testing.T, v *ArticleView) fyne.Position
		want      string
	}{
		"forward, to the end of the word": {
			caret: caretAt("tenons", 0),
			to:    charAt("Bakhmout", 3),
			want:  "tenons Bakhmout",
		},
		"backward, to the start of the word": {
			caret: caretAt(" »", 0),
			to:    charAt("tenons", 3),
			want:  "tenons Bakhmout",
		},
		"onto the next line": {
			caret: caretAt("dit", 0),
			to:    charAt("major", 1),
			want:  "dit l’état-major",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestView(t)
			click(v, tt.caret(t, v), 0)
			if sel := v.Selection(); sel.Len() != 0 {
				t.Fatalf("a click selected %q", v.Text(sel.Start, sel.End))
			}
			click(v, tt.to(t, v), fyne.KeyModifierShift)
			if got := selectedText(v); got != tt.want {
				t.Errorf("selected %q, want %q", got, tt.want)
			}
		})
	}
}

func TestArticleViewKeys(t *testing.T) {
	v, _ := newTestView(t)
	click(v, caretPos(v, offsetOf(t, "Nous", 0)), 0)
	if got, want := v.Caret(), offsetOf(t, "Nous", 0); got != want {
		t.Fatalf("the click put the caret at %d, want %d", got, want)
	}
	shift := desktop.KeyShiftLeft
	steps := []struct {
		key   fyne.KeyName
		held  []fyne.KeyName
		caret int // offset of the caret
		want  string
	}{
		{fyne.KeyRight, nil, offsetOf(t, "Nous", 4), ""},
		{fyne.KeyRight, nil, offsetOf(t, "tenons", 6), ""},
		{fyne.KeyLeft, nil, offsetOf(t, "tenons", 0), ""},
		{fyne.KeyRight, []fyne.KeyName{shift}, offsetOf(t, "tenons", 6), "tenons"},
		{fyne.KeyRight, []fyne.KeyName{shift}, offsetOf(t, "Bakhmout", 8), "tenons Bakhmout"},
		{fyne.KeyLeft, []fyne.KeyName{shift}, offsetOf(t, "tenons", 6), "tenons"}, // shrinks to a word end: no trailing space
		{fyne.KeyRight, []fyne.KeyName{shift}, offsetOf(t, "Bakhmout", 8), "tenons Bakhmout"},
		{fyne.KeyRight, nil, offsetOf(t, "Bakhmout", 8), ""}, // collapses to the selection's end
		{fyne.KeyLeft, nil, offsetOf(t, "Bakhmout", 0), ""},
	}
	for i, st := range steps {
		key(v, st.key, st.held...)
		if v.Caret() != st.caret || selectedText(v) != st.want {
			t.Fatalf("step %d (%s %v): caret %d, selected %q; want %d, %q", i, st.key, st.held, v.Caret(), selectedText(v), st.caret, st.want)
		}
	}

	// by line: End, Down (the last line is shorter: to its end), Shift+Home
	click(v, caretPos(v, offsetOf(t, "pertes", 0)), 0)
	key(v, fyne.KeyEnd)
	if got, want := v.Caret(), offsetOf(t, "\nDeux", 0); got != want {
		t.Errorf("End: caret at %d, want %d (after %q)", got, want, "lourdes.")
	}
	key(v, fyne.KeyDown)
	if got, want := v.Caret(), v.Len(); got != want {
		t.Errorf("Down: caret at %d, want %d (the end)", got, want)
	}
	key(v, fyne.KeyHome, shift)
	if got, want := selectedText(v), "Deux chars ont brûlé."; got != want || v.Caret() != offsetOf(t, "Deux", 0) {
		t.Errorf("Shift+Home: selected %q, caret %d; want %q, caret at its start", got, v.Caret(), want)
	}
}

func TestArticleViewClickSpans(t *testing.T) {
	v, _ := newTestView(t, span(t, 1, "claim", "« Nous tenons Bakhmout »"), span(t, 2, "actor", "Nous"))
	nous := charPos(v, offsetOf(t, "Nous", 1))
	steps := []struct {
		at   fyne.Position
		wait bool // wait long enough that the click is not a double click
		want int64
	}{
		{nous, false, 2}, // the innermost span
		{nous, true, 1},  // again at the same place: the span around it
		{nous, true, 2},  // and round again
		{charPos(v, offsetOf(t, "tenons", 2)), false, 1},   // only the claim there
		{charPos(v, offsetOf(t, "dit", 1)), false, 0},      // no span
		{charPos(v, offsetOf(t, "Bakhmout", 2)), false, 1}, // the claim again
		{fyne.NewPos(v.origin().X-10, nous.Y), false, 0},   // in the margin
	}
	for i, st := range steps {
		if st.wait {
			endClicks(v)
		}
		click(v, st.at, 0)
		if got := selectedID(v); got != st.want {
			t.Fatalf("click %d: span %d selected, want %d", i, got, st.want)
		}
		if s, ok := v.SelectedSpan(); ok {
			if sel := v.Selection(); sel.Start != s.Start || sel.End != s.End {
				t.Errorf("click %d: selection %v, want the span's %d–%d", i, sel, s.Start, s.End)
			}
		}
	}
}

func TestArticleViewClickBars(t *testing.T) {
	// "tenons" is in both spans: the actor (shorter) has lane 0, the claim lane 1
	spans := []annotations.Span{span(t, 1, "actor", "Nous tenons"), span(t, 2, "claim", "tenons Bakhmout")}
	tenons, nous := offsetOf(t, "tenons", 2), offsetOf(t, "Nous", 1)
	tests := map[string]struct {
		at   func(v *ArticleView) fyne.Position
		want int64
	}{
		"text in both":           {func(v *ArticleView) fyne.Position { return charPos(v, tenons) }, 1},
		"lane 0 under both":      {func(v *ArticleView) fyne.Position { return barPos(v, tenons, 0) }, 1},
		"lane 1 under both":      {func(v *ArticleView) fyne.Position { return barPos(v, tenons, 1) }, 2},
		"lane 0 under the actor": {func(v *ArticleView) fyne.Position { return barPos(v, nous, 0) }, 1},
		"lane 1, no bar there":   {func(v *ArticleView) fyne.Position { return barPos(v, nous, 1) }, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestView(t, spans...)
			click(v, tt.at(v), 0)
			if got := selectedID(v); got != tt.want {
				t.Errorf("span %d selected, want %d", got, tt.want)
			}
		})
	}
}

func TestArticleViewTab(t *testing.T) {
	v, _ := newTestView(t, span(t, 3, "weapon", "chars"), span(t, 1, "claim", "« Nous tenons Bakhmout »"), span(t, 2, "actor", "Nous"))
	steps := []struct {
		shift bool
		want  int64
	}{
		{false, 1}, // from the caret at 0: the first span in text order, the longest first
		{false, 2},
		{false, 3},
		{false, 1}, // wraps around
		{true, 3},
		{true, 2},
	}
	for i, st := range steps {
		if st.shift {
			key(v, fyne.KeyTab, desktop.KeyShiftLeft)
		} else {
			key(v, fyne.KeyTab)
		}
		if got := selectedID(v); got != st.want {
			t.Fatalf("step %d: span %d selected, want %d", i, got, st.want)
		}
	}
	key(v, fyne.KeyEscape)
	if id, sel := selectedID(v), v.Selection(); id != 0 || sel.Len() != 0 {
		t.Errorf("after Escape: span %d selected, selection %v", id, sel)
	}
	click(v, caretPos(v, offsetOf(t, "dit", 0)), 0)
	key(v, fyne.KeyTab)
	if got := selectedID(v); got != 3 {
		t.Errorf("Tab from the caret before %q selected span %d, want 3", "dit", got)
	}
}

// TestArticleViewDragEdge drags an edge of the selected span and checks what the view reports.
func TestArticleViewDragEdge(t *testing.T) {
	tests := map[string]struct {
		span string // the span's text
		to   func(t *testing.T, v *ArticleView) fyne.Position
		end  bool // drag the end edge, else the start
		alt  bool
		want string
	}{
		"end, to the end of a word": {
			span: "tenons",
			to:   charAt("Bakhmout", 2),
			end:  true,
			want: "tenons Bakhmout",
		},
		"end with Alt, exact": {
			span: "tenons",
			to:   caretAt("Bakhmout", 3),
			end:  true,
			alt:  true,
			want: "tenons Bak",
		},
		"start, to the start of a word": {
			span: "tenons",
			to:   charAt("Nous", 1),
			want: "Nous tenons",
		},
		"start into the space before a word: that word's start": {
			span: "Bakhmout",
			to: func(t *testing.T, v *ArticleView) fyne.Position {
				return charPos(v, offsetOf(t, " tenons", 0)).AddXY(-1, 0) // the caret goes before the space
			},
			want: "tenons Bakhmout",
		},
		"end into the space after a word: that word's end": {
			span: "Nous",
			end:  true,
			to: func(t *testing.T, v *ArticleView) fyne.Position {
				return charPos(v, offsetOf(t, " Bakhmout", 0)).AddXY(1, 0) // the caret goes after the space
			},
			want: "Nous tenons",
		},
		"end, to before the start: one character stays": {
			span: "tenons",
			to:   charAt("Nous", 1),
			end:  true,
			want: "t",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			v, _ := newTestView(t, span(t, 1, "actor", tt.span))
			var got *text.Range
			v.OnSpanResized = func(s annotations.Span, start, end int) {
				if s.ID != 1 {
					t.Errorf("span %d resized", s.ID)
				}
				got = &text.Range{Start: start, End: end}
			}
			v.SelectSpan(1)
			from := selectedEdgePos(v, tt.end)
			if tt.alt {
				v.KeyDown(&fyne.KeyEvent{Name: desktop.KeyAltLeft})
			}
			drag(v, from, tt.to(t, v))
			if got == nil {
				t.Fatal("no resize reported")
			}
			if s := v.Text(got.Start, got.End); s != tt.want {
				t.Errorf("resized to %q, want %q", s, tt.want)
			}
			if v.preview != nil {
				t.Error("the drag's preview is still shown")
			}
		})
	}
}

// endClicks makes the next click a single click, as if the double-click time had passed since the
// last one, without waiting for it.
func endClicks(v *ArticleView) { v.press.when = time.Time{} }
