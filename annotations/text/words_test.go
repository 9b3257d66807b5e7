package text

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/assets"
	"github.com/tagdesk/tagdesk/internal/benchdata"
)

// checkWords fails when Words(s) differs from Segment(s).Words().
func checkWords(t *testing.T, s string) {
	t.Helper()
	if got, want := Words(s), Segment(s).Words(); !slices.Equal(got, want) {
		t.Fatalf("Words(%q) = %v, want Segment's %v", s, got, want)
	}
}

func TestWordsMatchesSegment(t *testing.T) {
	tests := map[string]string{
		"French quotes":               "« Nous avons repoussé l’assaut », a-t-il dit.",
		"figures":                     "environ 1.100 pertes, 3,5 % et 40 000 hommes",
		"flag then text":              "Kyiv 🇺🇦🇺🇦🇺 says",
		"emoji ZWJ sequence":          "a 👩‍👩‍👧 b 👍🏽!",
		"combining accents":           "de\u0301ja\u0300 vu e\u0301",
		"combining mark after space":  "a \u0301b  \u0301 c",
		"combining mark at the start": "\u0301\u0301abc",
		"CRLF":                        "a\r\n\r\nb\r",
		"lone CR before LF-less text": "a\rb",
		"prepend mark joins a word":   "\u0600a \u06DD12 x\u0600",
		"Hangul jamo":                 "\u1100\u1161\u11A8 한국어",
		"Devanagari conjunct":         "क्षत्रिय नमस्ते",
		"Thai":                        "ภาษาไทย ok",
		"format characters":           "a\u200Bb\u200Dc\u00ADd\uFEFFe",
		"line and paragraph ends":     "a\u2028b\u2029c\u0085d\v\fe",
		"Cyrillic":                    "Андрій Коваленко заявив",
		"only space":                  " \t\n ",
		"empty":                       "",
		"one ASCII character":         "x",
		"one rune":                    "é",
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) { checkWords(t, s) })
	}
}

func TestWordsMatchesSegmentOnCorpora(t *testing.T) {
	for _, a := range assets.Samples() {
		checkWords(t, a.Text)
	}
	var buf bytes.Buffer
	if err := benchdata.Write(&buf, 20, 10); err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var l struct{ Text string }
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatal(err)
		}
		checkWords(t, l.Text)
	}
}

// TestWordsMatchesSegmentRandom compares the two on random strings of characters that the word
// and grapheme rules treat specially, next to each other and to ASCII.
func TestWordsMatchesSegmentRandom(t *testing.T) {
	pieces := strings.Fields(`a Z 0 9 _ . , ; : ' " - é e` + " \u0301 \u0308 \u200D \u200B \u00AD \uFEFF \u0600 \u06DD " +
		"\U0001F1FA \U0001F1E6 \U0001F469 \U0001F44D \U0001F3FD \u2764 \uFE0F \u00A9 \u1100 \u1161 \u11A8 \uAC00 " +
		"\u0915 \u094D \u0937 \u0E20 \u0E32 \u3042 \u30A2 \u05D0 \u05F4 \u2019 \u00AB \u00BB # * @")
	pieces = append(pieces, " ", "  ", "\t", "\n", "\r", "\r\n", "\u00A0", "\u2028", "\u3000")
	r := rand.New(rand.NewPCG(7, 11))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkWords(t, b.String())
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"", "a b", "e\u0301 \u0301x", "\u0600a", "🇺🇦🇺🇦\r\n", "1.100,5 l’armée"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkWords(t, s) })
}

func BenchmarkWords(b *testing.B) {
	s := strings.Repeat("« Nous avons repoussé l’assaut », a déclaré le porte-parole Андрій Коваленко, évoquant environ 1.100 pertes. ", 1000)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Words(s)
	}
}
