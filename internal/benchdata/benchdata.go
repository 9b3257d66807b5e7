// Package benchdata writes a reproducible corpus of annotated articles in Tagdesk JSONL for
// benchmarks: war-reporting-like French and English text with accents, quotes and figures, and
// nested and overlapping spans of two or more annotators.
package benchdata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"
)

var words = strings.Fields(`selon l’état-major les forces russes ont perdu environ 1.100 hommes près de
	Bakhmout « nous avons repoussé l’assaut » a déclaré le porte-parole des lance-roquettes de 240 mm
	ont été détruits Kyiv said 40 Shahed drones were shot down overnight officials said the brigade
	Олександр Сирський artillery plusieurs milliers de soldats la ligne de front Zaporijjia drones
	HIMARS obus d’artillerie the ministry claimed 12 tanks were destroyed près de Kharkiv 🇺🇦`)

var labels = []string{"actor", "figure", "weapon", "claim"}

// Options say what WriteOptions writes. A zero field takes the default that Write uses.
type Options struct {
	Docs int
	// Spans is how many spans a document has in all, or with Shared, how many each annotator has.
	Spans int
	// TotalSpans, when set, replaces Spans: the corpus has that many spans in all, spread evenly
	// over the documents (the first TotalSpans mod Docs documents have one more). With Shared, each
	// document's share is split among its annotators.
	TotalSpans int
	// Annotators own the spans; default alice and bob.
	Annotators []string
	// MinChars and MaxChars bound a document's length in characters (before the document's number
	// that ends it); default 4,000 each.
	MinChars, MaxChars int
	// Status, when set, is every annotator's status of every document, such as "done".
	Status string
	// Shared has the annotators annotate alike, as people following one guideline do: each
	// annotator's spans are mostly drawn from spans the document shares among them, some with an end
	// moved by a word or another label, and the rest are the annotator's own.
	Shared bool
}

type span struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Label     string `json:"label"`
	Annotator string `json:"annotator"`
}

type line struct {
	ID     string            `json:"id"`
	Text   string            `json:"text"`
	Spans  []span            `json:"spans"`
	Status map[string]string `json:"status,omitempty"`
}

// Write writes docs documents of about 4,000 characters, each with spansPerDoc spans of alice and
// bob, to w.
func Write(w io.Writer, docs, spansPerDoc int) error {
	return WriteOptions(w, Options{Docs: docs, Spans: spansPerDoc})
}

// WriteOptions writes the corpus o describes to w; the same options always give the same bytes.
func WriteOptions(w io.Writer, o Options) error {
	if len(o.Annotators) == 0 {
		o.Annotators = []string{"alice", "bob"}
	}
	if o.MinChars == 0 {
		o.MinChars = 4000
	}
	o.MaxChars = max(o.MaxChars, o.MinChars)
	r := rand.New(rand.NewPCG(1, 2))
	lengths := rand.New(rand.NewPCG(3, 4)) // apart, so that Write's corpus stays as it was
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for d := range o.Docs {
		target := o.MinChars
		if o.MaxChars > o.MinChars {
			target += lengths.IntN(o.MaxChars - o.MinChars + 1)
		}
		var b strings.Builder
		var starts []int // code point offset of each word
		n := 0
		for n < target {
			if len(starts) > 0 {
				sep := " "
				if r.IntN(12) == 0 {
					sep = ".\n"
				}
				b.WriteString(sep)
				n += utf8.RuneCountInString(sep)
			}
			w := words[r.IntN(len(words))]
			starts = append(starts, n)
			b.WriteString(w)
			n += utf8.RuneCountInString(w)
		}
		fmt.Fprintf(&b, " (%d)", d) // every text distinct
		ends := make([]int, len(starts))
		for i := range starts {
			if i+1 < len(starts) {
				ends[i] = starts[i+1] - 1
			} else {
				ends[i] = n
			}
		}
		// random returns a span of one to six words, so that spans nest and overlap
		random := func(annotator string) span {
			i := r.IntN(len(starts))
			j := min(i+r.IntN(6), len(starts)-1)
			return span{starts[i], ends[j], labels[r.IntN(len(labels))], annotator}
		}
		perDoc := o.Spans
		if o.TotalSpans > 0 {
			perDoc = o.TotalSpans / o.Docs
			if d < o.TotalSpans%o.Docs {
				perDoc++
			}
			if o.Shared {
				perDoc /= len(o.Annotators)
			}
		}
		perDoc = min(perDoc, maxSpans(len(starts), len(o.Annotators), o.Shared))
		l := line{ID: fmt.Sprintf("doc-%05d", d), Text: b.String()}
		seen := map[span]bool{}
		add := func(s span) bool {
			if seen[s] {
				return false
			}
			seen[s] = true
			l.Spans = append(l.Spans, s)
			return true
		}
		if o.Shared {
			pool := make([]span, perDoc)
			for i := range pool {
				pool[i] = random("")
			}
			for _, a := range o.Annotators {
				for i, have := 0, 0; have < perDoc; i++ {
					s := random(a)
					if i < len(pool) && r.IntN(5) > 0 { // four in five from the shared spans
						s = pool[i]
						s.Annotator = a
						switch r.IntN(10) {
						case 0: // the end moved by a word
							if k := slices.Index(ends, s.End) + 1; k > 0 && k < len(ends) {
								s.End = ends[k]
							}
						case 1:
							s.Label = labels[r.IntN(len(labels))]
						}
					}
					if add(s) {
						have++
					}
				}
			}
		} else {
			for len(l.Spans) < perDoc {
				s := random("")
				s.Annotator = o.Annotators[r.IntN(len(o.Annotators))]
				add(s)
			}
		}
		if o.Status != "" {
			l.Status = map[string]string{}
			for _, a := range o.Annotators {
				l.Status[a] = o.Status
			}
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// maxSpans caps a document's spans at half the distinct spans its words can take (one to six words,
// under four labels, of each annotator), so that a request for more ends instead of drawing for ever.
func maxSpans(words, annotators int, shared bool) int {
	n := 0
	for k := 1; k <= 6 && k <= words; k++ {
		n += words - k + 1
	}
	n *= len(labels)
	if !shared {
		n *= annotators
	}
	return n / 2
}

// Annotators returns n annotator names: ana, ben, cleo, then annotator-04 and on.
func Annotators(n int) []string {
	names := []string{"ana", "ben", "cleo", "dan", "eva", "femi", "gus", "hana"}
	out := make([]string, n)
	for i := range out {
		if i < len(names) {
			out[i] = names[i]
		} else {
			out[i] = fmt.Sprintf("annotator-%02d", i+1)
		}
	}
	return out
}
