package app

import (
	"sort"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// articleLayout wraps a text into lines for one width and text size. It measures each distinct grapheme
// cluster once per size (see advances) and places a line's clusters by adding their advances, so
// wrapping a 100,000-character article costs a few milliseconds. Positions are from the top left of
// the text column.
type articleLayout struct {
	seg  *text.Segments
	size float32

	adv   []float32 // advance of each cluster
	x     []float32 // x of each cluster from its line's left edge
	lines []layoutLine

	textH   float32 // height of a row of text
	lead    float32 // space between rows
	laneH   float32 // height of one lane of span bars, gap included
	rows    int     // rows of other layers' marks (review mode) under the lanes of every line
	rowH    float32 // height of one such row, gap included
	paraGap float32 // extra space after a line end of the text itself
	height  float32 // of the whole text
}

// layoutLine is one wrapped line: clusters [first, end), its top y and height, and how many lanes
// of span bars it reserves under its text.
type layoutLine struct {
	first, end int
	y, h       float32
	lanes      int
}

// minLanes is how many lanes of span bars every line reserves, so that adding a span inside a claim
// does not move the text below it.
const minLanes = 2

// newArticleLayout measures the clusters of runes (segmented as seg) at size.
func newArticleLayout(seg *text.Segments, runes []rune, size float32) *articleLayout {
	l := &articleLayout{seg: seg, size: size}
	n := seg.Clusters()
	l.adv = make([]float32, n)
	l.x = make([]float32, n+1)
	m := measurerFor(size)
	for i := range n {
		a, b := seg.ClusterStart(i), seg.ClusterStart(i+1)
		l.adv[i] = m.advance(runes[a:b])
	}
	l.textH = m.height
	l.lead = float32(int(size*0.35 + 0.5))
	l.laneH = float32(max(4, int(size/4+0.5)))
	l.rowH = float32(max(4, int(size/5+0.5)))
	l.paraGap = float32(int(size*0.6 + 0.5))
	return l
}

// wrap breaks the text into lines no wider than width, at the break opportunities of Unicode's line
// breaking rules; a word wider than the line is broken between clusters. White space at the end of
// a line may overhang it.
func (l *articleLayout) wrap(width float32) {
	l.lines = l.lines[:0]
	n := l.seg.Clusters()
	first, lastBreak := 0, -1
	var x float32
	for i := 0; i < n; {
		l.x[i] = x
		if l.seg.LineEnd(i) {
			l.lines = append(l.lines, layoutLine{first: first, end: i + 1})
			first, lastBreak, x = i+1, -1, 0
			i++
			continue
		}
		if x+l.adv[i] > width && i > first && !l.seg.Space(i) {
			at := i
			if lastBreak > first {
				at = lastBreak
			}
			l.lines = append(l.lines, layoutLine{first: first, end: at})
			first, lastBreak, x = at, -1, 0
			i = at
			continue
		}
		x += l.adv[i]
		if l.seg.CanBreak(i) {
			lastBreak = i + 1
		}
		i++
	}
	l.x[n] = x
	if first < n || n == 0 || l.seg.LineEnd(n-1) {
		l.lines = append(l.lines, layoutLine{first: first, end: n})
	}
}

// place sets each line's lanes (from lanes, which gives the lanes a line needs) and its y and height.
func (l *articleLayout) place(lanes func(line int) int) {
	var y float32
	for i := range l.lines {
		ln := &l.lines[i]
		ln.lanes = max(minLanes, lanes(i))
		ln.y = y
		ln.h = l.textH + float32(ln.lanes)*l.laneH + l.rowsH() + l.lead
		switch {
		case ln.end == ln.first+1 && l.seg.LineEnd(ln.first) && i > 0:
			ln.h = l.paraGap / 2 // a blank line between paragraphs: the paragraph gap is there already
		case ln.end > ln.first && l.seg.LineEnd(ln.end-1):
			ln.h += l.paraGap
		}
		y += ln.h
	}
	l.height = y
}

// rowsH is the height of the layers' rows under a line: none without layers, else the rows and a gap
// that parts them from the lanes.
func (l *articleLayout) rowsH() float32 {
	if l.rows == 0 {
		return 0
	}
	return float32(l.rows)*l.rowH + l.rowH/2
}

// lineAtY returns the line at y (the first or last line beyond the text).
func (l *articleLayout) lineAtY(y float32) int {
	i := sort.Search(len(l.lines), func(i int) bool { return l.lines[i].y+l.lines[i].h > y })
	return min(i, len(l.lines)-1)
}

// lineOf returns the line holding code point off; an offset at a wrap goes to the later line.
func (l *articleLayout) lineOf(off int) int {
	c := l.seg.Cluster(off)
	i := sort.Search(len(l.lines), func(i int) bool { return l.lines[i].end > c })
	return min(i, len(l.lines)-1)
}

// xOf returns the x of code point off on line i (offsets inside a cluster go to its start).
func (l *articleLayout) xOf(i, off int) float32 {
	ln := l.lines[i]
	c := max(ln.first, min(l.seg.Cluster(off), ln.end))
	if c == ln.end && c > ln.first && l.seg.LineEnd(c-1) {
		c-- // before the line end, not after it
	}
	if c >= len(l.adv) || c == ln.end {
		if c == ln.first {
			return 0
		}
		return l.x[c-1] + l.adv[c-1]
	}
	return l.x[c]
}

// lineRange returns the code points of line i, without its line end.
func (l *articleLayout) lineRange(i int) text.Range {
	ln := l.lines[i]
	end := ln.end
	if end > ln.first && l.seg.LineEnd(end-1) {
		end--
	}
	return text.Range{Start: l.seg.ClusterStart(ln.first), End: l.seg.ClusterStart(end)}
}

// hit returns, for x on line i, the nearest cluster boundary (a caret position) and the cluster under
// x (-1 when x is past the line's text).
func (l *articleLayout) hit(i int, x float32) (caret, under int) {
	r := l.lineRange(i)
	first, end := l.lines[i].first, l.seg.Cluster(r.End)
	under = -1
	c := sort.Search(end-first, func(k int) bool { return l.x[first+k]+l.adv[first+k] > x }) + first
	if c >= end {
		return r.End, -1
	}
	if x >= l.x[c] {
		under = c
	}
	if x > l.x[c]+l.adv[c]/2 {
		return l.seg.ClusterStart(c + 1), under
	}
	return l.seg.ClusterStart(c), under
}

// measurer measures text at one size and style and caches the advance of every cluster it has seen,
// for all documents: text measurement is the slow part of a first layout.
type measurer struct {
	size   float32
	style  fyne.TextStyle
	height float32
	mu     sync.Mutex
	runes  map[rune]float32
	multi  map[string]float32
}

var (
	measurersMu sync.Mutex
	measurers   = map[measurerKey]*measurer{}
)

type measurerKey struct {
	size  float32
	style fyne.TextStyle
}

// measurerFor returns the measurer of regular text of size.
func measurerFor(size float32) *measurer { return styledMeasurer(size, fyne.TextStyle{}) }

// styledMeasurer returns the measurer of text of size in style.
func styledMeasurer(size float32, style fyne.TextStyle) *measurer {
	measurersMu.Lock()
	defer measurersMu.Unlock()
	k := measurerKey{size, style}
	m := measurers[k]
	if m == nil {
		m = &measurer{size: size, style: style, runes: map[rune]float32{}, multi: map[string]float32{}}
		m.height = fyne.MeasureText("Ag", size, style).Height
		measurers[k] = m
	}
	return m
}

// advance returns how far the cluster rs moves the pen. Line ends take no room; a tab is four spaces.
func (m *measurer) advance(rs []rune) float32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(rs) == 1 {
		r := rs[0]
		if w, ok := m.runes[r]; ok {
			return w
		}
		var w float32
		switch {
		case r == '\t':
			w = 4 * fyne.MeasureText(" ", m.size, m.style).Width
		case r < ' ' || r == 0x85 || r == 0x2028 || r == 0x2029:
			w = 0
		default:
			w = fyne.MeasureText(string(r), m.size, m.style).Width
		}
		m.runes[r] = w
		return w
	}
	s := string(rs)
	if w, ok := m.multi[s]; ok {
		return w
	}
	w := fyne.MeasureText(s, m.size, m.style).Width
	if s == "\r\n" {
		w = 0
	}
	m.multi[s] = w
	return w
}
