package agreement

import (
	"slices"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// sp is a span for tests: label, start, end.
func sp(label string, start, end int) annotations.Span {
	return annotations.Span{Label: label, Start: start, End: end}
}

func TestSpanCounts(t *testing.T) {
	type want struct{ exact, exactSpan, overlap, overlapSpan Counts }
	tests := map[string]struct {
		a, b []annotations.Span
		want want
	}{
		"identical": {
			[]annotations.Span{sp("actor", 0, 4), sp("figure", 10, 12)},
			[]annotations.Span{sp("figure", 10, 12), sp("actor", 0, 4)},
			want{Counts{2, 0, 0}, Counts{2, 0, 0}, Counts{2, 0, 0}, Counts{2, 0, 0}},
		},
		"one character longer: overlap but not exact": {
			[]annotations.Span{sp("actor", 0, 4)},
			[]annotations.Span{sp("actor", 0, 5)},
			want{Counts{0, 1, 1}, Counts{0, 1, 1}, Counts{1, 0, 0}, Counts{1, 0, 0}},
		},
		"same offsets, other label": {
			[]annotations.Span{sp("actor", 0, 4)},
			[]annotations.Span{sp("claim", 0, 4)},
			want{Counts{0, 1, 1}, Counts{1, 0, 0}, Counts{0, 1, 1}, Counts{1, 0, 0}},
		},
		"touching is not overlapping": {
			[]annotations.Span{sp("actor", 0, 4)},
			[]annotations.Span{sp("actor", 4, 8)},
			want{Counts{0, 1, 1}, Counts{0, 1, 1}, Counts{0, 1, 1}, Counts{0, 1, 1}},
		},
		"nested: claim containing an actor, claim shorter for B": {
			[]annotations.Span{sp("claim", 0, 30), sp("actor", 6, 10)},
			[]annotations.Span{sp("claim", 0, 28), sp("actor", 6, 10)},
			want{Counts{1, 1, 1}, Counts{1, 1, 1}, Counts{2, 0, 0}, Counts{2, 0, 0}},
		},
		"one to one: two spans of A inside one of B": {
			[]annotations.Span{sp("actor", 0, 4), sp("actor", 5, 9)},
			[]annotations.Span{sp("actor", 0, 9)},
			want{Counts{0, 1, 2}, Counts{0, 1, 2}, Counts{1, 0, 1}, Counts{1, 0, 1}},
		},
		"only A has spans": {
			[]annotations.Span{sp("actor", 0, 4), sp("weapon", 8, 9)},
			nil,
			want{Counts{0, 0, 2}, Counts{0, 0, 2}, Counts{0, 0, 2}, Counts{0, 0, 2}},
		},
		"neither has spans": {nil, nil, want{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := want{SpanCounts(tc.a, tc.b, Exact), SpanCounts(tc.a, tc.b, ExactSpan),
				SpanCounts(tc.a, tc.b, Overlap), SpanCounts(tc.a, tc.b, OverlapSpan)}
			if got != tc.want {
				t.Errorf("counts (exact, exact_span, overlap, overlap_span) = %v, want %v", got, tc.want)
			}
			// F1 is symmetric: swapping A and B swaps FP and FN
			for _, m := range Modes {
				if x, y := SpanCounts(tc.a, tc.b, m).F1(), SpanCounts(tc.b, tc.a, m).F1(); x != y {
					t.Errorf("%s: F1(a, b) = %v, F1(b, a) = %v", m, x, y)
				}
			}
		})
	}
}

func TestF1(t *testing.T) {
	tests := map[string]struct {
		c    Counts
		want Value
	}{
		"perfect":              {Counts{TP: 3}, Number(1)},
		"2TP/(2TP+FP+FN)":      {Counts{TP: 1, FP: 1, FN: 2}, Number(2.0 / 5)},
		"nothing matched":      {Counts{FP: 1, FN: 1}, Number(0)},
		"no spans either side": {Counts{}, Value{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.c.F1(); got != tc.want {
				t.Errorf("%+v.F1() = %v, want %v", tc.c, got, tc.want)
			}
		})
	}
}

func TestMatchSpans(t *testing.T) {
	tests := map[string]struct {
		a, b []annotations.Span
		mode Mode
		want []Match
	}{
		"equal overlaps: the first span of A wins": {
			[]annotations.Span{sp("actor", 5, 9), sp("actor", 0, 4)}, // not in text order
			[]annotations.Span{sp("actor", 0, 9)},
			Overlap, []Match{{1, 0}, {0, -1}},
		},
		"the longest overlap first": {
			[]annotations.Span{sp("actor", 0, 3), sp("actor", 4, 10)},
			[]annotations.Span{sp("actor", 2, 6), sp("actor", 8, 20)},
			Overlap, []Match{{1, 0}, {0, -1}, {-1, 1}},
		},
		"any label: on equal overlap the same label first": {
			[]annotations.Span{sp("actor", 0, 4), sp("claim", 0, 4)},
			[]annotations.Span{sp("claim", 0, 4)},
			ExactSpan, []Match{{1, 0}, {0, -1}},
		},
		"any label: a longer overlap beats the same label": {
			[]annotations.Span{sp("actor", 0, 10)},
			[]annotations.Span{sp("actor", 0, 8), sp("claim", 0, 10)},
			OverlapSpan, []Match{{0, 1}, {-1, 0}},
		},
		"label-aware: another label never matches": {
			[]annotations.Span{sp("actor", 0, 10)},
			[]annotations.Span{sp("claim", 0, 10)},
			Overlap, []Match{{0, -1}, {-1, 0}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := MatchSpans(tc.a, tc.b, tc.mode); !slices.Equal(got, tc.want) {
				t.Errorf("MatchSpans = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConfusionOf(t *testing.T) {
	a := []annotations.Span{sp("actor", 0, 4), sp("claim", 10, 20), sp("actor", 40, 44), sp("place", 50, 55)}
	b := []annotations.Span{sp("weapon", 0, 4), sp("claim", 12, 25), sp("claim", 30, 35), sp("actor", 40, 44)}
	c := ConfusionOf(a, b, []string{"actor", "weapon", "claim"})
	if want := []string{"actor", "weapon", "claim", None}; !slices.Equal(c.Labels, want) {
		t.Fatalf("labels %v, want %v", c.Labels, want)
	}
	want := [][]int{
		{1, 1, 0, 0}, // A's actors: one with B's actor, one with B's weapon
		{0, 0, 0, 0},
		{0, 0, 1, 0}, // A's claim with B's claim
		{0, 0, 1, 0}, // B's claim at 30 matches nothing of A; A's place is not a label asked for
	}
	for i := range want {
		if !slices.Equal(c.Counts[i], want[i]) {
			t.Errorf("row %s = %v, want %v", c.Labels[i], c.Counts[i], want[i])
		}
	}
}
