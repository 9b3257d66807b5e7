package annotations

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// phraseText is one stored (NFC) text prepared for whole-word phrase matching: folded code point by
// code point, so that its offsets are the text's own, with its word boundaries found when first
// needed.
type phraseText struct {
	s      string
	folded string      // s with each code point folded (see foldPhrase): the same number of code points
	index  *text.Index // of folded, whose code points are s's; nil until needed
	words  *wordBounds // of s
}

// newPhraseText prepares s for matching, folding case unless caseSensitive. words are the word
// boundaries of s, shared by the phraseTexts of one text; nil makes new ones.
func newPhraseText(s string, caseSensitive bool, words *wordBounds) *phraseText {
	if words == nil {
		words = &wordBounds{s: s}
	}
	f := foldPhrase(s, caseSensitive)
	return &phraseText{s: s, folded: f, words: words}
}

// wordBounds are the word boundaries of a text (UAX #29), found when first asked for, and its
// index of code points.
type wordBounds struct {
	s      string
	index  *text.Index // of s; nil until needed
	starts []int       // the starts of the words, sorted; nil until needed
	ends   []int       // their ends
}

// foldPhrase folds s code point by code point: white space other than line ends becomes a space
// (so a no-break space matches a space), and unless caseSensitive, each code point becomes its
// simple case fold (Unicode's one-to-one folding: "É" and "é" match, "ß" stays "ß").
func foldPhrase(s string, caseSensitive bool) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsSpace(r) {
			return ' '
		}
		if !caseSensitive {
			return simpleFold(r)
		}
		return r
	}, s)
}

// simpleFold returns the smallest code point of r's simple case folding orbit, the same for every
// case of a letter.
func simpleFold(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	low := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		low = min(low, f)
	}
	return low
}

// preparePhrase turns a phrase as a user typed it into what phraseText.find looks for: NFC, runs of
// white space as one space, trimmed, folded like the text. It returns "" for a phrase of white space.
func preparePhrase(phrase string, caseSensitive bool) string {
	norm, _ := text.Normalize(phrase)
	return foldPhrase(strings.Join(strings.Fields(norm), " "), caseSensitive)
}

// find calls fn with every occurrence of the prepared phrase that starts and ends on a word
// boundary, in code points, in text order (occurrences may overlap).
func (t *phraseText) find(phrase string, fn func(start, end int)) {
	if phrase == "" {
		return
	}
	n := utf8.RuneCountInString(phrase)
	if t.index == nil {
		t.index = text.NewIndex(t.folded)
	}
	for from := 0; from < len(t.folded); {
		i := strings.Index(t.folded[from:], phrase)
		if i < 0 {
			return
		}
		b := from + i
		start := t.index.CodePoint(b)
		if t.words.onBoundaries(start, start+n) {
			fn(start, start+n)
		}
		_, size := utf8.DecodeRuneInString(t.folded[b:])
		from = b + size
	}
}

// codePoint returns the code point offset of byte offset b of the text.
func (w *wordBounds) codePoint(b int) int {
	if w.index == nil {
		w.index = text.NewIndex(w.s)
	}
	return w.index.CodePoint(b)
}

// byteOf returns the byte offset of code point offset cp of the text.
func (w *wordBounds) byteOf(cp int) int {
	w.codePoint(0)
	return w.index.Byte(cp)
}

// onBoundaries reports whether a word starts at start and one ends at end.
func (w *wordBounds) onBoundaries(start, end int) bool {
	if w.starts == nil {
		words := text.Words(w.s)
		w.starts, w.ends = make([]int, 0, len(words)), make([]int, len(words))
		w.codePoint(0) // makes the index
		elided := false
		for i, r := range words {
			w.starts = append(w.starts, r.Start)
			w.ends[i] = r.End
			if word := w.s[w.index.Byte(r.Start):w.index.Byte(r.End)]; r.Len() > 2 && strings.ContainsAny(word, "’'") {
				w.starts = append(w.starts, elisions(word, r.Start)...)
				elided = true
			}
		}
		if elided {
			slices.Sort(w.starts)
		}
	}
	_, okStart := slices.BinarySearch(w.starts, start)
	_, okEnd := slices.BinarySearch(w.ends, end)
	return okStart && okEnd
}

// longestFirst keeps, of ranges found by several phrases, the longest at each place: a range inside
// a longer one kept is dropped ("lance-roquettes" wins over "roquettes"). The result is in text
// order.
func longestFirst(rs []text.Range) []text.Range {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Start != rs[j].Start {
			return rs[i].Start < rs[j].Start
		}
		return rs[i].End > rs[j].End
	})
	out := rs[:0]
	reach := -1 // the end of the furthest range kept
	for _, r := range rs {
		if r.End <= reach {
			continue
		}
		out = append(out, r)
		reach = r.End
	}
	return out
}

// elisions returns the offsets inside word, which starts at code point start, where a word starts
// after an apostrophe, as in French elision: « d’obus », « l’armée », « jusqu’à ». UAX #29 keeps
// them one word.
func elisions(word string, start int) []int {
	var out []int
	cp, n := start, utf8.RuneCountInString(word)
	var prev rune
	for _, c := range word {
		cp++
		if (c == '’' || c == '\'') && unicode.IsLetter(prev) && cp < start+n {
			out = append(out, cp)
		}
		prev = c
	}
	return out
}
