package text

import (
	"sort"
	"unicode/utf8"
)

// step is how many code points lie between two checkpoints of an Index.
const step = 64

// Index converts code point offsets of one string to byte offsets and back in near-constant time. It
// keeps a byte offset every 64 code points, so it costs about one int per 64 characters; a string of
// single-byte characters needs none.
type Index struct {
	s      string
	n      int   // length in code points
	marks  []int // marks[k] is the byte offset of code point k*step; nil when s is ASCII
	simple bool  // one byte per code point
}

// NewIndex indexes s.
func NewIndex(s string) *Index {
	x := &Index{s: s}
	if isASCII(s) {
		x.n, x.simple = len(s), true
		return x
	}
	x.marks = make([]int, 0, len(s)/step+1)
	n := 0
	for b := range s { // b steps over code points; invalid bytes count as one each, as utf8 does
		if n%step == 0 {
			x.marks = append(x.marks, b)
		}
		n++
	}
	x.n = n
	return x
}

// Len returns the length of the string in code points.
func (x *Index) Len() int { return x.n }

// Byte returns the byte offset of code point offset cp, clamped to [0, Len()].
func (x *Index) Byte(cp int) int {
	switch {
	case cp <= 0:
		return 0
	case cp >= x.n:
		return len(x.s)
	case x.simple:
		return cp
	}
	b := x.marks[cp/step]
	for k := cp % step; k > 0; k-- {
		_, size := utf8.DecodeRuneInString(x.s[b:])
		b += size
	}
	return b
}

// CodePoint returns the code point offset of byte offset b. A b inside a multi-byte character gives the
// offset of that character.
func (x *Index) CodePoint(b int) int {
	switch {
	case b <= 0:
		return 0
	case b >= len(x.s):
		return x.n
	case x.simple:
		return b
	}
	k := sort.Search(len(x.marks), func(k int) bool { return x.marks[k] > b }) - 1
	cp, at := k*step, x.marks[k]
	for {
		_, size := utf8.DecodeRuneInString(x.s[at:])
		if at+size > b {
			return cp
		}
		at += size
		cp++
	}
}

// Slice returns the text of code points [start, end).
func (x *Index) Slice(start, end int) string {
	return x.s[x.Byte(start):x.Byte(end)]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
