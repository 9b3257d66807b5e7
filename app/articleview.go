package app

import (
	"image/color"
	"math"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// ArticleView shows a document's text wrapped to its width with the annotator's spans drawn over it,
// and lets the user select text and spans with the mouse and the keyboard. It scrolls itself and lays
// out and draws only the lines in sight, so long articles with thousands of spans stay fast.
//
// Spans: the text of every span is tinted with its label's colour, the innermost span winning where
// spans nest, and every span also has a bar of its colour under the line, in a lane of its own where
// spans overlap. So a claim holding an actor shows the actor's tint on the name, the claim's tint
// around it, and both bars underneath: no span ever hides another, and each bar can be clicked.
//
// Selection contract (see the README): a drag selects whole words, Alt+drag exact characters, a double
// click a word, a triple click a sentence, Shift+click extends. A click on a span selects it (clicking
// again at the same place selects the next span out). Left/Right move the caret by word; with Shift they
// extend the selection. The view calls the On* fields for what the window decides (labels, deleting).
type ArticleView struct {
	widget.BaseWidget

	// OnSelectionChanged is called when the caret, the selection or the selected span changes.
	OnSelectionChanged func()
	// OnTypedRune gets the characters typed in the view: the label keys.
	OnTypedRune func(r rune)
	// OnTypedKey gets the keys the view does not use itself (Delete, Page Up...); it returns whether
	// it used the key.
	OnTypedKey func(ev *fyne.KeyEvent) bool
	// OnSpanResized is called when the user has dragged an edge of the selected span to a new place.
	OnSpanResized func(s annotations.Span, start, end int)
	// OnKeyFirst, when set, sees every key before the view; if it returns true the view ignores the
	// key. Review mode uses it for Up and Down.
	OnKeyFirst func(ev *fyne.KeyEvent) bool
	// OnLinkRequested is called when the user Ctrl+clicks (Cmd+click) a span while another is selected:
	// the window links the selected span to the clicked one.
	OnLinkRequested func(from, to annotations.Span)

	runes  []rune
	seg    *text.Segments
	spans  []annotations.Span // by start, then longest first
	lane   []int              // lane of each span's bar
	maxEnd []int              // maxEnd[i] is the greatest end among spans[:i+1]
	colors map[string]color.NRGBA
	layers []Layer     // other annotators' spans, drawn as marks in rows of their own (review mode)
	mark   *text.Range // a stretch of text outlined for the user (review mode's current conflict)

	suggestions []annotations.Suggestion // by start, then longest first
	current     int64                    // id of the suggestion the user is on, or 0
	relations   []annotations.Relation
	relColors   map[string]color.NRGBA // by relation type

	caret, anchor int         // the selection is [min, max) of the two
	selected      int64       // id of the selected span, or 0
	preview       *text.Range // the selected span's range while an edge is dragged

	size    float32 // text size; zoom changes it
	offset  float32 // scroll position, from the top of the text
	layout  *articleLayout
	width   float32 // the width the layout was made for
	placed  bool    // layout lines have their lanes and heights for the current spans
	focused bool
	mods    fyne.KeyModifier // modifier keys held, from KeyDown and KeyUp

	press pressState
}

// pressState is what the mouse is doing.
type pressState struct {
	down      bool
	at        fyne.Position
	when      time.Time
	count     int // 1 click, 2 double click, 3 triple click
	mods      fyne.KeyModifier
	mode      dragMode
	dragged   bool
	startChar int // offset of the cluster pressed on
	edge      int // 0 start, 1 end, while dragging an edge
}

type dragMode int

const (
	dragSelect dragMode = iota
	dragEdge
	dragScrollbar
)

var (
	_ fyne.Focusable     = (*ArticleView)(nil)
	_ fyne.Tabbable      = (*ArticleView)(nil)
	_ fyne.Draggable     = (*ArticleView)(nil)
	_ fyne.Scrollable    = (*ArticleView)(nil)
	_ desktop.Mouseable  = (*ArticleView)(nil)
	_ desktop.Keyable    = (*ArticleView)(nil)
	_ desktop.Cursorable = (*ArticleView)(nil)
)

// Layout constants, in pixels at zoom 1.
const (
	viewMargin     = 24 // around the text column
	maxColumnEms   = 44 // the text column is at most this many text sizes wide: about 80 characters
	scrollBarWidth = 10 // the scroll bar along the right edge
	edgeGrab       = 5  // how near an edge of the selected span a press grabs it
	multiClick     = 500 * time.Millisecond
	minTextSize    = 10
	maxTextSize    = 40
)

// NewArticleView returns an empty article view.
func NewArticleView() *ArticleView {
	v := &ArticleView{colors: map[string]color.NRGBA{}}
	v.ExtendBaseWidget(v)
	v.SetDocument("", nil)
	return v
}

// SetDocument shows a new text and its spans, with the caret at the start and nothing selected.
func (v *ArticleView) SetDocument(s string, spans []annotations.Span) {
	v.SetSegmentedDocument(s, text.Segment(s), spans)
}

// SetSegmentedDocument is SetDocument for a text already segmented (seg is text.Segment(s)), so that
// the segmenting can be done off the UI goroutine.
func (v *ArticleView) SetSegmentedDocument(s string, seg *text.Segments, spans []annotations.Span) {
	v.runes = []rune(s)
	v.seg = seg
	v.layout, v.width, v.offset = nil, 0, 0
	v.caret, v.anchor, v.selected, v.preview = 0, 0, 0, nil
	v.suggestions, v.current, v.relations = nil, 0, nil
	v.setSpans(spans)
	v.Refresh()
}

// SetSpans replaces the spans shown, keeping the scroll position, the selection and the selected span
// when it is still there.
func (v *ArticleView) SetSpans(spans []annotations.Span) {
	v.setSpans(spans)
	if v.selected != 0 && v.spanIndex(v.selected) < 0 {
		v.selected = 0
	}
	v.Refresh()
}

// Layer is one annotator's spans, shown under the text as marks in a row of their own, coloured by
// label: review mode shows every annotator's version of a document at once this way.
type Layer struct {
	Name  string
	Spans []annotations.Span
}

// SetLayers sets the layers drawn under each line, in order from the top; nil removes them.
func (v *ArticleView) SetLayers(layers []Layer) {
	v.layers = make([]Layer, len(layers))
	for i, l := range layers {
		spans := slices.Clone(l.Spans)
		// longest first, so that a span nested in another is drawn over it and stays visible
		slices.SortStableFunc(spans, func(a, b annotations.Span) int { return (b.End - b.Start) - (a.End - a.Start) })
		v.layers[i] = Layer{Name: l.Name, Spans: spans}
	}
	if v.layout != nil && v.layout.rows != len(layers) {
		v.layout.rows, v.placed = len(layers), false
	}
	v.Refresh()
}

// SetMark outlines [r.Start, r.End) and scrolls it into view; nil removes the outline.
func (v *ArticleView) SetMark(r *text.Range) {
	v.mark = r
	if r != nil && len(v.runes) > 0 {
		v.scrollToRange(*r)
	}
	v.Refresh()
}

// SetLabels sets the colour of each label's spans.
func (v *ArticleView) SetLabels(labels []annotations.Label) {
	v.colors = make(map[string]color.NRGBA, len(labels))
	for _, l := range labels {
		v.colors[l.Name] = parseColor(l.Color)
	}
	v.Refresh()
}

// Spans returns the spans shown, in text order.
func (v *ArticleView) Spans() []annotations.Span { return v.spans }

// Text returns the text of [start, end).
func (v *ArticleView) Text(start, end int) string {
	start, end = max(0, min(start, len(v.runes))), max(0, min(end, len(v.runes)))
	if start >= end {
		return ""
	}
	return string(v.runes[start:end])
}

// Len returns the length of the text in code points.
func (v *ArticleView) Len() int { return len(v.runes) }

// Selection returns the selected range (empty at the caret when nothing is selected).
func (v *ArticleView) Selection() text.Range {
	return text.Range{Start: min(v.caret, v.anchor), End: max(v.caret, v.anchor)}
}

// Caret returns the caret's offset.
func (v *ArticleView) Caret() int { return v.caret }

// SelectedSpan returns the selected span, if any.
func (v *ArticleView) SelectedSpan() (annotations.Span, bool) {
	if i := v.spanIndex(v.selected); i >= 0 {
		return v.spans[i], true
	}
	return annotations.Span{}, false
}

// Select selects [start, end) (snapped to clusters), with the caret at end, and scrolls to it.
func (v *ArticleView) Select(start, end int) {
	v.selected = 0
	v.anchor, v.caret = v.seg.Snap(start), v.snapUp(end)
	v.scrollToSelection()
	v.changed()
}

// SelectSpan selects the span with id and scrolls to it; it reports whether the span is shown.
func (v *ArticleView) SelectSpan(id int64) bool {
	i := v.spanIndex(id)
	if i < 0 {
		return false
	}
	v.selected = id
	v.anchor, v.caret = v.spans[i].Start, v.spans[i].End
	v.scrollToSelection()
	v.changed()
	return true
}

// ClearSelection leaves only the caret.
func (v *ArticleView) ClearSelection() {
	v.selected, v.anchor = 0, v.caret
	v.changed()
}

// NextSpan selects the span after (dir > 0) or before (dir < 0) the selected span or the caret,
// wrapping around; it reports whether there was one.
func (v *ArticleView) NextSpan(dir int) bool {
	if len(v.spans) == 0 {
		return false
	}
	i := v.spanIndex(v.selected)
	switch {
	case i >= 0:
		i = (i + dir + len(v.spans)) % len(v.spans)
	case dir > 0:
		i = sort.Search(len(v.spans), func(k int) bool { return v.spans[k].Start >= v.caret }) % len(v.spans)
	default:
		i = sort.Search(len(v.spans), func(k int) bool { return v.spans[k].Start >= v.caret }) - 1
		if i < 0 {
			i = len(v.spans) - 1
		}
	}
	return v.SelectSpan(v.spans[i].ID)
}

// MoveCaret moves the caret by words (or by clusters when exact), forwards or backwards; with extend the
// selection grows or shrinks from its anchor, else it collapses to the caret.
func (v *ArticleView) MoveCaret(dir int, exact, extend bool) {
	c := v.caret
	if !extend && v.caret != v.anchor {
		// collapse to the edge in the direction of the move, as text editors do
		sel := v.Selection()
		if dir > 0 {
			c = sel.End
		} else {
			c = sel.Start
		}
	} else if extend && v.caret != v.anchor {
		// the caret is a selection edge: keep it on a word edge on its side, so that a selection
		// shrunk by words never ends in white space
		c = v.edgeStep(c, dir, v.caret > v.anchor, exact)
	} else {
		c = v.step(c, dir, exact)
	}
	v.moveCaret(c, extend)
}

// MoveLine moves the caret to the nearest word boundary one wrapped line up or down.
func (v *ArticleView) MoveLine(dir int, extend bool) {
	l := v.ensureLayout()
	if l == nil {
		return
	}
	i := l.lineOf(v.caret)
	x := l.xOf(i, v.caret)
	j := max(0, min(i+dir, len(l.lines)-1))
	c := v.caret
	if j == i {
		if dir > 0 {
			c = l.lineRange(i).End
		} else {
			c = l.lineRange(i).Start
		}
	} else {
		c, _ = l.hit(j, x)
		if r, ok := v.seg.WordAt(c); ok && c > r.Start && c < r.End {
			if dir > 0 {
				c = r.End
			} else {
				c = r.Start
			}
		}
	}
	v.moveCaret(c, extend)
}

// MoveEdge moves one edge of the selected span (end when end is true) by a word or a cluster, and
// reports the new range through OnSpanResized. Without a selected span it does nothing.
func (v *ArticleView) MoveEdge(end bool, dir int, exact bool) {
	s, ok := v.SelectedSpan()
	if !ok {
		return
	}
	start, stop := s.Start, s.End
	if end {
		stop = v.edgeStep(stop, dir, true, exact)
	} else {
		start = v.edgeStep(start, dir, false, exact)
	}
	if start >= stop || (start == s.Start && stop == s.End) {
		return
	}
	if v.OnSpanResized != nil {
		v.OnSpanResized(s, start, stop)
	}
}

// TextSize returns the size of the text.
func (v *ArticleView) TextSize() float32 {
	if v.size == 0 {
		return defaultTextSize()
	}
	return v.size
}

// defaultTextSize is the article's text size at zoom 1: a little larger than the theme's.
func defaultTextSize() float32 { return theme.TextSize() + 2 }

// SetTextSize changes the size of the text (zoom), keeping the caret's line in place.
func (v *ArticleView) SetTextSize(size float32) {
	size = max(minTextSize, min(size, maxTextSize))
	if size == v.TextSize() {
		return
	}
	var before float32
	if l := v.ensureLayout(); l != nil {
		before = l.lines[l.lineOf(v.caret)].y - v.offset
	}
	v.size, v.layout = size, nil
	if l := v.ensureLayout(); l != nil {
		v.setOffset(l.lines[l.lineOf(v.caret)].y - before)
	}
	v.Refresh()
}

// ScrollOffset returns how far the view is scrolled down.
func (v *ArticleView) ScrollOffset() float32 { return v.offset }

// ScrollBy scrolls by dy pixels.
func (v *ArticleView) ScrollBy(dy float32) {
	v.setOffset(v.offset + dy)
	v.Refresh()
}

// CreateRenderer makes the view's renderer.
func (v *ArticleView) CreateRenderer() fyne.WidgetRenderer {
	return &articleViewRenderer{view: v}
}

// MinSize is small: the view scrolls.
func (v *ArticleView) MinSize() fyne.Size { return fyne.NewSize(200, 100) }

// FocusGained shows the caret.
func (v *ArticleView) FocusGained() { v.focused = true; v.Refresh() }

// FocusLost dims the caret and forgets held modifier keys.
func (v *ArticleView) FocusLost() { v.focused, v.mods = false, 0; v.Refresh() }

// AcceptsTab takes Tab and Shift+Tab for moving between spans.
func (v *ArticleView) AcceptsTab() bool { return true }

// TypedRune hands typed characters to OnTypedRune.
func (v *ArticleView) TypedRune(r rune) {
	if v.OnTypedRune != nil {
		v.OnTypedRune(r)
	}
}

// KeyDown notes the modifier keys held.
func (v *ArticleView) KeyDown(ev *fyne.KeyEvent) {
	if m := modifierOf(ev.Name); m != 0 {
		v.mods |= m
	}
}

// KeyUp notes the modifier keys released.
func (v *ArticleView) KeyUp(ev *fyne.KeyEvent) {
	if m := modifierOf(ev.Name); m != 0 {
		v.mods &^= m
	}
}

// TypedKey moves the caret and the selection; other keys go to OnTypedKey.
func (v *ArticleView) TypedKey(ev *fyne.KeyEvent) {
	if v.OnKeyFirst != nil && v.OnKeyFirst(ev) {
		return
	}
	shift := v.modifiers()&fyne.KeyModifierShift != 0
	switch ev.Name {
	case fyne.KeyRight, fyne.KeyLeft:
		dir := 1
		if ev.Name == fyne.KeyLeft {
			dir = -1
		}
		if _, ok := v.SelectedSpan(); ok && shift {
			v.MoveEdge(true, dir, false)
			return
		}
		v.MoveCaret(dir, false, shift)
	case fyne.KeyDown:
		v.MoveLine(1, shift)
	case fyne.KeyUp:
		v.MoveLine(-1, shift)
	case fyne.KeyHome:
		if l := v.ensureLayout(); l != nil {
			v.moveCaret(l.lineRange(l.lineOf(v.caret)).Start, shift)
		}
	case fyne.KeyEnd:
		if l := v.ensureLayout(); l != nil {
			v.moveCaret(l.lineRange(l.lineOf(v.caret)).End, shift)
		}
	case fyne.KeyTab:
		if shift {
			v.NextSpan(-1)
		} else {
			v.NextSpan(1)
		}
	case fyne.KeyEscape:
		if v.selected != 0 || v.caret != v.anchor {
			v.ClearSelection()
			return
		}
		fallthrough
	default:
		if v.OnTypedKey != nil {
			v.OnTypedKey(ev)
		}
	}
}

// Scrolled scrolls the view.
func (v *ArticleView) Scrolled(ev *fyne.ScrollEvent) {
	v.ScrollBy(-ev.Scrolled.DY)
}

// Cursor is a text cursor, or a resize cursor over an edge of the selected span.
func (v *ArticleView) Cursor() desktop.Cursor {
	if v.press.mode == dragEdge && v.press.down {
		return desktop.HResizeCursor
	}
	return desktop.TextCursor
}

// MouseDown starts a click, a double or triple click, a selection drag, an edge drag or a scroll bar
// drag, and takes the keyboard focus.
func (v *ArticleView) MouseDown(ev *desktop.MouseEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	now := time.Now()
	p := &v.press
	if now.Sub(p.when) < multiClick && near(ev.Position, p.at) {
		p.count = p.count%3 + 1
	} else {
		p.count = 1
	}
	p.down, p.at, p.when, p.mods, p.dragged = true, ev.Position, now, ev.Modifier|v.mods, false
	p.mode = dragSelect
	if v.onScrollBar(ev.Position) {
		p.mode = dragScrollbar
		v.scrollBarTo(ev.Position.Y)
		return
	}
	if edge, ok := v.edgeAt(ev.Position); ok && p.count == 1 {
		p.mode, p.edge = dragEdge, edge
		return
	}
	caret, char := v.hitChar(ev.Position)
	p.startChar = char
	switch {
	case p.count == 2:
		if r, ok := v.seg.WordAt(p.startChar); ok {
			v.Select(r.Start, r.End)
		}
	case p.count == 3:
		r := v.seg.SentenceAt(p.startChar)
		v.Select(r.Start, r.End)
	case p.mods&fyne.KeyModifierShift != 0:
		v.extendTo(caret, p.mods&fyne.KeyModifierAlt != 0)
	}
}

// MouseUp ends a click: a click that did not drag moves the caret and selects the span under it.
func (v *ArticleView) MouseUp(ev *desktop.MouseEvent) {
	p := &v.press
	if !p.down {
		return
	}
	p.down = false
	if p.dragged || p.count != 1 || p.mode != dragSelect || p.mods&fyne.KeyModifierShift != 0 {
		return
	}
	if p.mods&fyne.KeyModifierShortcutDefault != 0 && v.link(ev.Position) {
		return
	}
	v.click(ev.Position)
}

// Dragged extends the selection, moves an edge of the selected span or the scroll bar. A drag that
// leaves the view at the top or bottom scrolls it.
func (v *ArticleView) Dragged(ev *fyne.DragEvent) {
	p := &v.press
	if !p.down { // no MouseDown came first (mobile drivers and fyne's test.Drag): start here
		start := ev.Position.Subtract(ev.Dragged)
		p.down, p.at, p.count, p.mods, p.dragged, p.mode = true, start, 1, v.mods, false, dragSelect
		if edge, ok := v.edgeAt(start); ok {
			p.mode, p.edge = dragEdge, edge
		} else if v.onScrollBar(start) {
			p.mode = dragScrollbar
		} else {
			_, p.startChar = v.hitChar(start)
		}
	}
	p.dragged = true
	if p.mode == dragScrollbar {
		v.scrollBarTo(ev.Position.Y)
		return
	}
	if h := v.Size().Height; ev.Position.Y < 0 || ev.Position.Y > h {
		over := ev.Position.Y
		if over > 0 {
			over -= h
		}
		v.setOffset(v.offset + over)
	}
	caret, end := v.hitChar(ev.Position)
	exact := p.mods&fyne.KeyModifierAlt != 0
	if p.mode == dragEdge {
		v.dragEdgeTo(caret, exact)
		return
	}
	v.selected = 0
	if p.count > 1 {
		p.count = 1 // a drag after a double click selects by words too
	}
	a, b := p.startChar, end
	forward := b >= a
	if exact {
		if forward {
			v.anchor, v.caret = a, caret
		} else {
			v.anchor, v.caret = v.seg.NextCluster(a), caret
		}
	} else {
		lo, hi := min(a, b), max(a, b)
		r := v.seg.SnapWords(lo, v.seg.NextCluster(hi))
		if r.Start == r.End {
			r = text.Range{Start: caret, End: caret}
		}
		if forward {
			v.anchor, v.caret = r.Start, r.End
		} else {
			v.anchor, v.caret = r.End, r.Start
		}
	}
	v.scrollCaretIntoView()
	v.changed()
}

// DragEnd finishes a drag; an edge drag reports the new range.
func (v *ArticleView) DragEnd() {
	p := &v.press
	mode := p.mode
	p.down, p.mode = false, dragSelect
	if mode == dragEdge && v.preview != nil {
		r := *v.preview
		v.preview = nil
		if s, ok := v.SelectedSpan(); ok && (r.Start != s.Start || r.End != s.End) && v.OnSpanResized != nil {
			v.OnSpanResized(s, r.Start, r.End)
		}
		v.Refresh()
	}
}

// click moves the caret to p and selects the span under it: the innermost one, or, when that one is
// already selected, the next one out. A click on a span's bar selects that span.
func (v *ArticleView) click(p fyne.Position) {
	caret, under := v.hit(p)
	v.anchor, v.caret = caret, caret
	if id := v.barAt(p); id != 0 {
		v.SelectSpan(id)
		return
	}
	if under < 0 {
		v.selected = 0
		v.changed()
		return
	}
	at := v.seg.ClusterStart(under)
	covering := v.spansAt(at) // innermost first
	if len(covering) == 0 {
		if sg, ok := v.suggestionAt(at); ok {
			v.SelectSuggestion(sg.ID)
			return
		}
		v.selected = 0
		v.changed()
		return
	}
	next := covering[0]
	for k, i := range covering {
		if v.spans[i].ID == v.selected {
			next = covering[(k+1)%len(covering)]
		}
	}
	v.SelectSpan(v.spans[next].ID)
}

// link asks for a relation from the selected span to the span under p (its bar, else the innermost
// span at the text); it reports whether there was one to ask for.
func (v *ArticleView) link(p fyne.Position) bool {
	from, ok := v.SelectedSpan()
	if !ok || v.OnLinkRequested == nil {
		return false
	}
	id := v.barAt(p)
	if id == 0 {
		if _, under := v.hit(p); under >= 0 {
			for _, k := range v.spansAt(v.seg.ClusterStart(under)) {
				if v.spans[k].ID != from.ID {
					id = v.spans[k].ID
					break
				}
			}
		}
	}
	i := v.spanIndex(id)
	if i < 0 || id == from.ID {
		return false
	}
	v.OnLinkRequested(from, v.spans[i])
	return true
}

func (v *ArticleView) extendTo(caret int, exact bool) {
	v.selected = 0
	if !exact {
		if caret >= v.anchor {
			if r, ok := v.seg.WordAt(max(0, caret-1)); ok && caret > r.Start {
				caret = r.End
			}
		} else if r, ok := v.seg.WordAt(caret); ok {
			caret = r.Start
		}
	}
	v.caret = caret
	v.changed()
}

func (v *ArticleView) dragEdgeTo(off int, exact bool) {
	s, ok := v.SelectedSpan()
	if !ok {
		return
	}
	if !exact {
		if r, ok := v.seg.WordAt(off); ok && off > r.Start {
			if v.press.edge == 1 || off-r.Start > r.End-off {
				off = r.End
			} else {
				off = r.Start
			}
		} else {
			off = v.wordEdge(off, v.press.edge == 1)
		}
	}
	r := text.Range{Start: s.Start, End: s.End}
	if v.press.edge == 0 {
		r.Start = min(off, s.End-1)
	} else {
		r.End = max(off, s.Start+1)
	}
	r.Start, r.End = v.seg.Snap(r.Start), v.snapUp(r.End)
	if r.Start >= r.End {
		return
	}
	v.preview = &r
	v.Refresh()
}

func (v *ArticleView) moveCaret(c int, extend bool) {
	v.caret = max(0, min(c, len(v.runes)))
	v.selected = 0
	if !extend {
		v.anchor = v.caret
	}
	v.scrollCaretIntoView()
	v.changed()
}

// step moves off one word (the end of the next word, the start of the previous one) or one cluster.
func (v *ArticleView) step(off, dir int, exact bool) int {
	switch {
	case exact && dir > 0:
		return v.seg.NextCluster(off)
	case exact:
		return v.seg.PrevCluster(off)
	case dir > 0:
		return v.seg.NextWordEnd(off)
	default:
		return v.seg.PrevWordStart(off)
	}
}

// wordEdge moves off, which is between words (in white space or at a word's start), to the end of the
// word before it (end) or to the start of the word after it, so that a span edge dropped between two
// words takes no white space.
func (v *ArticleView) wordEdge(off int, end bool) int {
	words := v.seg.Words()
	if end {
		i := sort.Search(len(words), func(i int) bool { return words[i].End > off })
		if i == 0 {
			return off
		}
		return words[i-1].End
	}
	i := sort.Search(len(words), func(i int) bool { return words[i].Start >= off })
	if i == len(words) {
		return off
	}
	return words[i].Start
}

// edgeStep moves a span's edge off by one cluster, or by one word: an end edge goes to the end of the
// next or previous word, a start edge to the start of one, so that a span never gains the space
// between two words.
func (v *ArticleView) edgeStep(off, dir int, end, exact bool) int {
	words := v.seg.Words()
	switch {
	case exact || end == (dir > 0):
		return v.step(off, dir, exact)
	case end: // back to the end of the previous word
		i := sort.Search(len(words), func(i int) bool { return words[i].End >= off })
		if i == 0 {
			return 0
		}
		return words[i-1].End
	default: // on to the start of the next word
		i := sort.Search(len(words), func(i int) bool { return words[i].Start > off })
		if i == len(words) {
			return len(v.runes)
		}
		return words[i].Start
	}
}

func (v *ArticleView) snapUp(off int) int {
	s := v.seg.Snap(off)
	if s < off {
		return v.seg.NextCluster(off)
	}
	return s
}

func (v *ArticleView) modifiers() fyne.KeyModifier {
	m := v.mods
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		m |= d.CurrentKeyModifiers()
	}
	return m
}

func (v *ArticleView) changed() {
	v.keepCurrent()
	v.Refresh()
	if v.OnSelectionChanged != nil {
		v.OnSelectionChanged()
	}
}

// setSpans sorts the spans and gives each bar a lane: the lowest lane free of every span it overlaps
// that starts before it.
func (v *ArticleView) setSpans(spans []annotations.Span) {
	v.spans = slices.Clone(spans)
	slices.SortFunc(v.spans, func(a, b annotations.Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return b.End - a.End
		}
		return int(a.ID - b.ID)
	})
	v.lane = make([]int, len(v.spans))
	v.maxEnd = make([]int, len(v.spans))
	var laneEnd []int // laneEnd[k] is where lane k is free again
	for i, s := range v.spans {
		k := 0
		for k < len(laneEnd) && laneEnd[k] > s.Start {
			k++
		}
		if k == len(laneEnd) {
			laneEnd = append(laneEnd, 0)
		}
		laneEnd[k], v.lane[i] = s.End, k
		v.maxEnd[i] = s.End
		if i > 0 {
			v.maxEnd[i] = max(v.maxEnd[i], v.maxEnd[i-1])
		}
	}
	v.placed = false
}

func (v *ArticleView) spanIndex(id int64) int {
	if id == 0 {
		return -1
	}
	return slices.IndexFunc(v.spans, func(s annotations.Span) bool { return s.ID == id })
}

// overlapping returns the indexes of the spans that overlap [a, b) (or hold a, when a == b).
func (v *ArticleView) overlapping(a, b int) []int {
	if b == a {
		b = a + 1
	}
	first := sort.Search(len(v.maxEnd), func(i int) bool { return v.maxEnd[i] > a })
	var out []int
	for i := first; i < len(v.spans) && v.spans[i].Start < b; i++ {
		if v.spans[i].End > a {
			out = append(out, i)
		}
	}
	return out
}

// spanRange is span k's range, or the edge drag's preview for the selected span.
func (v *ArticleView) spanRange(k, selected int) text.Range {
	if k == selected && v.preview != nil {
		return *v.preview
	}
	return text.Range{Start: v.spans[k].Start, End: v.spans[k].End}
}

// spansAt returns the spans holding code point off, innermost (shortest) first.
func (v *ArticleView) spansAt(off int) []int {
	out := v.overlapping(off, off+1)
	slices.SortStableFunc(out, func(a, b int) int { return (v.spans[a].End - v.spans[a].Start) - (v.spans[b].End - v.spans[b].Start) })
	return out
}

// ensureLayout lays the text out for the view's width, if it has one yet.
func (v *ArticleView) ensureLayout() *articleLayout {
	w := v.Size().Width
	if w <= 0 {
		w = 600
	}
	col := v.columnWidth(w)
	if v.layout == nil || v.layout.size != v.TextSize() {
		v.layout = newArticleLayout(v.seg, v.runes, v.TextSize())
		v.layout.rows = len(v.layers)
		v.width, v.placed = 0, false
	}
	if v.width != col {
		v.layout.wrap(col)
		v.width, v.placed = col, false
	}
	if !v.placed {
		v.placeLines()
	}
	return v.layout
}

// placeLines gives each line the lanes its spans' bars need and so its height.
func (v *ArticleView) placeLines() {
	l := v.layout
	need := make([]int, len(l.lines))
	for i, s := range v.spans {
		first, last := l.lineOf(s.Start), l.lineOf(max(s.Start, s.End-1))
		for k := first; k <= last; k++ {
			need[k] = max(need[k], v.lane[i]+1)
		}
	}
	l.place(func(i int) int { return need[i] })
	v.placed = true
	v.setOffset(v.offset)
}

func (v *ArticleView) columnWidth(w float32) float32 {
	col := w - 2*viewMargin - scrollBarWidth
	return max(50, min(col, maxColumnEms*v.TextSize()))
}

// origin returns where the text column starts in the view.
func (v *ArticleView) origin() fyne.Position {
	w := v.Size().Width - scrollBarWidth
	left := max(viewMargin, (w-v.width)/2)
	return fyne.NewPos(float32(math.Round(float64(left))), viewMargin-v.offset)
}

// hit returns the caret position nearest p and the cluster under p (-1 if none).
func (v *ArticleView) hit(p fyne.Position) (caret, under int) {
	l := v.ensureLayout()
	o := v.origin()
	y := p.Y - o.Y
	if y < 0 {
		return 0, -1
	}
	if y >= l.height {
		return len(v.runes), -1
	}
	i := l.lineAtY(y)
	ln := l.lines[i]
	caret, under = l.hit(i, p.X-o.X)
	if y > ln.y+l.textH { // below the text of the line: bars, not characters
		under = -1
	}
	return caret, under
}

// hitChar is hit with the cluster under p given by its offset: char is the caret position when no
// cluster is under p.
func (v *ArticleView) hitChar(p fyne.Position) (caret, char int) {
	caret, under := v.hit(p)
	if under < 0 {
		return caret, caret
	}
	return caret, v.seg.ClusterStart(under)
}

// barAt returns the id of the span whose bar is at p, or 0.
func (v *ArticleView) barAt(p fyne.Position) int64 {
	l := v.ensureLayout()
	o := v.origin()
	y := p.Y - o.Y
	if y < 0 || y >= l.height {
		return 0
	}
	i := l.lineAtY(y)
	ln := l.lines[i]
	lane := int((y - ln.y - l.textH) / l.laneH)
	if y < ln.y+l.textH || lane >= ln.lanes {
		return 0
	}
	_, under := l.hit(i, p.X-o.X)
	if under < 0 {
		return 0
	}
	at := v.seg.ClusterStart(under)
	for _, k := range v.overlapping(at, at+1) {
		if v.lane[k] == lane {
			return v.spans[k].ID
		}
	}
	return 0
}

// edgeAt reports whether p is on the start (0) or end (1) edge of the selected span.
func (v *ArticleView) edgeAt(p fyne.Position) (int, bool) {
	s, ok := v.SelectedSpan()
	if !ok {
		return 0, false
	}
	l := v.ensureLayout()
	o := v.origin()
	for edge, off := range []int{s.Start, s.End} {
		i := l.lineOf(off)
		if edge == 1 {
			i = l.lineOf(max(s.Start, off-1))
		}
		ln := l.lines[i]
		x := o.X + l.xOf(i, off)
		y := o.Y + ln.y
		if abs32(p.X-x) <= edgeGrab && p.Y >= y && p.Y <= y+l.textH {
			return edge, true
		}
	}
	return 0, false
}

func (v *ArticleView) onScrollBar(p fyne.Position) bool {
	l := v.ensureLayout()
	return p.X >= v.Size().Width-scrollBarWidth && l.height+2*viewMargin > v.Size().Height
}

func (v *ArticleView) scrollBarTo(y float32) {
	l := v.ensureLayout()
	h := v.Size().Height
	v.setOffset(y/h*(l.height+2*viewMargin) - h/2)
	v.Refresh()
}

func (v *ArticleView) setOffset(y float32) {
	l := v.layout
	if l == nil {
		v.offset = 0
		return
	}
	maxOff := max(0, l.height+2*viewMargin-v.Size().Height)
	v.offset = max(0, min(y, maxOff))
}

// scrollToSelection brings the selection into view: its start line near the top third when it is out
// of sight.
func (v *ArticleView) scrollToSelection() { v.scrollToRange(v.Selection()) }

// scrollToRange brings [sel.Start, sel.End) into view, its start line near the top third when it is
// out of sight.
func (v *ArticleView) scrollToRange(sel text.Range) {
	l := v.ensureLayout()
	a, b := l.lines[l.lineOf(sel.Start)], l.lines[l.lineOf(max(sel.Start, sel.End-1))]
	h := v.Size().Height - 2*viewMargin
	if a.y >= v.offset && b.y+b.h <= v.offset+h {
		return
	}
	v.setOffset(a.y - h/3)
}

func (v *ArticleView) scrollCaretIntoView() {
	l := v.ensureLayout()
	ln := l.lines[l.lineOf(v.caret)]
	h := v.Size().Height - 2*viewMargin
	switch {
	case ln.y < v.offset:
		v.setOffset(ln.y)
	case ln.y+ln.h > v.offset+h:
		v.setOffset(ln.y + ln.h - h)
	}
}

func modifierOf(k fyne.KeyName) fyne.KeyModifier {
	switch k {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		return fyne.KeyModifierShift
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		return fyne.KeyModifierAlt
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		return fyne.KeyModifierControl
	case desktop.KeySuperLeft, desktop.KeySuperRight:
		return fyne.KeyModifierSuper
	}
	return 0
}

func near(a, b fyne.Position) bool { return abs32(a.X-b.X) <= 4 && abs32(a.Y-b.Y) <= 4 }

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// parseColor reads "#rrggbb"; anything else is grey.
func parseColor(s string) color.NRGBA {
	c := color.NRGBA{0x88, 0x88, 0x88, 0xff}
	if len(s) != 7 || s[0] != '#' {
		return c
	}
	var v [3]uint8
	for i := range v {
		hi, lo := unhex(s[1+2*i]), unhex(s[2+2*i])
		if hi < 0 || lo < 0 {
			return c
		}
		v[i] = uint8(hi<<4 | lo)
	}
	return color.NRGBA{v[0], v[1], v[2], 0xff}
}

func unhex(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b >= 'a' && b <= 'f':
		return int(b-'a') + 10
	case b >= 'A' && b <= 'F':
		return int(b-'A') + 10
	}
	return -1
}

// articleViewRenderer draws the lines in sight from pools of text and rectangle objects, rebuilt on
// every refresh: a screenful is a few hundred objects, whatever the length of the article.
type articleViewRenderer struct {
	view    *ArticleView
	texts   []*canvas.Text
	rects   []*canvas.Rectangle
	lines   []*canvas.Line
	objects []fyne.CanvasObject
	nt, nr  int // objects of the pools in use in this frame
	nl      int
}

func (r *articleViewRenderer) Destroy() {}

func (r *articleViewRenderer) Layout(fyne.Size) { r.Refresh() }

func (r *articleViewRenderer) MinSize() fyne.Size { return r.view.MinSize() }

func (r *articleViewRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *articleViewRenderer) rect(fill, stroke color.Color, strokeW float32, pos fyne.Position, size fyne.Size) {
	if r.nr == len(r.rects) {
		r.rects = append(r.rects, canvas.NewRectangle(nil))
	}
	o := r.rects[r.nr]
	r.nr++
	o.FillColor, o.StrokeColor, o.StrokeWidth = fill, stroke, strokeW
	o.Move(pos)
	o.Resize(size)
	r.objects = append(r.objects, o)
}

func (r *articleViewRenderer) line(c color.Color, w float32, a, b fyne.Position) {
	if r.nl == len(r.lines) {
		r.lines = append(r.lines, canvas.NewLine(nil))
	}
	o := r.lines[r.nl]
	r.nl++
	o.StrokeColor, o.StrokeWidth = c, w
	o.Position1, o.Position2 = a, b
	r.objects = append(r.objects, o)
}

func (r *articleViewRenderer) text(s string, c color.Color, size float32, pos fyne.Position) {
	if r.nt == len(r.texts) {
		r.texts = append(r.texts, canvas.NewText("", nil))
	}
	o := r.texts[r.nt]
	r.nt++
	o.Text, o.Color, o.TextSize = s, c, size
	// whole pixels: a text drawn between pixels is blurred by the texture filter and looks grey
	o.Move(fyne.NewPos(float32(math.Round(float64(pos.X))), float32(math.Round(float64(pos.Y)))))
	o.Resize(fyne.NewSize(0, 0))
	r.objects = append(r.objects, o)
}

// Refresh rebuilds the objects for the lines in sight.
func (r *articleViewRenderer) Refresh() {
	v := r.view
	r.objects, r.nt, r.nr, r.nl = r.objects[:0], 0, 0, 0
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, variant)
	size := v.Size()
	r.rect(th.Color(theme.ColorNameInputBackground, variant), nil, 0, fyne.Position{}, size)
	if len(v.runes) == 0 {
		r.text("No document open", th.Color(theme.ColorNamePlaceHolder, variant), v.TextSize(), fyne.NewPos(viewMargin, viewMargin))
		return
	}
	l := v.ensureLayout()
	o := v.origin()
	first := l.lineAtY(v.offset - viewMargin)
	last := l.lineAtY(v.offset + size.Height)
	vis := text.Range{Start: l.seg.ClusterStart(l.lines[first].first), End: l.seg.ClusterStart(l.lines[last].end)}
	spans := v.overlapping(vis.Start, vis.End)
	sel := v.Selection()
	selectedIdx := v.spanIndex(v.selected)
	dark := variant == theme.VariantDark

	// pass 1: tints, selection; pass 2: text; pass 3: bars, outline, caret
	for i := first; i <= last; i++ {
		ln := l.lines[i]
		lr := l.lineRange(i)
		y := o.Y + ln.y
		// tints: between every two span edges on the line, the innermost span's colour
		cuts := []int{lr.Start, lr.End}
		var here []int
		for _, k := range spans {
			s := v.spanRange(k, selectedIdx)
			if s.End <= lr.Start || s.Start >= lr.End {
				continue
			}
			here = append(here, k)
			cuts = append(cuts, max(s.Start, lr.Start), min(s.End, lr.End))
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		for c := 0; c+1 < len(cuts); c++ {
			a, b := cuts[c], cuts[c+1]
			best := -1
			for _, k := range here {
				s := v.spanRange(k, selectedIdx)
				if s.Start <= a && s.End >= b && (best < 0 || s.Len() < v.spanRange(best, selectedIdx).Len()) {
					best = k
				}
			}
			if best < 0 {
				continue
			}
			x0, x1 := l.xOf(i, a), l.xOf(i, b)
			r.rect(tint(v.colors[v.spans[best].Label], dark), nil, 0, fyne.NewPos(o.X+x0, y), fyne.NewSize(x1-x0, l.textH))
		}
		if sel.End > sel.Start && sel.Start < lr.End+1 && sel.End > lr.Start && selectedIdx < 0 {
			a, b := max(sel.Start, lr.Start), min(sel.End, lr.End)
			x0, x1 := l.xOf(i, a), l.xOf(i, b)
			if b >= lr.End && sel.End > lr.End {
				x1 += l.adv[max(0, l.seg.Cluster(lr.End)-1)] / 2 // show that the selection goes on
			}
			if x1 > x0 {
				r.rect(th.Color(theme.ColorNameSelection, variant), nil, 0, fyne.NewPos(o.X+x0, y), fyne.NewSize(x1-x0, l.textH))
			}
		}
	}
	for i := first; i <= last; i++ {
		ln := l.lines[i]
		y := o.Y + ln.y
		for c := ln.first; c < ln.end; {
			if l.seg.Space(c) {
				c++
				continue
			}
			d := c
			for d < ln.end && !l.seg.Space(d) {
				d++
			}
			a, b := l.seg.ClusterStart(c), l.seg.ClusterStart(d)
			r.text(string(v.runes[a:b]), fg, l.size, fyne.NewPos(o.X+l.x[c], y))
			c = d
		}
	}
	for i := first; i <= last; i++ {
		ln := l.lines[i]
		lr := l.lineRange(i)
		y := o.Y + ln.y
		for _, k := range spans {
			s := v.spanRange(k, selectedIdx)
			a, b := max(s.Start, lr.Start), min(s.End, lr.End)
			if a >= b {
				continue
			}
			x0, x1 := l.xOf(i, a), l.xOf(i, b)
			by := y + l.textH + float32(v.lane[k])*l.laneH + 1
			bh := l.laneH - 1
			if k == selectedIdx {
				by, bh = by-1, bh+1
			}
			r.rect(v.colors[v.spans[k].Label], nil, 0, fyne.NewPos(o.X+x0, by), fyne.NewSize(x1-x0, bh))
			if k == selectedIdx {
				r.rect(nil, fg, 2, fyne.NewPos(o.X+x0-2, y-1), fyne.NewSize(x1-x0+4, l.textH+2))
				for edge, off := range []int{s.Start, s.End} {
					if off == a && edge == 0 || off == b && edge == 1 {
						r.rect(fg, nil, 0, fyne.NewPos(o.X+l.xOf(i, off)-2+float32(edge)*1, y-3), fyne.NewSize(3, l.textH+6))
					}
				}
			}
		}
	}
	v.drawLayers(r, l, o, first, last, vis)
	v.drawSuggestions(r, l, o, first, last, vis, dark)
	v.drawRelations(r, l, o, selectedIdx, size)
	if m := v.mark; m != nil {
		mc := th.Color(theme.ColorNamePrimary, variant)
		for i := first; i <= last; i++ {
			lr := l.lineRange(i)
			a, b := max(m.Start, lr.Start), min(m.End, lr.End)
			if a >= b {
				continue
			}
			ln := l.lines[i]
			x0, x1 := l.xOf(i, a), l.xOf(i, b)
			h := ln.h - l.lead
			if ln.end > ln.first && l.seg.LineEnd(ln.end-1) {
				h -= l.paraGap
			}
			r.rect(nil, mc, 1.5, fyne.NewPos(o.X+x0-3, o.Y+ln.y-3), fyne.NewSize(x1-x0+6, h+4))
		}
	}
	if ci := l.lineOf(v.caret); ci >= first && ci <= last && selectedIdx < 0 {
		c := th.Color(theme.ColorNamePrimary, variant)
		if !v.focused {
			c = th.Color(theme.ColorNameDisabled, variant)
		}
		r.rect(c, nil, 0, fyne.NewPos(o.X+l.xOf(ci, v.caret)-1, o.Y+l.lines[ci].y), fyne.NewSize(2, l.textH))
	}
	if total := l.height + 2*viewMargin; total > size.Height {
		thumbH := max(24, size.Height*size.Height/total)
		thumbY := (size.Height - thumbH) * v.offset / (total - size.Height)
		r.rect(th.Color(theme.ColorNameScrollBar, variant), nil, 0,
			fyne.NewPos(size.Width-scrollBarWidth+2, thumbY), fyne.NewSize(scrollBarWidth-4, thumbH))
	}
}

// drawLayers draws the layers' marks under lines first to last, whose text is vis.
func (v *ArticleView) drawLayers(r *articleViewRenderer, l *articleLayout, o fyne.Position, first, last int, vis text.Range) {
	for li, layer := range v.layers {
		var here []annotations.Span
		for _, s := range layer.Spans {
			if s.End > vis.Start && s.Start < vis.End {
				here = append(here, s)
			}
		}
		for i := first; i <= last && len(here) > 0; i++ {
			ln := l.lines[i]
			lr := l.lineRange(i)
			y := o.Y + ln.y + l.textH + float32(ln.lanes)*l.laneH + l.rowH/2 + float32(li)*l.rowH
			for _, s := range here {
				a, b := max(s.Start, lr.Start), min(s.End, lr.End)
				if a >= b {
					continue
				}
				x0, x1 := l.xOf(i, a), l.xOf(i, b)
				if b == s.End {
					x1 -= 2 // a gap between a span and the next one of the same label
				}
				r.rect(v.colors[s.Label], nil, 0, fyne.NewPos(o.X+x0, y), fyne.NewSize(max(2, x1-x0), l.rowH-1))
			}
		}
	}
}

// tint is a label colour made light enough (or dark enough) to read text on.
func tint(c color.NRGBA, dark bool) color.Color {
	if dark {
		return color.NRGBA{c.R, c.G, c.B, 0x66}
	}
	return color.NRGBA{c.R, c.G, c.B, 0x48}
}
