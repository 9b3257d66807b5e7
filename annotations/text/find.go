package text

import (
	"slices"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Finder searches one text ignoring case and accents: "deja" finds "Déjà", "KYIV" finds "Kyiv".
// Each code point is folded on its own, so the offsets it returns are offsets in the text itself.
type Finder struct {
	folded []rune
}

// NewFinder prepares s for searching.
func NewFinder(s string) *Finder {
	f := &Finder{folded: []rune(s)}
	for i, r := range f.folded {
		f.folded[i] = fold(r)
	}
	return f
}

// Next returns the first match of query starting at or after from, wrapping around to the start of
// the text; ok is false when query (after folding) is empty or not in the text.
func (f *Finder) Next(query string, from int) (r Range, ok bool) {
	q := foldString(query)
	if len(q) == 0 || len(q) > len(f.folded) {
		return Range{}, false
	}
	from = max(0, min(from, len(f.folded)))
	if i := f.index(q, from, len(f.folded)); i >= 0 {
		return Range{i, i + len(q)}, true
	}
	if i := f.index(q, 0, min(from+len(q)-1, len(f.folded))); i >= 0 {
		return Range{i, i + len(q)}, true
	}
	return Range{}, false
}

// Count returns how many times query occurs, not overlapping.
func (f *Finder) Count(query string) int {
	q := foldString(query)
	if len(q) == 0 {
		return 0
	}
	n := 0
	for i := f.index(q, 0, len(f.folded)); i >= 0; i = f.index(q, i+len(q), len(f.folded)) {
		n++
	}
	return n
}

// index returns the first i in [from, to-len(q)] where q occurs, or -1.
func (f *Finder) index(q []rune, from, to int) int {
	for i := from; i+len(q) <= to; i++ {
		if f.folded[i] == q[0] && slices.Equal(f.folded[i:i+len(q)], q) {
			return i
		}
	}
	return -1
}

func foldString(s string) []rune {
	rs := []rune(norm.NFC.String(s))
	out := rs[:0]
	for _, r := range rs {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent typed on its own matches what it would sit on
		}
		out = append(out, fold(r))
	}
	return out
}

// fold maps a code point to its lower-case base letter: É to e, ß stays ß. Typographic apostrophes
// and quotes fold to their ASCII forms, so typing ' finds ’.
func fold(r rune) rune {
	switch r {
	case '’', '‘', 'ʼ':
		return '\''
	case '“', '”', '«', '»', '„':
		return '"'
	case '\u00a0', '\u202f', '\u2009':
		return ' '
	}
	if r < 0x80 {
		return unicode.ToLower(r)
	}
	if d := norm.NFD.String(string(r)); len(d) > 0 {
		base := []rune(d)[0]
		if base != r && !unicode.Is(unicode.Mn, base) {
			r = base
		}
	}
	return unicode.ToLower(r)
}
