package formats

import (
	"fmt"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations"
)

// Offsets says how a file counts text offsets.
type Offsets string

const (
	// CodePoints counts Unicode code points, as Python's str does: Tagdesk's own unit, and the
	// default of every format.
	CodePoints Offsets = "codepoints"
	// UTF16 counts UTF-16 code units, as JavaScript strings (and INCEpTION) do: a character outside
	// the Basic Multilingual Plane, an emoji, counts 2.
	UTF16 Offsets = "utf16"
)

// OffsetUnits lists the values --offsets takes.
var OffsetUnits = []Offsets{CodePoints, UTF16}

// ParseOffsets reads an --offsets value; "" is CodePoints.
func ParseOffsets(s string) (Offsets, bool) {
	switch Offsets(s) {
	case "", CodePoints, "codepoint", "chars":
		return CodePoints, true
	case UTF16, "utf-16":
		return UTF16, true
	}
	return "", false
}

// outOffsets converts the code point offsets of one text to the unit a writer was asked for.
type outOffsets struct {
	utf16 []int32 // utf16[cp] is the UTF-16 offset of code point cp; nil when the units agree
}

// newOutOffsets prepares the conversion of offsets over s to unit.
func newOutOffsets(s string, unit Offsets) outOffsets {
	if unit != UTF16 || !hasAstral(s) {
		return outOffsets{}
	}
	u := make([]int32, 0, len(s)+1)
	n := int32(0)
	for _, r := range s {
		u = append(u, n)
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return outOffsets{append(u, n)}
}

// at converts code point offset cp.
func (o outOffsets) at(cp int) int {
	if o.utf16 == nil || cp < 0 || cp >= len(o.utf16) {
		return cp
	}
	return int(o.utf16[cp])
}

// hasAstral reports whether s holds a character outside the Basic Multilingual Plane, the only ones
// whose UTF-16 length differs from 1 (their UTF-8 encoding starts with 0xF0 or above).
func hasAstral(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return true
		}
	}
	return false
}

// codePointsFromUTF16 returns the code point offset of UTF-16 offset u in s, or a reason when u is
// outside s or splits a character (the two halves of a surrogate pair).
func codePointsFromUTF16(s string, u int) (int, string) {
	if u < 0 {
		return 0, fmt.Sprintf("the UTF-16 offset %d is negative", u)
	}
	n, cp := 0, 0
	for _, r := range s {
		if n == u {
			return cp, ""
		}
		n++
		if r > 0xFFFF {
			n++
		}
		if n > u {
			return 0, fmt.Sprintf("the UTF-16 offset %d falls inside the character %q (a surrogate pair)", u, r)
		}
		cp++
	}
	if n == u {
		return cp, ""
	}
	return 0, fmt.Sprintf("the UTF-16 offset %d is past the end of the text (%d UTF-16 units)", u, n)
}

// utf16Reader converts the span offsets of the records of r from UTF-16 code units to code points.
type utf16Reader struct{ r annotations.RecordReader }

func (u utf16Reader) Next() (*annotations.Record, error) {
	rec, err := u.r.Next()
	if err != nil || !hasAstral(rec.Text) || !utf8.ValidString(rec.Text) {
		return rec, err
	}
	for i := range rec.Spans {
		s := &rec.Spans[i]
		start, why := codePointsFromUTF16(rec.Text, s.Start)
		if why == "" {
			s.End, why = codePointsFromUTF16(rec.Text, s.End)
		}
		if why != "" {
			return nil, &annotations.ImportError{File: rec.File, Line: rec.Line, Reason: fmt.Sprintf("span %d: %s", i+1, why)}
		}
		s.Start = start
	}
	return rec, nil
}
