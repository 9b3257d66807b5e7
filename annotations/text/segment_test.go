package text

import (
	"slices"
	"testing"
)

// words returns the text of each word segment.
func words(s string) []string {
	rs := []rune(s)
	var out []string
	for _, w := range Segment(s).Words() {
		out = append(out, string(rs[w.Start:w.End]))
	}
	return out
}

func TestSegmentWords(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string
	}{
		"French quotes and apostrophe": {"« Nous avons repoussé l’assaut »", []string{"«", "Nous", "avons", "repoussé", "l’assaut", "»"}},
		"figures stay whole":           {"environ 1.100 pertes, 3,5 %", []string{"environ", "1.100", "pertes", ",", "3,5", "%"}},
		"hyphen splits":                {"lance-roquettes de 240 mm", []string{"lance", "-", "roquettes", "de", "240", "mm"}},
		"flag emoji is one word":       {"Kyiv 🇺🇦 says", []string{"Kyiv", "🇺🇦", "says"}},
		"combining accent stays":       {"de\u0301ja\u0300 vu", []string{"de\u0301ja\u0300", "vu"}},
		"Cyrillic":                     {"Андрій Коваленко заявив", []string{"Андрій", "Коваленко", "заявив"}},
		"English quotes":               {"“We didn’t retreat”", []string{"“", "We", "didn’t", "retreat", "”"}},
		"CRLF and tabs are space":      {"a\r\n\tb", []string{"a", "b"}},
		"empty":                        {"", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := words(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("words(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSegmentClusters(t *testing.T) {
	s := "a🇺🇦e\u0301\r\nb"
	g := Segment(s)
	if g.Len() != 8 {
		t.Fatalf("Len = %d, want 8", g.Len())
	}
	// clusters: a | 🇺🇦 | é (2) | \r\n | b
	var starts []int
	for i := 0; i <= g.Clusters(); i++ {
		starts = append(starts, g.ClusterStart(i))
	}
	if want := []int{0, 1, 3, 5, 7, 8}; !slices.Equal(starts, want) {
		t.Errorf("cluster starts = %v, want %v", starts, want)
	}
	tests := []struct {
		off, snap, next, prev int
	}{
		{0, 0, 1, 0},
		{2, 1, 3, 1}, // inside the flag
		{4, 3, 5, 3}, // on the combining accent
		{5, 5, 7, 3},
		{6, 5, 7, 5}, // between \r and \n
		{8, 8, 8, 7},
	}
	for _, tc := range tests {
		if got := g.Snap(tc.off); got != tc.snap {
			t.Errorf("Snap(%d) = %d, want %d", tc.off, got, tc.snap)
		}
		if got := g.NextCluster(tc.off); got != tc.next {
			t.Errorf("NextCluster(%d) = %d, want %d", tc.off, got, tc.next)
		}
		if got := g.PrevCluster(tc.off); got != tc.prev {
			t.Errorf("PrevCluster(%d) = %d, want %d", tc.off, got, tc.prev)
		}
	}
	if !g.LineEnd(3) || g.LineEnd(2) || !g.Space(3) || g.Space(1) {
		t.Errorf("cluster kinds wrong: LineEnd(3)=%v LineEnd(2)=%v Space(3)=%v Space(1)=%v", g.LineEnd(3), g.LineEnd(2), g.Space(3), g.Space(1))
	}
}

func TestSnapWords(t *testing.T) {
	s := "Le porte-parole a cité environ 1.100 pertes."
	//    0123456789012345678901234567890123456789012345
	g := Segment(s)
	tests := map[string]struct {
		a, b int
		want Range
	}{
		"inside one word":           {24, 26, Range{23, 30}},
		"across words":              {1, 5, Range{0, 8}},
		"starts in space":           {2, 5, Range{3, 8}},
		"ends in space":             {23, 31, Range{23, 30}},
		"number whole":              {32, 33, Range{31, 36}},
		"reversed":                  {33, 24, Range{23, 36}},
		"only space":                {30, 31, Range{30, 30}},
		"takes the final full stop": {37, 44, Range{37, 44}},
		"clamped":                   {-5, 99, Range{0, 44}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := g.SnapWords(tc.a, tc.b); got != tc.want {
				t.Errorf("SnapWords(%d, %d) = %v (%q), want %v (%q)", tc.a, tc.b, got, string([]rune(s)[got.Start:got.End]), tc.want, string([]rune(s)[tc.want.Start:tc.want.End]))
			}
		})
	}
}

func TestWordMoves(t *testing.T) {
	s := "un deux  trois"
	g := Segment(s)
	ends := []int{}
	for off := 0; off < g.Len(); off = g.NextWordEnd(off) {
		ends = append(ends, g.NextWordEnd(off))
	}
	if want := []int{2, 7, 14}; !slices.Equal(ends, want) {
		t.Errorf("word ends = %v, want %v", ends, want)
	}
	starts := []int{}
	for off := g.Len(); off > 0; off = g.PrevWordStart(off) {
		starts = append(starts, g.PrevWordStart(off))
	}
	if want := []int{9, 3, 0}; !slices.Equal(starts, want) {
		t.Errorf("word starts = %v, want %v", starts, want)
	}
}

func TestSentenceAt(t *testing.T) {
	s := "Il a parlé. « Nous tenons », dit-il.\n\nNouveau paragraphe ici"
	g := Segment(s)
	rs := []rune(s)
	tests := map[int]string{
		0:  "Il a parlé.",
		15: "« Nous tenons », dit-il.",
		45: "Nouveau paragraphe ici",
	}
	for off, want := range tests {
		r := g.SentenceAt(off)
		if got := string(rs[r.Start:r.End]); got != want {
			t.Errorf("SentenceAt(%d) = %q, want %q", off, got, want)
		}
	}
}

func TestLineBreaks(t *testing.T) {
	// a no-break space before » (French typography) is no place to wrap; a plain space after « is
	s := "« Nous\u00a0» partons"
	g := Segment(s)
	var can []int
	for i := 0; i < g.Clusters(); i++ {
		if g.CanBreak(i) {
			can = append(can, g.ClusterStart(i+1))
		}
	}
	if want := []int{2, 9}; !slices.Equal(can, want) {
		t.Errorf("line breaks after offsets %v, want %v", can, want)
	}
}

func BenchmarkSegment(b *testing.B) {
	s := ""
	for len([]rune(s)) < 100000 {
		s += "« Nous avons repoussé l’assaut », a déclaré le porte-parole Андрій Коваленко, évoquant environ 1.100 pertes. "
	}
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Segment(s)
	}
}
