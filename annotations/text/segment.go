package text

import (
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Range is a half-open stretch [Start, End) of code points.
type Range struct{ Start, End int }

// Len returns how many code points r holds.
func (r Range) Len() int { return r.End - r.Start }

// Segments are the grapheme clusters, words, sentences and line-break opportunities of a text, by
// Unicode's rules (UAX #29 and #14, from rivo/uniseg), in code points. A caret or a selection edge
// never falls inside a cluster, so "🇺🇦" or "é" written with a combining accent stay whole; "1.100",
// "l’armée" and "3,5" are one word each; "lance-roquettes" is three (lance, -, roquettes).
type Segments struct {
	starts []int32 // starts[i] is the first code point of cluster i; starts[n] is the text's length
	after  []uint8 // what kind of boundary follows cluster i, and what the cluster is
	words  []Range // the word segments that are not white space, in order
	sents  []Range // the sentences, trailing white space left out
}

// Per-cluster bits of Segments.after.
const (
	afterWord     uint8 = 1 << iota // a word boundary follows the cluster
	afterSentence                   // a sentence boundary follows
	canBreak                        // a line may break after the cluster
	mustBreak                       // a line must break after the cluster (the cluster is a line end)
	isSpace                         // the cluster is white space
	isNewline                       // the cluster is a line end: \n, \r\n, \v, \f, NEL, LS, PS
)

// Segment segments s.
func Segment(s string) *Segments {
	g := &Segments{
		starts: make([]int32, 0, len(s)+1),
		after:  make([]uint8, 0, len(s)),
	}
	state, off := -1, 0
	wordStart, sentStart := 0, 0
	wordSpace := true // the current word segment is only white space so far
	for len(s) > 0 {
		var cluster string
		var b int
		cluster, s, b, state = uniseg.StepString(s, state)
		n := utf8.RuneCountInString(cluster)
		r, _ := utf8.DecodeRuneInString(cluster)
		var f uint8
		if unicode.IsSpace(r) {
			f |= isSpace
		} else {
			wordSpace = false
		}
		if b&uniseg.MaskLine == uniseg.LineMustBreak && len(s) > 0 || isLineEnd(r) {
			f |= mustBreak
		}
		if isLineEnd(r) {
			f |= isNewline
		}
		if b&uniseg.MaskLine == uniseg.LineCanBreak {
			f |= canBreak
		}
		g.starts = append(g.starts, int32(off))
		off += n
		if b&uniseg.MaskWord != 0 {
			f |= afterWord
			if !wordSpace {
				g.words = append(g.words, Range{wordStart, off})
			}
			wordStart, wordSpace = off, true
		}
		if b&uniseg.MaskSentence != 0 {
			f |= afterSentence
			g.sents = append(g.sents, Range{sentStart, off})
			sentStart = off
		}
		g.after = append(g.after, f)
	}
	g.starts = append(g.starts, int32(off))
	for i, r := range g.sents { // a sentence ends at its last non-space cluster
		k := g.Cluster(r.End) - 1
		for k >= 0 && int(g.starts[k]) >= r.Start && g.after[k]&isSpace != 0 {
			k--
		}
		if k >= 0 && int(g.starts[k+1]) > r.Start {
			g.sents[i].End = int(g.starts[k+1])
		}
	}
	return g
}

func isLineEnd(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// Len returns the length of the text in code points.
func (g *Segments) Len() int { return int(g.starts[len(g.starts)-1]) }

// Clusters returns how many grapheme clusters the text has.
func (g *Segments) Clusters() int { return len(g.after) }

// ClusterStart returns the first code point of cluster i; ClusterStart(Clusters()) is Len().
func (g *Segments) ClusterStart(i int) int { return int(g.starts[i]) }

// Cluster returns the index of the cluster holding code point off (Clusters() at or past the end).
func (g *Segments) Cluster(off int) int {
	if off >= g.Len() {
		return len(g.after)
	}
	return sort.Search(len(g.after), func(i int) bool { return int(g.starts[i+1]) > off })
}

// Snap returns off moved back to the start of the cluster holding it.
func (g *Segments) Snap(off int) int {
	off = max(0, min(off, g.Len()))
	return int(g.starts[g.Cluster(off)])
}

// Space reports whether cluster i is white space (line ends included).
func (g *Segments) Space(i int) bool { return g.after[i]&isSpace != 0 }

// LineEnd reports whether cluster i ends a line of the text itself (a paragraph break).
func (g *Segments) LineEnd(i int) bool { return g.after[i]&isNewline != 0 }

// CanBreak reports whether a wrapped line may end after cluster i.
func (g *Segments) CanBreak(i int) bool { return g.after[i]&(canBreak|mustBreak) != 0 }

// Words returns the word segments that are not white space, in text order: words, numbers, and each
// punctuation mark or symbol on its own.
func (g *Segments) Words() []Range { return g.words }

// Sentences returns the sentences (UAX #29), without their trailing white space, in order. A line
// end between paragraphs ends a sentence.
func (g *Segments) Sentences() []Range { return g.sents }

// WordAt returns the word segment holding code point off, if off is not in white space.
func (g *Segments) WordAt(off int) (Range, bool) {
	i := sort.Search(len(g.words), func(i int) bool { return g.words[i].End > off })
	if i < len(g.words) && g.words[i].Start <= off {
		return g.words[i], true
	}
	return Range{}, false
}

// SentenceAt returns the sentence holding code point off, without its trailing white space.
func (g *Segments) SentenceAt(off int) Range {
	i := sort.Search(len(g.sents), func(i int) bool { return g.sents[i].End > off })
	if i == len(g.sents) {
		i--
	}
	if i < 0 {
		return Range{}
	}
	return g.sents[i]
}

// NextWordEnd returns the end of the first word segment that ends after off, or Len().
func (g *Segments) NextWordEnd(off int) int {
	i := sort.Search(len(g.words), func(i int) bool { return g.words[i].End > off })
	if i == len(g.words) {
		return g.Len()
	}
	return g.words[i].End
}

// PrevWordStart returns the start of the last word segment that starts before off, or 0.
func (g *Segments) PrevWordStart(off int) int {
	i := sort.Search(len(g.words), func(i int) bool { return g.words[i].Start >= off })
	if i == 0 {
		return 0
	}
	return g.words[i-1].Start
}

// NextCluster returns the end of the cluster holding off (off itself at the end).
func (g *Segments) NextCluster(off int) int {
	i := g.Cluster(off)
	if i >= len(g.after) {
		return g.Len()
	}
	return int(g.starts[i+1])
}

// PrevCluster returns the start of the cluster before the one holding off (0 at the start).
func (g *Segments) PrevCluster(off int) int {
	off = max(0, min(off, g.Len()))
	i := g.Cluster(off)
	if int(g.starts[i]) < off {
		return int(g.starts[i])
	}
	if i == 0 {
		return 0
	}
	return int(g.starts[i-1])
}

// SnapWords widens [a, b) to whole word segments: a moves back to the start of its word, b forward
// to the end of the word holding b-1. Edges in white space move inwards to the nearest word, so a
// drag that starts or stops between words takes no spaces. An empty range results when [a, b) holds
// only white space.
func (g *Segments) SnapWords(a, b int) Range {
	if a > b {
		a, b = b, a
	}
	a, b = max(0, a), min(b, g.Len())
	if a >= b {
		return Range{a, a}
	}
	i := sort.Search(len(g.words), func(i int) bool { return g.words[i].End > a })
	j := sort.Search(len(g.words), func(i int) bool { return g.words[i].Start >= b }) - 1
	if i > j || i >= len(g.words) {
		return Range{a, a}
	}
	return Range{g.words[i].Start, g.words[j].End}
}

// Words returns the word segments of s that are not white space, the same ranges as
// Segment(s).Words(), for about a third of the cost: it runs only Unicode's word and grapheme cluster
// rules, not the sentence and line-break rules. Segment reports a word boundary only where a grapheme
// cluster ends, so Words does the same: a word boundary inside a cluster (after a prepended mark such
// as U+0600) is not one.
func Words(s string) []Range {
	out := make([]Range, 0, len(s)/6) // about one word in six bytes of prose
	var (
		pos, cp            int // byte and code point offset of the next cluster
		segStart, segSpace = 0, true
		wordEnd            int // byte offset of the next word boundary not passed yet
		wordRest           = s
		wordState          = -1
		rest               = s
		state              = -1
	)
	for len(rest) > 0 {
		var cluster string
		n := 1
		if c := rest[0]; c < utf8.RuneSelf && (len(rest) == 1 || rest[1] < utf8.RuneSelf && !(c == '\r' && rest[1] == '\n')) {
			// An ASCII character before another ASCII character is a cluster of its own, and a cluster
			// that starts after it starts afresh: no grapheme rule looks back past an ASCII character.
			cluster, rest, state = rest[:1], rest[1:], -1
		} else {
			cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
			n = utf8.RuneCountInString(cluster)
		}
		r, _ := utf8.DecodeRuneInString(cluster)
		if !unicode.IsSpace(r) {
			segSpace = false
		}
		pos += len(cluster)
		cp += n
		for wordEnd < pos {
			var w string
			w, wordRest, wordState = uniseg.FirstWordInString(wordRest, wordState)
			wordEnd += len(w)
		}
		if wordEnd == pos {
			if !segSpace {
				out = append(out, Range{segStart, cp})
			}
			segStart, segSpace = cp, true
		}
	}
	return out
}
