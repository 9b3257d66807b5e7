package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// cp returns the code points [start, end) of s.
func cp(s string, start, end int) string {
	r := []rune(s)
	return string(r[start:end])
}

func TestNormalize(t *testing.T) {
	tests := map[string]struct {
		in, want string
	}{
		"plain ASCII":              {"Kyiv", "Kyiv"},
		"already NFC":              {"Kharkiv, l’armée « avance »", "Kharkiv, l’armée « avance »"},
		"leading BOM":              {"\uFEFFLe front", "Le front"},
		"BOM not at start is kept": {"a\uFEFFb", "a\uFEFFb"},
		"CRLF":                     {"a\r\nb\r\n", "a\nb\n"},
		"lone CR":                  {"a\rb\r", "a\nb\n"},
		"CR CR LF":                 {"a\r\r\nb", "a\n\nb"},
		"combining acute":          {"Re\u0301publique", "République"},
		"two combining marks":      {"a\u0323\u0302", "\u1EAD"},
		"marks reordered":          {"a\u0302\u0323", "\u1EAD"},
		"emoji kept":               {"🇺🇦 drapeau 👍🏽", "🇺🇦 drapeau 👍🏽"},
		"Cyrillic with breve":      {"Андрі\u0438\u0306", "Андрій"},
		"angstrom singleton":       {"\u212B", "\u00C5"},
		"everything":               {"\uFEFFE\u0301te\u0301\r\n🙂\rfin", "Été\n🙂\nfin"},
		"empty":                    {"", ""},
		"only a BOM":               {"\uFEFF", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, m := Normalize(tt.in)
			if got != tt.want {
				t.Fatalf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !IsNormalized(got) {
				t.Errorf("IsNormalized(%q) = false after Normalize", got)
			}
			again, m2 := Normalize(got)
			if again != got || !m2.Identity() {
				t.Errorf("Normalize is not idempotent on %q: %q, identity %v", got, again, m2.Identity())
			}
			n := utf8.RuneCountInString(tt.in)
			if e := m.End(n); e != utf8.RuneCountInString(got) {
				t.Errorf("End(%d) = %d, want the normalised length %d", n, e, utf8.RuneCountInString(got))
			}
			if tt.in == tt.want && !m.Identity() {
				t.Errorf("unchanged text has a non-identity map")
			}
		})
	}
}

// TestMapSpans checks that spans over the original text cover the same characters after normalisation.
func TestMapSpans(t *testing.T) {
	tests := map[string]struct {
		in         string
		start, end int    // over in
		want       string // the normalised text the mapped span covers
	}{
		"after BOM":                     {"\uFEFFLe front", 1, 3, "Le"},
		"span including the BOM":        {"\uFEFFLe front", 0, 3, "Le"},
		"after CRLF lines":              {"un\r\ndeux\r\ntrois", 10, 15, "trois"},
		"over a CRLF":                   {"un\r\ndeux", 0, 8, "un\ndeux"},
		"ends between CR and LF":        {"un\r\ndeux", 0, 3, "un\n"},
		"starts between CR and LF":      {"un\r\ndeux", 3, 8, "\ndeux"},
		"after a lone CR":               {"a\rbc", 2, 4, "bc"},
		"word with combining accent":    {"la Re\u0301publique", 3, 14, "République"},
		"after combining accent":        {"e\u0301te\u0301 chaud", 6, 11, "chaud"},
		"ends inside a composed letter": {"cafe\u0301 noir", 0, 4, "café"},
		"starts on the combining mark":  {"cafe\u0301 noir", 4, 5, "é"},
		"emoji before span":             {"🙂 Kyiv", 2, 6, "Kyiv"},
		"Cyrillic breve then name":      {"Андрі\u0438\u0306 Ткаченко", 8, 16, "Ткаченко"},
		"everything before":             {"\uFEFFE\u0301te\u0301\r\n🙂\rfin", 10, 13, "fin"},
		"composed letter then suffix":   {"Re\u0301publique", 0, 11, "République"},
		"prefix of a changed segment":   {"abce\u0301", 1, 3, "bc"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if want := cp(tt.in, tt.start, tt.end); strings.TrimPrefix(want, "\uFEFF") == "" {
				t.Fatalf("bad test: span covers nothing")
			}
			got, m := Normalize(tt.in)
			s, e := m.Start(tt.start), m.End(tt.end)
			if s < 0 || e > utf8.RuneCountInString(got) || s > e {
				t.Fatalf("mapped [%d,%d) to [%d,%d), out of %q", tt.start, tt.end, s, e, got)
			}
			if c := cp(got, s, e); c != tt.want {
				t.Errorf("span [%d,%d) of %q maps to [%d,%d) = %q, want %q", tt.start, tt.end, tt.in, s, e, c, tt.want)
			}
		})
	}
}

func TestMapMonotonic(t *testing.T) {
	in := "\uFEFFa\r\nRe\u0301publique\r🇺🇦 e\u0301\u0323\r\nz"
	_, m := Normalize(in)
	n := utf8.RuneCountInString(in)
	for i := 1; i <= n; i++ {
		if m.Start(i) < m.Start(i-1) || m.End(i) < m.End(i-1) {
			t.Fatalf("map not monotonic at %d: Start %d→%d, End %d→%d", i, m.Start(i-1), m.Start(i), m.End(i-1), m.End(i))
		}
		if m.Start(i) > m.End(i) {
			t.Fatalf("Start(%d) = %d is after End(%d) = %d", i, m.Start(i), i, m.End(i))
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "\uFEFFa\r\nb", "e\u0301", "🙂\r\r\n", "a\u0302\u0323b", "\xff\xfe", "\u0958"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, m := Normalize(s)
		if !IsNormalized(got) {
			t.Fatalf("Normalize(%q) = %q is not normalised", s, got)
		}
		n, gn := utf8.RuneCountInString(s), utf8.RuneCountInString(got)
		if m.Start(0) != 0 || m.End(n) != gn {
			t.Fatalf("map of %q does not span the text: Start(0)=%d End(%d)=%d len=%d", s, m.Start(0), n, m.End(n), gn)
		}
		for i := 0; i <= n; i++ {
			st, e := m.Start(i), m.End(i)
			if st < 0 || e > gn || st > e {
				t.Fatalf("offset %d of %q maps to start %d, end %d (len %d)", i, s, st, e, gn)
			}
			if i > 0 && (st < m.Start(i-1) || e < m.End(i-1)) {
				t.Fatalf("map of %q not monotonic at %d", s, i)
			}
		}
	})
}
