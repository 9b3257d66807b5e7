package text

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
		"two BOMs":                 {"\uFEFF\uFEFFabc", "abc"},
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
			if again != got || !identity(m2, utf8.RuneCountInString(got)) {
				t.Errorf("Normalize is not idempotent on %q: %q", got, again)
			}
			n := utf8.RuneCountInString(tt.in)
			if e := m.End(n); e != utf8.RuneCountInString(got) {
				t.Errorf("End(%d) = %d, want the normalised length %d", n, e, utf8.RuneCountInString(got))
			}
			if tt.in == tt.want && !identity(m, n) {
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

// identity reports whether m leaves every offset up to n where it is.
func identity(m *Map, n int) bool {
	for i := 0; i <= n; i++ {
		if m.Start(i) != i || m.End(i) != i {
			return false
		}
	}
	return true
}

func TestMapMonotonic(t *testing.T) {
	for _, in := range []string{
		"\uFEFFa\r\nRe\u0301publique\r🇺🇦 e\u0301\u0323\r\nz",
		"q" + strings.Repeat("\u0301", 31) + "z", // NFC inserts a combining grapheme joiner
	} {
		checkMap(t, in)
	}
}

// TestMapLongMarkRuns checks text with runs of more than 30 combining marks ("Zalgo" text), where
// NFC inserts U+034F: spans elsewhere keep their exact extent.
func TestMapLongMarkRuns(t *testing.T) {
	zalgo := "Z" + strings.Repeat("\u0301", 31)
	in := zalgo + " met Rene\u0301 in Paris. " + zalgo
	got, m := Normalize(in)
	start := len([]rune(zalgo + " met Rene\u0301 in "))
	s, e := m.Start(start), m.End(start+5)
	if c := string([]rune(got)[s:e]); c != "Paris" {
		t.Errorf("Paris maps to %d-%d = %q", s, e, c)
	}
	if strings.Count(got, "\u034F") != 2 {
		t.Errorf("expected a grapheme joiner in each run: %q", got)
	}
	checkMap(t, in)
}

// checkMap checks the map of in: it spans the whole text, it never goes backwards, a span that covers
// something still does, and a span whose edges normalisation does not cross covers exactly the
// normalised form of what it covered.
func checkMap(t *testing.T, in string) {
	t.Helper()
	got, m := Normalize(in)
	runes, out := []rune(in), []rune(got)
	n := len(runes)
	if m.Start(0) != 0 || m.End(n) != len(out) {
		t.Fatalf("map of %q does not span the text: Start(0)=%d End(%d)=%d, length %d", in, m.Start(0), n, m.End(n), len(out))
	}
	bomRun := len(runes) - len([]rune(strings.TrimLeft(in, "\uFEFF")))
	// a boundary is an offset normalisation does not cross: the character after it starts a
	// normalisation segment, it does not split CR LF, and normalising both sides apart gives the same
	boundary := make([]bool, n+1)
	for i := 0; i <= n; i++ {
		if i > 0 && i < n && (!norm.NFC.PropertiesString(string(runes[i])).BoundaryBefore() || runes[i-1] == '\r' && runes[i] == '\n') {
			continue
		}
		a, _ := Normalize(string(runes[:i]))
		b, _ := Normalize(string(runes[i:]))
		boundary[i] = a+b == got
	}
	for i := 0; i <= n; i++ {
		if s, e := m.Start(i), m.End(i); s < 0 || e > len(out) || (i > 0 && (s < m.Start(i-1) || e < m.End(i-1))) {
			t.Fatalf("map of %q goes backwards or out of the text at %d: Start %d, End %d", in, i, s, e)
		}
		for j := i + 1; j <= n; j++ {
			s, e := m.Start(i), m.End(j)
			if s > e || (s == e && j > bomRun) { // only the leading byte-order marks vanish
				t.Fatalf("span %d-%d of %q maps to %d-%d", i, j, in, s, e)
			}
			if boundary[i] && boundary[j] {
				// what normalisation makes of runes[i:j] in this text: its part of the normalised prefix
				upToJ, _ := Normalize(string(runes[:j]))
				upToI, _ := Normalize(string(runes[:i]))
				want, ok := strings.CutPrefix(upToJ, upToI)
				if !ok {
					t.Fatalf("%q: normalising a longer prefix changed a shorter one", in)
				}
				if c := string(out[s:e]); c != want {
					t.Fatalf("span %d-%d of %q (%q) maps to %d-%d = %q, want %q", i, j, in, string(runes[i:j]), s, e, c, want)
				}
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "\uFEFFa\r\nb", "e\u0301", "🙂\r\r\n", "a\u0302\u0323b", "\xff\xfe", "\u0958",
		"\uFEFF\uFEFFx", "q" + strings.Repeat("\u0301", 31), "a" + strings.Repeat("\u0301\u0323", 20) + "b" + strings.Repeat("\u0302", 35)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := Normalize(s)
		lines := strings.TrimLeft(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\uFEFF")
		if want := norm.NFC.String(lines); got != want {
			t.Fatalf("Normalize(%q) = %q, want the NFC of its lines %q", s, got, want)
		}
		// the segment by segment normalisation must agree with the library without the safety net
		if utf8.ValidString(lines) {
			if bySegments, _ := nfcBySegments(lines); bySegments != norm.NFC.String(lines) {
				t.Fatalf("nfcBySegments(%q) = %q, want %q", lines, bySegments, norm.NFC.String(lines))
			}
		}
		if !IsNormalized(got) {
			t.Fatalf("Normalize(%q) = %q is not normalised", s, got)
		}
		if utf8.RuneCountInString(s) <= 40 { // checkMap is quadratic
			checkMap(t, s)
		}
	})
}
