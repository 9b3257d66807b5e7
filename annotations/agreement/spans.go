package agreement

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/tagdesk/tagdesk/annotations"
)

// Mode says when a span of one annotator matches a span of another.
type Mode string

// The span matching modes.
const (
	Exact       Mode = "exact"        // same start, end and label
	ExactSpan   Mode = "exact_span"   // same start and end, any label
	Overlap     Mode = "overlap"      // at least one character in common, same label
	OverlapSpan Mode = "overlap_span" // at least one character in common, any label
)

// Modes are the span matching modes in the order reports show them.
var Modes = []Mode{Exact, ExactSpan, Overlap, OverlapSpan}

// LabelAware reports whether m asks matching spans to have the same label.
func (m Mode) LabelAware() bool { return m == Exact || m == Overlap }

// Counts are the outcome of comparing annotator A's spans with B's: TP pairs of matched spans, FN
// spans of A that nothing of B matched, FP spans of B that nothing of A matched. The names take A as
// the reference, but F1 is symmetric.
type Counts struct {
	TP, FP, FN int
}

// F1 returns 2TP / (2TP + FP + FN), the same as positive specific agreement. It is undefined when
// neither annotator has a span (0/0).
func (c Counts) F1() Value {
	return ratio(float64(2*c.TP), float64(2*c.TP+c.FP+c.FN))
}

func (c Counts) add(d Counts) Counts { return Counts{c.TP + d.TP, c.FP + d.FP, c.FN + d.FN} }

// Match pairs span A of one annotator with span B of the other, by index; -1 stands for no span.
type Match struct{ A, B int }

// MatchSpans pairs a's spans with b's under mode, one to one: each span is matched at most once.
// Candidate pairs are taken greedily, the longest overlap first; on equal overlap a pair with the
// same label goes first, then the pair whose span of a, then of b, comes first in text order (start,
// end, label). It returns the matched pairs, then a's unmatched spans (B = -1), then b's (A = -1).
func MatchSpans(a, b []annotations.Span, mode Mode) []Match {
	if !slices.Contains(Modes, mode) {
		panic(fmt.Sprintf("agreement: unknown mode %q", mode))
	}
	sa, sb, ia, ib := internSpans(a, b)
	ma, mb := matchOne(sa, sb, candidates(sa, sb), mode)
	var out []Match
	for i, j := range ma {
		if j >= 0 {
			out = append(out, Match{ia[i], ib[j]})
		}
	}
	for i, j := range ma {
		if j < 0 {
			out = append(out, Match{ia[i], -1})
		}
	}
	for j, i := range mb {
		if i < 0 {
			out = append(out, Match{-1, ib[j]})
		}
	}
	return out
}

// SpanCounts compares a's spans with b's under mode.
func SpanCounts(a, b []annotations.Span, mode Mode) Counts {
	var c Counts
	for _, m := range MatchSpans(a, b, mode) {
		switch {
		case m.A >= 0 && m.B >= 0:
			c.TP++
		case m.A >= 0:
			c.FN++
		default:
			c.FP++
		}
	}
	return c
}

// None names the row and column of a Confusion that hold unmatched spans.
const None = "none"

// Confusion tells which labels two annotators gave spans that overlap, from the overlap_span
// matching. Rows are annotator A's labels, columns B's; the last row and column, None, hold the
// spans left unmatched: Counts[i][len-1] counts A's spans labelled Labels[i] that match nothing of
// B, Counts[len-1][j] B's spans labelled Labels[j] that match nothing of A.
type Confusion struct {
	Labels []string `json:"labels"` // the labels, then None
	Counts [][]int  `json:"counts"`
}

func newConfusion(labels []string) Confusion {
	c := Confusion{Labels: append(slices.Clip(labels), None), Counts: make([][]int, len(labels)+1)}
	for i := range c.Counts {
		c.Counts[i] = make([]int, len(labels)+1)
	}
	return c
}

// ConfusionOf compares a's spans with b's under overlap_span and counts the pairs of labels. Spans
// whose label is not in labels are left out.
func ConfusionOf(a, b []annotations.Span, labels []string) Confusion {
	drop := func(s annotations.Span) bool { return !slices.Contains(labels, s.Label) }
	a = slices.DeleteFunc(slices.Clone(a), drop)
	b = slices.DeleteFunc(slices.Clone(b), drop)
	c := newConfusion(labels)
	none := len(labels)
	for _, m := range MatchSpans(a, b, OverlapSpan) {
		i, j := none, none
		if m.A >= 0 {
			i = slices.Index(labels, a[m.A].Label)
		}
		if m.B >= 0 {
			j = slices.Index(labels, b[m.B].Label)
		}
		c.Counts[i][j]++
	}
	return c
}

// span is a span as the matching sees it: offsets and a label number.
type span struct{ start, end, label int }

func compareSpans(x, y span) int {
	return cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(x.end, y.end), cmp.Compare(x.label, y.label))
}

// internSpans turns a and b into spans sorted in text order, numbering labels by name, and returns
// the index in a and b of each.
func internSpans(a, b []annotations.Span) (sa, sb []span, ia, ib []int) {
	var names []string
	for _, s := range slices.Concat(a, b) {
		names = append(names, s.Label)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	intern := func(in []annotations.Span) ([]span, []int) {
		out, idx := make([]span, len(in)), make([]int, len(in))
		for i, s := range in {
			l, _ := slices.BinarySearch(names, s.Label)
			out[i], idx[i] = span{s.Start, s.End, l}, i
		}
		slices.SortStableFunc(idx, func(i, j int) int { return compareSpans(out[i], out[j]) })
		sorted := make([]span, len(in))
		for k, i := range idx {
			sorted[k] = out[i]
		}
		return sorted, idx
	}
	sa, ia = intern(a)
	sb, ib = intern(b)
	return sa, sb, ia, ib
}

// candidate is a pair of overlapping spans, a[i] and b[j].
type candidate struct {
	i, j      int
	overlap   int
	sameLabel bool
	sameRange bool
}

// candidates returns the pairs of a's and b's spans that share at least one character, in the order
// the matching takes them. a and b are in text order.
func candidates(a, b []span) []candidate {
	var out []candidate
	for i, x := range a {
		for j, y := range b {
			if y.start >= x.end {
				break
			}
			if y.end > x.start {
				out = append(out, candidate{i, j, min(x.end, y.end) - max(x.start, y.start), x.label == y.label,
					x.start == y.start && x.end == y.end})
			}
		}
	}
	slices.SortFunc(out, func(p, q candidate) int {
		if p.overlap != q.overlap {
			return q.overlap - p.overlap
		}
		if p.sameLabel != q.sameLabel {
			if p.sameLabel {
				return -1
			}
			return 1
		}
		return cmp.Or(p.i-q.i, p.j-q.j)
	})
	return out
}

// matchOne matches a and b under mode, one of Modes, from their candidates and returns the partner of
// each span, or -1.
func matchOne(a, b []span, cands []candidate, mode Mode) (ma, mb []int) {
	ma, mb = make([]int, len(a)), make([]int, len(b))
	for i := range ma {
		ma[i] = -1
	}
	for j := range mb {
		mb[j] = -1
	}
	for _, c := range cands {
		if ma[c.i] >= 0 || mb[c.j] >= 0 ||
			mode.LabelAware() && !c.sameLabel || (mode == Exact || mode == ExactSpan) && !c.sameRange {
			continue
		}
		ma[c.i], mb[c.j] = c.j, c.i
	}
	return ma, mb
}
