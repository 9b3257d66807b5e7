// Package text holds Tagdesk's text conventions: the normalisation every document goes through once at
// import, the map that carries offsets through it, and the conversion between code point offsets (what
// Tagdesk stores) and byte offsets (what Go strings use).
//
// Offsets are Unicode code points, half-open [start, end), over the normalised text.
package text

import (
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const bom = '\uFEFF'

// Normalize returns s in the form Tagdesk stores: leading byte-order marks removed, CRLF and lone CR
// turned into LF, then Unicode NFC. The returned Map carries code point offsets of s to offsets of the
// result, so that spans given over s still cover the same characters.
//
// NFC as Unicode defines it (UAX #15, stream-safe format) inserts U+034F COMBINING GRAPHEME JOINER
// into a run of more than 30 combining marks; such pathological text gains that character.
//
// Normalize is idempotent: normalising its result again changes nothing and returns an identity Map.
func Normalize(s string) (string, *Map) {
	lines, m1 := normalizeLineEnds(s)
	out, m2 := normalizeNFC(lines)
	return out, &Map{stages: []stage{m1, m2}}
}

// IsNormalized reports whether s is already in the form Normalize returns.
func IsNormalized(s string) bool {
	return !strings.HasPrefix(s, string(bom)) && !strings.ContainsRune(s, '\r') && norm.NFC.IsNormalString(s)
}

// Map carries code point offsets in a text to offsets in its normalised form. Offsets that fall inside
// characters normalisation merged (a letter and its combining accent, CR and LF) widen outwards: a
// span start moves to the start of the merged character and a span end to its end.
type Map struct {
	stages []stage
}

// Start maps a span's start offset.
func (m *Map) Start(i int) int {
	for _, s := range m.stages {
		i = s.start(i)
	}
	return i
}

// End maps a span's end offset.
func (m *Map) End(i int) int {
	for _, s := range m.stages {
		i = s.end(i)
	}
	return i
}

// An edit says that code points [inStart, inEnd) of the input became [outStart, outEnd) of the output.
// Outside edits, offsets shift by the length difference of the edits before them.
type edit struct {
	inStart, inEnd, outStart, outEnd int
}

// A stage is one normalisation step's edits, sorted and disjoint. Only changed stretches are kept, so
// the memory a map takes grows with the number of changes, not with the length of the text.
type stage []edit

func (s stage) start(i int) int {
	j := sort.Search(len(s), func(j int) bool { return s[j].inEnd > i })
	if j < len(s) && s[j].inStart <= i {
		return s[j].outStart
	}
	return s.shift(j, i)
}

func (s stage) end(i int) int {
	j := sort.Search(len(s), func(j int) bool { return s[j].inEnd >= i })
	if j < len(s) && s[j].inStart < i {
		return s[j].outEnd
	}
	return s.shift(j, i)
}

// shift moves i, which lies after the first j edits and outside any edit, by their length difference.
func (s stage) shift(j, i int) int {
	if j == 0 {
		return i
	}
	e := s[j-1]
	return i - e.inEnd + e.outEnd
}

func normalizeLineEnds(s string) (string, stage) {
	if !strings.HasPrefix(s, string(bom)) && !strings.ContainsRune(s, '\r') {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	var edits stage
	in, out := 0, 0
	for strings.HasPrefix(s, string(bom)) { // editors have been seen to write two
		s = s[len(string(bom)):]
		in++
	}
	if in > 0 {
		edits = append(edits, edit{0, in, 0, 0})
	}
	for {
		k := strings.IndexByte(s, '\r')
		if k < 0 {
			b.WriteString(s)
			return b.String(), edits
		}
		b.WriteString(s[:k])
		n := utf8.RuneCountInString(s[:k])
		in, out = in+n, out+n
		b.WriteByte('\n')
		if strings.HasPrefix(s[k:], "\r\n") {
			edits = append(edits, edit{in, in + 2, out, out + 1})
			in += 2
			s = s[k+2:]
		} else {
			in++ // a lone CR becomes LF: same length, no edit
			s = s[k+1:]
		}
		out++
	}
}

func normalizeNFC(s string) (string, stage) {
	if norm.NFC.IsNormalString(s) {
		return s, nil
	}
	out, edits := nfcBySegments(s)
	if want := norm.NFC.String(s); out != want {
		// A safety net that fuzzing has not seen used: map the stretch where the two differ as one edit.
		return want, stage{narrow(s, want, 0, 0)}
	}
	return out, edits
}

// nfcBySegments normalises s to NFC one normalisation segment at a time, which normalise independently,
// keeping an edit for each segment that changed.
func nfcBySegments(s string) (string, stage) {
	var b strings.Builder
	b.Grow(len(s))
	var edits stage
	in, out := 0, 0
	for s != "" {
		if k := quickSpan(s); k > 0 { // already NFC: copied as it is
			b.WriteString(s[:k])
			n := utf8.RuneCountInString(s[:k])
			in, out, s = in+n, out+n, s[k:]
			continue
		}
		k := segmentEnd(s)
		src := s[:k]
		dst := norm.NFC.String(src)
		b.WriteString(dst)
		if dst != src {
			edits = append(edits, narrow(src, dst, in, out))
		}
		in += utf8.RuneCountInString(src)
		out += utf8.RuneCountInString(dst)
		s = s[k:]
	}
	return b.String(), edits
}

// quickSpan returns the length of the start of s that is already NFC and ends before a character that
// starts a segment.
func quickSpan(s string) int {
	k := norm.NFC.QuickSpanString(s)
	for k > 0 && k < len(s) && !norm.NFC.PropertiesString(s[k:]).BoundaryBefore() {
		_, n := utf8.DecodeLastRuneInString(s[:k])
		k -= n
	}
	return k
}

// segmentEnd returns where the segment that starts s ends. The library splits a run of more than 30
// combining marks into several segments (and puts U+034F between them): those stay one segment here,
// so that it normalises the whole run as it does inside the text.
func segmentEnd(s string) int {
	k := norm.NFC.NextBoundaryInString(s, true)
	for k > 0 && k < len(s) && !norm.NFC.PropertiesString(s[k:]).BoundaryBefore() {
		n := norm.NFC.NextBoundaryInString(s[k:], true)
		if n <= 0 {
			return len(s)
		}
		k += n
	}
	if k <= 0 {
		return len(s)
	}
	return k
}

// narrow returns the edit for a segment src that normalised to dst, starting at code points in and out,
// trimmed of the code points both share at their start and end so that those keep exact offsets.
func narrow(src, dst string, in, out int) edit {
	e := edit{in, in + utf8.RuneCountInString(src), out, out + utf8.RuneCountInString(dst)}
	for src != "" && dst != "" {
		r1, n1 := utf8.DecodeRuneInString(src)
		r2, n2 := utf8.DecodeRuneInString(dst)
		if r1 != r2 {
			break
		}
		src, dst = src[n1:], dst[n2:]
		e.inStart++
		e.outStart++
	}
	for src != "" && dst != "" {
		r1, n1 := utf8.DecodeLastRuneInString(src)
		r2, n2 := utf8.DecodeLastRuneInString(dst)
		if r1 != r2 {
			break
		}
		src, dst = src[:len(src)-n1], dst[:len(dst)-n2]
		e.inEnd--
		e.outEnd--
	}
	return e
}
