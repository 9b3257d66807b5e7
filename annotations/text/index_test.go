package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestIndex(t *testing.T) {
	tests := map[string]string{
		"empty":     "",
		"ASCII":     "Kyiv, March 3",
		"accents":   "« L’armée a perdu environ 1.100 hommes », selon l’état-major.",
		"emoji":     "🇺🇦 👍🏽 drapeau 🙂",
		"Cyrillic":  "Андрій Ткаченко",
		"long text": strings.Repeat("é🙂a", 200),
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			x := NewIndex(s)
			runes := []rune(s)
			if x.Len() != len(runes) {
				t.Fatalf("Len() = %d, want %d", x.Len(), len(runes))
			}
			b := 0
			for i := 0; i <= len(runes); i++ {
				if got := x.Byte(i); got != b {
					t.Fatalf("Byte(%d) = %d, want %d", i, got, b)
				}
				if got := x.CodePoint(b); got != i {
					t.Fatalf("CodePoint(%d) = %d, want %d", b, got, i)
				}
				if i < len(runes) {
					// every byte inside a character maps back to that character
					for k := 1; k < utf8.RuneLen(runes[i]); k++ {
						if got := x.CodePoint(b + k); got != i {
							t.Fatalf("CodePoint(%d) inside character %d = %d", b+k, i, got)
						}
					}
					b += utf8.RuneLen(runes[i])
				}
			}
			for i := 0; i <= len(runes); i++ {
				for j := i; j <= len(runes) && j < i+5; j++ {
					if got, want := x.Slice(i, j), string(runes[i:j]); got != want {
						t.Fatalf("Slice(%d, %d) = %q, want %q", i, j, got, want)
					}
				}
			}
			if x.Byte(-3) != 0 || x.Byte(len(runes)+7) != len(s) {
				t.Errorf("Byte does not clamp: %d, %d", x.Byte(-3), x.Byte(len(runes)+7))
			}
		})
	}
}

func BenchmarkIndexSlice(b *testing.B) {
	s := strings.Repeat("« L’armée a perdu environ 1.100 hommes », selon l’état-major. ", 2000)
	n := utf8.RuneCountInString(s)
	for b.Loop() {
		x := NewIndex(s)
		for i := 0; i+20 < n; i += 97 {
			_ = x.Slice(i, i+20)
		}
	}
}

// FuzzIndex checks the conversions between code point and byte offsets against a plain walk over the
// string, valid UTF-8 or not (an invalid byte counts as one code point, as range does): Byte and
// CodePoint agree with it and undo each other, and a byte inside a character gives that character.
func FuzzIndex(f *testing.F) {
	for _, s := range []string{"", "Kyiv", "dépêche", "🇺🇦 flag", "e\u0301", "\xff\xfe\xed\xa0\x80", strings.Repeat("é", 200) + "🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x := NewIndex(s)
		var starts []int // the byte offset of each code point, then len(s)
		for b := range s {
			starts = append(starts, b)
		}
		starts = append(starts, len(s))
		if x.Len() != len(starts)-1 {
			t.Fatalf("Len(%q) = %d, want %d", s, x.Len(), len(starts)-1)
		}
		for cp, b := range starts {
			if got := x.Byte(cp); got != b {
				t.Fatalf("Byte(%d) of %q = %d, want %d", cp, s, got, b)
			}
			if got := x.CodePoint(b); got != cp {
				t.Fatalf("CodePoint(%d) of %q = %d, want %d", b, s, got, cp)
			}
			for inside := b + 1; cp+1 < len(starts) && inside < starts[cp+1]; inside++ {
				if got := x.CodePoint(inside); got != cp {
					t.Fatalf("CodePoint(%d), inside code point %d of %q, = %d", inside, cp, s, got)
				}
			}
		}
		if x.Byte(-1) != 0 || x.Byte(x.Len()+1) != len(s) || x.CodePoint(-1) != 0 || x.CodePoint(len(s)+1) != x.Len() {
			t.Fatalf("offsets outside %q are not clamped", s)
		}
	})
}
