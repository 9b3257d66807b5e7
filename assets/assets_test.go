package assets

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestSamples(t *testing.T) {
	ss := Samples()
	if len(ss) != 5 {
		t.Fatalf("%d samples, want 5", len(ss))
	}
	var all strings.Builder
	for i, s := range ss {
		if i > 0 && ss[i-1].Name >= s.Name {
			t.Errorf("samples out of order: %q before %q", ss[i-1].Name, s.Name)
		}
		if !strings.HasSuffix(s.Name, ".txt") {
			t.Errorf("%s: not a .txt file", s.Name)
		}
		if !utf8.ValidString(s.Text) {
			t.Errorf("%s: not valid UTF-8", s.Name)
		}
		if !norm.NFC.IsNormalString(s.Text) {
			t.Errorf("%s: not in NFC, so import would change it", s.Name)
		}
		if n := utf8.RuneCountInString(s.Text); n < 1200 || n > 3000 {
			t.Errorf("%s: %d characters, want 1,200 to 3,000", s.Name, n)
		}
		if strings.ContainsAny(s.Text, "\r\t\ufeff'\"") {
			t.Errorf("%s: has a CR, tab, BOM or straight quote", s.Name)
		}
		paras := strings.Split(strings.TrimSuffix(s.Text, "\n"), "\n\n")
		if len(paras) < 5 {
			t.Errorf("%s: %d paragraphs, want at least 5 separated by blank lines", s.Name, len(paras))
		}
		for _, p := range paras {
			if p == "" || strings.Contains(p, "\n") || strings.TrimSpace(p) != p {
				t.Errorf("%s: paragraph %q is empty, spans lines or has spaces around it", s.Name, p)
			}
		}
		all.WriteString(s.Text)
	}

	text := all.String()
	for _, want := range []string{"«", "»", "’", "“", "”", "1.100", "240 mm", "155", "%", "3\u00a0000", "3\u202f000", "3 000", "3,000"} {
		if !strings.Contains(text, want) {
			t.Errorf("no sample contains %q", want)
		}
	}
	kinds := map[string]func(rune) bool{
		"a Cyrillic letter": func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) },
		"an emoji":          func(r rune) bool { return unicode.Is(unicode.So, r) && r >= 0x2600 },
		"an accented Latin letter": func(r rune) bool {
			return r > unicode.MaxASCII && unicode.Is(unicode.Latin, r)
		},
	}
	for kind, is := range kinds {
		if strings.IndexFunc(text, is) < 0 {
			t.Errorf("no sample contains %s", kind)
		}
	}
}
