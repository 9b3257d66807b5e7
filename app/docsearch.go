package app

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"

	"github.com/tagdesk/tagdesk/annotations"
)

// docIndex is what the navigator's fuzzy search runs over: each document's name and first line, made
// once when the document is listed, and the results of recent searches. A search gives exactly what
// fuzzy.FindFrom over every document gives (the same documents in the same order, the same letters
// marked) but asks fuzzy only about the documents that can match:
//
//   - fuzzy matches a document when the query's characters appear in it in order, each equal to the
//     document's under simple case folding: its scan moves on to the query's next character at the
//     first place that character follows one taken for the current, so it finds such a subsequence
//     wherever there is one. folded holds each document with every character replaced by the
//     smallest of its case folds, so that a byte search tells which documents can match before
//     fuzzy scores them (fuzzy still decides).
//   - A document matching a query matches every query whose characters are a subsequence of it (so
//     "kresny" narrows the matches of "kres", and "kres 2" those of "kres 42"): a search starts from
//     the smallest recent result of such a query, and a repeated query (a backspace) takes its
//     earlier result as it is.
//
// Order is by score, best first, and among equal scores by position, as fuzzy's stable sort leaves
// them; fuzzy scores each document on its own, so the documents can be scored in any grouping, on
// every core. The navigator owns a docIndex on the UI goroutine; search runs on any goroutine.
type docIndex struct {
	hay     []string // name, newline, first line: the string fuzzy matches
	folded  []string // hay folded as foldRune does, up to its first NUL (where fuzzy stops reading)
	results []*docResult
	version int // counts replaced documents, so that a search over the old ones is not kept
}

// docResult is the result of one search.
type docResult struct {
	query  string
	upto   int   // the search covered the documents hay[:upto]
	order  []int // positions of the matching documents, best first (the navigator shows this slice)
	scores []int // the score of each, as fuzzy gives it
}

// docSearch is a search ready to run off the UI goroutine.
type docSearch struct {
	query   string
	fq      string // query folded
	nul     bool   // query holds a NUL, which ends fuzzy's reading of a query in ways the prefilter ignores
	hay     []string
	folded  []string
	base    *docResult // a result whose matches include every match of query among hay[:base.upto]
	version int
}

// maxDocResults is how many recent results a docIndex keeps.
const maxDocResults = 16

// add appends entries to the documents searched.
func (x *docIndex) add(entries []annotations.DocumentEntry) {
	for _, e := range entries {
		h := haystack(e)
		x.hay = append(x.hay, h)
		x.folded = append(x.folded, foldString(h))
	}
}

// set replaces the document at position k: if its name or first line changed, the recent results
// are forgotten. The slices are copied first, as a running search may be reading them.
func (x *docIndex) set(k int, e annotations.DocumentEntry) {
	h := haystack(e)
	if x.hay[k] == h {
		return
	}
	x.hay, x.folded = append([]string(nil), x.hay...), append([]string(nil), x.folded...)
	x.hay[k], x.folded[k] = h, foldString(h)
	x.results = nil
	x.version++
}

// reset forgets every document and result.
func (x *docIndex) reset() { *x = docIndex{version: x.version + 1} }

// search prepares the search for q over the documents listed so far. q must not be empty.
func (x *docIndex) search(q string) docSearch {
	s := docSearch{query: q, fq: foldString(q), nul: strings.ContainsRune(q, 0), hay: x.hay, folded: x.folded, version: x.version}
	for _, r := range x.results {
		if r.query == q {
			s.base = r
			break
		}
		if s.nul || strings.ContainsRune(r.query, 0) || !subsequence(s.fq, foldString(r.query)) {
			continue
		}
		if s.base == nil || len(r.order)+len(x.hay)-r.upto < len(s.base.order)+len(x.hay)-s.base.upto {
			s.base = r
		}
	}
	return s
}

// keep remembers r as a recent result, unless the documents changed since its search began.
func (x *docIndex) keep(s docSearch, r *docResult) {
	if s.version != x.version {
		return // a document was replaced meanwhile
	}
	for i, old := range x.results {
		if old.query == r.query {
			x.results = append(x.results[:i], x.results[i+1:]...)
			break
		}
	}
	if len(x.results) == maxDocResults {
		x.results = x.results[1:]
	}
	x.results = append(x.results, r)
}

// marks returns the bytes of document k's name and first line that fuzzy matches to q, for bold
// type; a row needs them only when it comes into view.
func (x *docIndex) marks(q string, k int) []int {
	if q == "" || k >= len(x.hay) {
		return nil
	}
	m := fuzzy.Find(q, x.hay[k:k+1])
	if len(m) == 0 {
		return nil
	}
	return m[0].MatchedIndexes
}

// run searches, and returns nil if stale reported true before it finished.
func (s docSearch) run(stale func() bool) *docResult {
	var old *docResult // the result of this very query over fewer documents
	from := 0
	if s.base != nil {
		from = s.base.upto
		if s.base.query == s.query {
			old = s.base
		}
	}
	// The documents that may match, by position: with a base, its matches and the documents
	// listed since its search (only these for the query's own earlier result); else all.
	var cand []int
	if s.base != nil && old == nil {
		in := make([]bool, from)
		for _, k := range s.base.order {
			in[k] = true
		}
		for k, ok := range in {
			if ok {
				cand = append(cand, k)
			}
		}
	}
	for k := from; k < len(s.hay); k++ {
		cand = append(cand, k)
	}
	found, ok := s.score(cand, stale)
	if !ok || stale() {
		return nil
	}
	r := &docResult{query: s.query, upto: len(s.hay)}
	r.order, r.scores = rank(found)
	if old != nil {
		r.order, r.scores = merge(old.order, old.scores, r.order, r.scores)
	}
	return r
}

// scored is a document fuzzy matched, with its score.
type scored struct{ k, score int }

// score asks fuzzy about the documents at positions cand (ascending) that pass the prefilter, split
// over the cores, and returns those that match in ascending position, or false if stale reported
// true meanwhile.
func (s docSearch) score(cand []int, stale func() bool) ([]scored, bool) {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(cand)/2000))
	found := make([][]scored, parts)
	var wg sync.WaitGroup
	var stopped atomic.Bool
	for p := range parts {
		chunk := cand[p*len(cand)/parts : (p+1)*len(cand)/parts]
		wg.Go(func() {
			// The prefilter: fuzzy matches a document when the folded query is a subsequence
			// of the folded document.
			var may []int
			for i, k := range chunk {
				if i%4096 == 0 && stale() {
					stopped.Store(true)
					return
				}
				if s.nul || subsequence(s.folded[k], s.fq) {
					may = append(may, k)
				}
			}
			seq := func(yield func(string) bool) {
				for i, k := range may {
					if i%512 == 0 && stale() {
						stopped.Store(true)
						return
					}
					if !yield(s.hay[k]) {
						return
					}
				}
			}
			ms := fuzzy.FindFromIterNoSort(s.query, seq)
			out := make([]scored, len(ms))
			for i, m := range ms {
				out[i] = scored{may[m.Index], m.Score}
			}
			found[p] = out
		})
	}
	wg.Wait()
	if stopped.Load() {
		return nil, false
	}
	var all []scored
	for _, f := range found {
		all = append(all, f...)
	}
	return all, true
}

// rank orders found (ascending in position) by score, best first, keeping the order of equal
// scores: what fuzzy's stable sort does, here as a counting sort.
func rank(found []scored) (order, scores []int) {
	if len(found) == 0 {
		return nil, nil
	}
	lo, hi := found[0].score, found[0].score
	for _, f := range found {
		lo, hi = min(lo, f.score), max(hi, f.score)
	}
	start := make([]int, hi-lo+2) // start[hi-score] is where that score's documents begin
	for _, f := range found {
		start[hi-f.score+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	order, scores = make([]int, len(found)), make([]int, len(found))
	for _, f := range found {
		i := start[hi-f.score]
		start[hi-f.score]++
		order[i], scores[i] = f.k, f.score
	}
	return order, scores
}

// merge merges two rankings where every position in the second is after every one in the first.
func merge(o1, s1, o2, s2 []int) (order, scores []int) {
	order, scores = make([]int, 0, len(o1)+len(o2)), make([]int, 0, len(o1)+len(o2))
	i, j := 0, 0
	for i < len(o1) || j < len(o2) {
		if j == len(o2) || i < len(o1) && s1[i] >= s2[j] {
			order, scores = append(order, o1[i]), append(scores, s1[i])
			i++
		} else {
			order, scores = append(order, o2[j]), append(scores, s2[j])
			j++
		}
	}
	return order, scores
}

// haystack is what the search matches of a document: its name, then its first line.
func haystack(e annotations.DocumentEntry) string { return e.Name + "\n" + e.FirstLine }

// subsequence reports whether the characters of q appear in s in order (both folded).
func subsequence(s, q string) bool {
	for _, r := range q {
		var i int
		if r < utf8.RuneSelf {
			i = strings.IndexByte(s, byte(r))
		} else {
			i = strings.IndexRune(s, r)
		}
		if i < 0 {
			return false
		}
		s = s[i+utf8.RuneLen(r):]
	}
	return true
}

// foldString returns s up to its first NUL with each character replaced by foldRune's, and each
// byte that is not UTF-8 by U+FFFD, as fuzzy reads it.
func foldString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = utf8.AppendRune(b, foldRune(r))
	}
	return string(b)
}

// foldRune returns the smallest character equal to r under simple case folding (unicode.SimpleFold's
// orbits, the equality fuzzy uses): 'K' for k, K and the Kelvin sign.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	if int(r) < len(foldTable()) {
		return foldTable()[r]
	}
	return smallestFold(r)
}

// foldTable holds foldRune of every character of the Basic Multilingual Plane.
var foldTable = sync.OnceValue(func() []rune {
	t := make([]rune, 0x10000)
	for r := range t {
		t[r] = smallestFold(rune(r))
	}
	return t
})

func smallestFold(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
