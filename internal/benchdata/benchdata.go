// Package benchdata writes a reproducible corpus of annotated articles in Tagdesk JSONL for
// benchmarks: war-reporting-like French and English text with accents, quotes and figures, and
// nested and overlapping spans of two annotators.
package benchdata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

var words = strings.Fields(`selon l’état-major les forces russes ont perdu environ 1.100 hommes près de
	Bakhmout « nous avons repoussé l’assaut » a déclaré le porte-parole des lance-roquettes de 240 mm
	ont été détruits Kyiv said 40 Shahed drones were shot down overnight officials said the brigade
	Олександр Сирський artillery plusieurs milliers de soldats la ligne de front Zaporijjia drones
	HIMARS obus d’artillerie the ministry claimed 12 tanks were destroyed près de Kharkiv 🇺🇦`)

var labels = []string{"actor", "figure", "weapon", "claim"}

// Write writes docs documents of about 4,000 characters, each with spansPerDoc spans, to w.
func Write(w io.Writer, docs, spansPerDoc int) error {
	r := rand.New(rand.NewPCG(1, 2))
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	type span struct {
		Start     int    `json:"start"`
		End       int    `json:"end"`
		Label     string `json:"label"`
		Annotator string `json:"annotator"`
	}
	type line struct {
		ID    string `json:"id"`
		Text  string `json:"text"`
		Spans []span `json:"spans"`
	}
	for d := range docs {
		var b strings.Builder
		var starts []int // code point offset of each word
		n := 0
		for n < 4000 {
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
		l := line{ID: fmt.Sprintf("doc-%05d", d), Text: b.String()}
		seen := map[span]bool{}
		for len(l.Spans) < spansPerDoc {
			i := r.IntN(len(starts))
			j := min(i+r.IntN(6), len(starts)-1) // one to six words, so spans nest and overlap
			s := span{starts[i], ends[j], labels[r.IntN(len(labels))], []string{"alice", "bob"}[r.IntN(2)]}
			if !seen[s] {
				seen[s] = true
				l.Spans = append(l.Spans, s)
			}
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return bw.Flush()
}
