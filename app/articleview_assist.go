package app

import (
	"image/color"
	"math"
	"slices"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// This file holds the article view's assisted-annotation layer: suggestions, drawn with a dashed outline
// in their label's colour and never tinted like spans, and relations, drawn as arrows from one span's bar
// to another's.

// Suggestion outline, in pixels.
const (
	dashLen = 6
	dashGap = 4
)

// SetSuggestions replaces the suggestions shown; the current one stays current if it is still there.
func (v *ArticleView) SetSuggestions(sgs []annotations.Suggestion) {
	v.suggestions = slices.Clone(sgs)
	slices.SortStableFunc(v.suggestions, func(a, b annotations.Suggestion) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	if v.suggestionIndex(v.current) < 0 {
		v.current = 0
	}
	v.Refresh()
}

// Suggestions returns the suggestions shown, in text order.
func (v *ArticleView) Suggestions() []annotations.Suggestion { return v.suggestions }

// CurrentSuggestion returns the suggestion the user is on: the one chosen with NextSuggestion or a click,
// while the selection is still its text.
func (v *ArticleView) CurrentSuggestion() (annotations.Suggestion, bool) {
	if i := v.suggestionIndex(v.current); i >= 0 {
		return v.suggestions[i], true
	}
	return annotations.Suggestion{}, false
}

// NextSuggestion makes the suggestion after (dir > 0) or before (dir < 0) the current one or the caret
// current, selecting its text, wrapping around; it reports whether there was one.
func (v *ArticleView) NextSuggestion(dir int) bool {
	n := len(v.suggestions)
	if n == 0 {
		return false
	}
	i := v.suggestionIndex(v.current)
	sel := v.Selection()
	switch {
	case i >= 0:
		i = (i + dir + n) % n
	case dir > 0: // the first starting after the selection's start (at the caret, when nothing is selected)
		from := sel.Start
		if sel.End > sel.Start {
			from++
		}
		i = sort.Search(n, func(k int) bool { return v.suggestions[k].Start >= from }) % n
	default:
		i = sort.Search(n, func(k int) bool { return v.suggestions[k].Start >= sel.Start }) - 1
		if i < 0 {
			i = n - 1
		}
	}
	return v.SelectSuggestion(v.suggestions[i].ID)
}

// SelectSuggestion makes the suggestion with id current and selects its text; it reports whether it is
// shown.
func (v *ArticleView) SelectSuggestion(id int64) bool {
	i := v.suggestionIndex(id)
	if i < 0 {
		return false
	}
	sg := v.suggestions[i]
	v.selected, v.current = 0, id
	v.anchor, v.caret = sg.Start, sg.End
	v.scrollToSelection()
	v.changed()
	return true
}

// SetRelations replaces the relations drawn between the spans.
func (v *ArticleView) SetRelations(rels []annotations.Relation) {
	v.relations = slices.Clone(rels)
	v.Refresh()
}

// SetRelationColors sets the colour of each relation type's arrows.
func (v *ArticleView) SetRelationColors(types []annotations.RelationType) {
	v.relColors = make(map[string]color.NRGBA, len(types))
	for _, t := range types {
		v.relColors[t.Name] = parseColor(t.Color)
	}
	v.Refresh()
}

func (v *ArticleView) suggestionIndex(id int64) int {
	if id == 0 {
		return -1
	}
	return slices.IndexFunc(v.suggestions, func(s annotations.Suggestion) bool { return s.ID == id })
}

// suggestionAt returns the innermost suggestion holding code point off.
func (v *ArticleView) suggestionAt(off int) (annotations.Suggestion, bool) {
	best := -1
	for i, s := range v.suggestions {
		if s.Start > off {
			break
		}
		if s.End > off && (best < 0 || s.End-s.Start < v.suggestions[best].End-v.suggestions[best].Start) {
			best = i
		}
	}
	if best < 0 {
		return annotations.Suggestion{}, false
	}
	return v.suggestions[best], true
}

// keepCurrent forgets the current suggestion once the selection is no longer its text.
func (v *ArticleView) keepCurrent() {
	i := v.suggestionIndex(v.current)
	if i < 0 || v.selected != 0 || v.Selection() != (text.Range{Start: v.suggestions[i].Start, End: v.suggestions[i].End}) {
		v.current = 0
	}
}

// drawSuggestions outlines the suggestions on lines first to last with dashes of their label's colour:
// nested ones inset so that both stay visible, the current one thicker and lightly filled.
func (v *ArticleView) drawSuggestions(r *articleViewRenderer, l *articleLayout, o fyne.Position, first, last int, vis text.Range, dark bool) {
	var here []int
	for i, s := range v.suggestions {
		if s.End > vis.Start && s.Start < vis.End {
			here = append(here, i)
		}
	}
	for _, k := range here {
		s := v.suggestions[k]
		depth := 0
		for _, j := range here {
			t := v.suggestions[j]
			if j != k && t.Start <= s.Start && t.End >= s.End && (t.End-t.Start > s.End-s.Start || j < k) {
				depth++
			}
		}
		c := v.colors[s.Label]
		if c.A == 0 {
			c = color.NRGBA{0x80, 0x80, 0x80, 0xff}
		}
		w := float32(1.5)
		if s.ID == v.current {
			w = 2.5
		}
		inset := float32(min(depth, 3)) * 2
		for i := first; i <= last; i++ {
			lr := l.lineRange(i)
			a, b := max(s.Start, lr.Start), min(s.End, lr.End)
			if a >= b {
				continue
			}
			x0, x1 := o.X+l.xOf(i, a)-1+inset, o.X+l.xOf(i, b)+1-inset
			y0, y1 := o.Y+l.lines[i].y-1+inset, o.Y+l.lines[i].y+l.textH+1-inset
			if s.ID == v.current {
				r.rect(tint(c, dark), nil, 0, fyne.NewPos(x0, y0), fyne.NewSize(x1-x0, y1-y0))
			}
			for x := x0; x < x1; x += dashLen + dashGap {
				dw := min(dashLen, x1-x)
				r.rect(c, nil, 0, fyne.NewPos(x, y0), fyne.NewSize(dw, w))
				r.rect(c, nil, 0, fyne.NewPos(x, y1-w), fyne.NewSize(dw, w))
			}
			if a == s.Start {
				r.rect(c, nil, 0, fyne.NewPos(x0, y0), fyne.NewSize(w, y1-y0))
			}
			if b == s.End {
				r.rect(c, nil, 0, fyne.NewPos(x1-w, y0), fyne.NewSize(w, y1-y0))
			}
		}
	}
}

// drawRelations draws each relation as an arrow from the middle of its first span's bar to the middle of
// the second's, on the lines of each span nearest the other, clipped to the view; those of the selected
// span stand out, and the arrow's type is written at its middle.
func (v *ArticleView) drawRelations(r *articleViewRenderer, l *articleLayout, o fyne.Position, selectedIdx int, size fyne.Size) {
	if len(v.relations) == 0 {
		return
	}
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, variant)
	clip := [4]float32{0, 0, size.Width - scrollBarWidth, size.Height}
	selectedID := int64(0)
	if selectedIdx >= 0 {
		selectedID = v.spans[selectedIdx].ID
	}
	for _, rel := range v.relations {
		fi, ti := v.spanIndex(rel.From), v.spanIndex(rel.To)
		if fi < 0 || ti < 0 {
			continue
		}
		p0 := v.barPoint(l, o, fi, v.spans[ti].Start > v.spans[fi].Start)
		p1 := v.barPoint(l, o, ti, v.spans[fi].Start > v.spans[ti].Start)
		c := th.Color(theme.ColorNameDisabled, variant) // a type the project does not have
		if rc, ok := v.relColors[rel.Type]; ok {
			c = rc
		}
		w := float32(1.5)
		if rel.From == selectedID || rel.To == selectedID {
			c, w = fg, 2.5
		}
		a, b, ok := clipSegment(p0, p1, clip)
		if !ok {
			continue
		}
		r.line(c, w, a, b)
		if b == p1 { // the arrow's head is in sight
			dx, dy := float64(p1.X-p0.X), float64(p1.Y-p0.Y)
			n := math.Hypot(dx, dy)
			if n < 1 {
				continue
			}
			ux, uy := dx/n, dy/n
			for _, s := range []float64{1, -1} {
				// 9 px back along the line, 5 px to either side
				hx := float64(p1.X) - 9*ux + s*5*uy
				hy := float64(p1.Y) - 9*uy - s*5*ux
				r.line(c, w, p1, fyne.NewPos(float32(hx), float32(hy)))
			}
		}
		if rel.From == selectedID || rel.To == selectedID {
			mid := fyne.NewPos((a.X+b.X)/2, (a.Y+b.Y)/2)
			ts := l.size * 0.7
			tw := fyne.MeasureText(rel.Type, ts, fyne.TextStyle{}).Width
			bg := th.Color(theme.ColorNameInputBackground, variant)
			r.rect(bg, c, 1, fyne.NewPos(mid.X-tw/2-3, mid.Y-ts/2-2), fyne.NewSize(tw+6, ts+4))
			r.text(rel.Type, fg, ts, fyne.NewPos(mid.X-tw/2, mid.Y-ts/2-1))
		}
	}
}

// barPoint is the middle of span k's bar on its last line (late) or its first line.
func (v *ArticleView) barPoint(l *articleLayout, o fyne.Position, k int, late bool) fyne.Position {
	s := v.spans[k]
	line := l.lineOf(s.Start)
	if late {
		line = l.lineOf(max(s.Start, s.End-1))
	}
	lr := l.lineRange(line)
	a, b := max(s.Start, lr.Start), min(s.End, lr.End)
	x := (l.xOf(line, a) + l.xOf(line, b)) / 2
	y := l.lines[line].y + l.textH + float32(v.lane[k])*l.laneH + l.laneH/2
	return fyne.NewPos(o.X+x, o.Y+y)
}

// clipSegment clips the segment from a to b to the rectangle [x0, x1) × [y0, y1) (Liang–Barsky); it
// reports false when nothing of it is inside.
func clipSegment(a, b fyne.Position, rect [4]float32) (fyne.Position, fyne.Position, bool) {
	t0, t1 := float32(0), float32(1)
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, e := range [4][2]float32{{-dx, a.X - rect[0]}, {dx, rect[2] - a.X}, {-dy, a.Y - rect[1]}, {dy, rect[3] - a.Y}} {
		p, q := e[0], e[1]
		switch {
		case p == 0:
			if q < 0 {
				return a, b, false
			}
		case p < 0:
			t0 = max(t0, q/p)
		default:
			t1 = min(t1, q/p)
		}
	}
	if t0 > t1 {
		return a, b, false
	}
	na, nb := a, b
	if t0 > 0 {
		na = fyne.NewPos(a.X+t0*dx, a.Y+t0*dy)
	}
	if t1 < 1 {
		nb = fyne.NewPos(a.X+t1*dx, a.Y+t1*dy)
	}
	return na, nb, true
}
