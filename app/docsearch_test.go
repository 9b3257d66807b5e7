package app

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"

	"github.com/tagdesk/tagdesk/annotations"
)

// trickyEntries returns documents whose names and first lines try the search's reasoning: case
// folds beyond ASCII (the Kelvin sign, long s, Greek sigmas, dotless i, ß), Cyrillic and accents,
// decomposed accents, NUL, bytes that are not UTF-8, separators and camel case, empty first lines,
// and many documents with the same name (ties, ordered by position).
func trickyEntries() []annotations.DocumentEntry {
	names := [][2]string{
		{"Kharkiv frappes", "KHARKIV — 3 blessés"},
		{"kelvin \u212Aharkiv", "température 4 \u212A"},
		{"Straße Ströme", "STRASSE ẞ groß"},
		{"Σίσυφος ΣΟΦΟΣ", "σοφός ς σ"},
		{"Istanbul ıi İI", "dotless ı dotted İ"},
		{"Харків обстріл", "ХАРКІВ — поранено 4"},
		{"ХАРКІВ", "харків"},
		{"e\u0301te\u0301", "été decomposed"},
		{"nul\x00hidden kres", "after nul"},
		{"bad \xff\xfe bytes", "\xc3 half"},
		{"camelCaseName", "snake_case-name/path.ext"},
		{"dépêche 42 Kresny", ""},
		{"", "only a first line with kres 42"},
		{"same name", "same line"},
		{"same name", "same line"},
		{"same name", "same line"},
		{"kres 42", "kres 42"},
		{"k r e s 4 2", "k\nr"},
		{"2024-03-12 AFP Kresny frappes", "KRESNY, 12 mars (AFP) — 42 blessés"},
		{"🇺🇦 drone", "emoji \U0001F600 line"},
	}
	out := make([]annotations.DocumentEntry, len(names))
	for i, n := range names {
		out[i] = annotations.DocumentEntry{ID: int64(i + 1), Name: n[0], FirstLine: n[1]}
	}
	return out
}

// queryAlphabet is what random queries are made of: letters of the documents and their case folds.
var queryAlphabet = []rune("aeiknrsKREShkv42 -_./\n\x00\u212AſßẞσςΣΣıİiIéÉe\u0301ХхаАКк🇺\xff" + "\uFFFD")

// wantSearch returns what a search for q over docs lists, worked out the plain way: fuzzy.FindFrom
// over the names, then the positions of the other documents whose first line holds q, ascending,
// with where (in characters) each first holds it.
func wantSearch(q string, docs []annotations.DocumentEntry) (names fuzzy.Matches, lines, at []int) {
	hay := make([]string, len(docs))
	for k, d := range docs {
		hay[k] = d.Name
	}
	names = fuzzy.Find(q, hay)
	named := map[int]bool{}
	for _, m := range names {
		named[m.Index] = true
	}
	for k, d := range docs {
		if i := holdsAt(d.FirstLine, q); i >= 0 && !named[k] {
			lines, at = append(lines, k), append(at, i)
		}
	}
	return names, lines, at
}

// holdsAt returns the first character of line from which the characters of q follow, each equal to
// the line's under foldRune, or -1.
func holdsAt(line, q string) int {
	l, qr := []rune(line), []rune(q)
	for i := 0; i+len(qr) <= len(l); i++ {
		j := 0
		for j < len(qr) && foldRune(l[i+j]) == foldRune(qr[j]) {
			j++
		}
		if j == len(qr) {
			return i
		}
	}
	return -1
}

// checkSearch checks that x's search for q over docs (the documents x holds) gives what wantSearch
// gives: the same documents in the same order, the names with the same scores and the same matched
// bytes, and the first lines held where they first hold q.
func checkSearch(t *testing.T, x *docIndex, docs []annotations.DocumentEntry, q string, stale bool) {
	t.Helper()
	s := x.search(q)
	r := s.run(func() bool { return stale })
	if stale {
		if r != nil {
			t.Fatalf("%q: a stale search gave a result", q)
		}
		return
	}
	x.keep(s, r)
	names, lines, at := wantSearch(q, docs)
	got := make([]string, len(r.order))
	for i, k := range r.order {
		if i < len(r.scores) {
			got[i] = fmt.Sprintf("%d:%d", k, r.scores[i])
		} else {
			got[i] = fmt.Sprintf("%d:line", k)
		}
	}
	var want []string
	for _, m := range names {
		want = append(want, fmt.Sprintf("%d:%d", m.Index, m.Score))
	}
	for _, k := range lines {
		want = append(want, fmt.Sprintf("%d:line", k))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%q over %d documents (base %v, line base %v): got position:score %v, want %v", q, len(x.hay), baseQuery(s.base), baseQuery(s.lineBase), head(got), head(want))
	}
	for _, m := range names[:min(len(names), 40)] {
		if marks := x.marks(q, m.Index); !slices.Equal(marks, m.MatchedIndexes) {
			t.Fatalf("%q: document %d marks bytes %v, fuzzy.FindFrom %v", q, m.Index, marks, m.MatchedIndexes)
		}
	}
	for i, k := range lines[:min(len(lines), 40)] {
		line := docs[k].FirstLine
		start, end := lineMatch(q, line)
		if a, b := utf8.RuneCountInString(line[:max(start, 0)]), utf8.RuneCountInString(line[:max(end, 0)]); start < 0 || a != at[i] || b != at[i]+utf8.RuneCountInString(q) {
			t.Fatalf("%q: document %d's first line %q holds it at bytes [%d, %d), want characters [%d, %d)", q, k, line, start, end, at[i], at[i]+utf8.RuneCountInString(q))
		}
	}
}

func baseQuery(r *docResult) any {
	if r == nil {
		return nil
	}
	return fmt.Sprintf("%q of %d", r.query, r.upto)
}

func head(s []string) []string { return s[:min(len(s), 12)] }

// TestDocSearchMatchesFuzzy runs sequences of queries as people type them (growing one character at
// a time, backspaced, edited in the middle, replaced) and random ones over documents that arrive
// page by page and change, and checks each result against fuzzy.FindFrom over every name followed by
// the other documents whose first line holds the query, found character by character.
func TestDocSearchMatchesFuzzy(t *testing.T) {
	corpora := map[string]struct {
		docs  []annotations.DocumentEntry
		steps int
	}{
		"tricky":   {trickyEntries(), 1500},
		"dispatch": {append(newsEntries(9000), trickyEntries()...), 120}, // enough to be split over the cores
	}
	for name, c := range corpora {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(c.docs))))
			var x docIndex
			docs := slices.Clone(c.docs) // as x holds them, renamed
			loaded := len(c.docs) / 2
			x.add(c.docs[:loaded])
			randomQuery := func() string {
				var b strings.Builder
				for range 1 + r.IntN(6) {
					b.WriteRune(queryAlphabet[r.IntN(len(queryAlphabet))])
				}
				return b.String()
			}
			// typed queries: words of the documents and random strings
			var words []string
			for _, d := range c.docs[:min(len(c.docs), 200)] {
				words = append(words, strings.Fields(d.Name+" "+d.FirstLine)...)
			}
			q := ""
			for step := 0; step < c.steps; step++ {
				switch k := r.IntN(10); {
				case k < 4 && q != "" && utf8.RuneCountInString(q) < 20: // type a character
					q += string(queryAlphabet[r.IntN(len(queryAlphabet))])
				case k < 6 && q != "": // backspace
					rs := []rune(q)
					q = string(rs[:len(rs)-1])
				case k < 7 && q != "": // an edit in the middle
					rs := []rune(q)
					i := r.IntN(len(rs))
					q = string(rs[:i]) + string(queryAlphabet[r.IntN(len(queryAlphabet))]) + string(rs[i+1:])
				case k < 8 && len(words) > 0: // a word of a document, typed a character at a time
					w := []rune(words[r.IntN(len(words))])
					for i := range w {
						checkSearch(t, &x, docs[:loaded], string(w[:i+1]), false)
					}
					q = string(w)
				default:
					q = randomQuery()
				}
				if q == "" {
					continue
				}
				switch r.IntN(20) {
				case 0: // the next page of documents, searched for the same query as the last
					if loaded < len(c.docs) {
						checkSearch(t, &x, docs[:loaded], q, false)
						next := min(len(c.docs), loaded+1+r.IntN(len(c.docs)/4+1))
						x.add(docs[loaded:next])
						loaded = next
					}
				case 1: // a document renamed, or its first line changed
					k := r.IntN(loaded)
					if r.IntN(2) == 0 {
						docs[k].Name = randomQuery() + " " + docs[k].Name
					} else {
						docs[k].FirstLine += " " + randomQuery()
					}
					x.set(k, docs[k])
				case 2: // the query typed faster than the search: the search stops and is not kept
					checkSearch(t, &x, docs[:loaded], q, true)
				}
				checkSearch(t, &x, docs[:loaded], q, false)
			}
		})
	}
}

// TestFoldRune checks that two characters fold alike exactly when fuzzy takes them for equal.
func TestFoldRune(t *testing.T) {
	var rs []rune
	for r := rune(0); r < 0x3000; r++ {
		rs = append(rs, r)
	}
	rs = append(rs, 0xA640, 0xA641, 0xFF21, 0xFF41, 0x10400, 0x10428, 0x1E900, 0x1E922, 0x1F600, utf8.RuneError)
	for _, a := range []rune("aAkK\u212AsSſßẞσςΣıIİiéÉхХ\u0345\u03B9\u1FBE0 \n") {
		for _, b := range rs {
			same := fuzzy.Find(string(a), []string{string(b)}) != nil
			if got := foldRune(a) == foldRune(b); got != same {
				t.Errorf("foldRune(%U) == foldRune(%U) is %v; fuzzy matches one to the other: %v", a, b, got, same)
			}
		}
	}
}
