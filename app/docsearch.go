package app

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"

	"github.com/tagdesk/tagdesk/annotations"
)

// docIndex is what the navigator's search runs over: each document's name and first line, made once
// when the document is listed, and the results of recent searches. A search lists first the
// documents whose name fuzzy matches the query, exactly as fuzzy.FindFrom over every name gives them
// (the same documents in the same order, the same letters marked), then, in list order, the other
// documents whose first line holds the query as it was typed, spaces included, ignoring case.
// Matching names fuzzily but first lines only by the words typed keeps the list to what was meant:
// fuzzy matching finds almost any short query somewhere in a line of prose. The search asks fuzzy
// only about the documents whose name can match:
//
//   - fuzzy matches a name when the query's characters appear in it in order, each equal to the
//     name's under simple case folding: its scan moves on to the query's next character at the
//     first place that character follows one taken for the current, so it finds such a subsequence
//     wherever there is one. folded holds each name with every character replaced by the smallest
//     of its case folds, so that a byte search tells which names can match before fuzzy scores them
//     (fuzzy still decides); lines holds the first lines folded alike, so a byte search finds the
//     query's folds in them.
//   - A name matching a query matches every query whose characters are a subsequence of it (so
//     "kresny" narrows the matches of "kres", and "kres 2" those of "kres 42"), and a first line
//     holding a query holds every part of it: a search starts from the smallest recent results of
//     such queries, and a repeated query (a backspace) takes its earlier result as it is.
//
// Names are ordered by score, best first, and among equal scores by position, as fuzzy's stable
// sort leaves them; fuzzy scores each name on its own, so the documents can be scored in any
// grouping, on every core. The navigator owns a docIndex on the UI goroutine; search runs on any
// goroutine.
type docIndex struct {
	hay    []string // the names: the strings fuzzy matches
	firsts []string // the first lines, as listed
	// folded holds hay folded as foldRune does, up to its first NUL (where fuzzy stops reading), and
	// lines firsts folded whole, for the documents hay[:len(folded)]: they are made when the search
	// is first used (see ensure and warm), so that a project opened and never searched does not hold
	// a second copy of every name and first line (about 15 MB for 100,000 documents).
	folded  []string
	lines   []string
	results []*docResult
	version int // counts replaced documents, so that a search over the old ones is not kept
}

// docResult is the result of one search.
type docResult struct {
	query  string
	upto   int   // the search covered the documents hay[:upto]
	names  []int // positions of the documents whose name matches, best first
	scores []int // the score of each, as fuzzy gives it
	lines  []int // positions of the documents whose first line holds the query, ascending
	order  []int // names, then the lines whose name does not match (the navigator shows this slice)
}

// docSearch is a search ready to run off the UI goroutine.
type docSearch struct {
	query    string
	fq       string // query folded, up to its first NUL (as the names are)
	fl       string // query folded whole (as the first lines are)
	nul      bool   // query holds a NUL, which ends fuzzy's reading of a query in ways the prefilter ignores
	hay      []string
	folded   []string
	lines    []string
	base     *docResult // a result whose name matches include every one of query among hay[:base.upto]
	lineBase *docResult // a result whose line matches include every one of query among lines[:lineBase.upto]
	version  int
}

// maxDocResults is how many recent results a docIndex keeps.
const maxDocResults = 16

// add appends entries to the documents searched; once the search is in use, they are folded now.
func (x *docIndex) add(entries []annotations.DocumentEntry) {
	folding := len(x.folded) > 0
	for _, e := range entries {
		x.hay = append(x.hay, e.Name)
		x.firsts = append(x.firsts, e.FirstLine)
	}
	if folding {
		x.ensure()
	}
}

// ensure folds the documents not folded yet.
func (x *docIndex) ensure() {
	folded, lines := foldDocs(x.hay[len(x.folded):], x.firsts[len(x.folded):])
	x.folded, x.lines = append(x.folded, folded...), append(x.lines, lines...)
}

// unfolded returns the documents not folded yet, from position start, for folding elsewhere.
func (x *docIndex) unfolded() (start, version int, names, firsts []string) {
	k := len(x.folded)
	return k, x.version, x.hay[k:], x.firsts[k:]
}

// install takes the folding of the documents from position start that unfolded gave, unless the
// index changed meanwhile.
func (x *docIndex) install(start, version int, folded, lines []string) {
	if x.version == version && len(x.folded) == start && start+len(folded) <= len(x.hay) {
		x.folded, x.lines = append(x.folded, folded...), append(x.lines, lines...)
	}
}

// foldDocs folds names and first lines as the index holds them.
func foldDocs(names, firsts []string) (folded, lines []string) {
	folded, lines = make([]string, len(names)), make([]string, len(names))
	for i := range names {
		folded[i], lines[i] = foldString(names[i]), foldAll(firsts[i])
	}
	return folded, lines
}

// set replaces the document at position k: if its name or first line changed, the recent results
// are forgotten. The slices are copied first, as a running search may be reading them.
func (x *docIndex) set(k int, e annotations.DocumentEntry) {
	if x.hay[k] == e.Name && x.firsts[k] == e.FirstLine {
		return
	}
	x.hay, x.firsts = slices.Clone(x.hay), slices.Clone(x.firsts)
	x.hay[k], x.firsts[k] = e.Name, e.FirstLine
	if k < len(x.folded) {
		x.folded, x.lines = slices.Clone(x.folded), slices.Clone(x.lines)
		x.folded[k], x.lines[k] = foldString(e.Name), foldAll(e.FirstLine)
	}
	x.results = nil
	x.version++
}

// reset forgets every document and result.
func (x *docIndex) reset() { *x = docIndex{version: x.version + 1} }

// search prepares the search for q over the documents listed so far. q must not be empty.
func (x *docIndex) search(q string) docSearch {
	x.ensure()
	s := docSearch{query: q, fq: foldString(q), fl: foldAll(q), nul: strings.ContainsRune(q, 0),
		hay: x.hay, folded: x.folded, lines: x.lines, version: x.version}
	left := func(r *docResult, matches []int) int { return len(matches) + len(x.hay) - r.upto }
	for _, r := range x.results {
		if r.query == q {
			s.base, s.lineBase = r, r
			break
		}
		if !s.nul && !strings.ContainsRune(r.query, 0) && subsequence(s.fq, foldString(r.query)) &&
			(s.base == nil || left(r, r.names) < left(s.base, s.base.names)) {
			s.base = r
		}
		if strings.Contains(s.fl, foldAll(r.query)) && (s.lineBase == nil || left(r, r.lines) < left(s.lineBase, s.lineBase.lines)) {
			s.lineBase = r
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

// marks returns the bytes of document k's name that fuzzy matches to q, for bold type; a row needs
// them only when it comes into view.
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

// lineMatch returns the bytes [start, end) of line where it first holds q as the search finds it
// (ignoring case), or -1, -1 if it does not.
func lineMatch(q, line string) (start, end int) {
	fq := foldAll(q)
	i := strings.Index(foldAll(line), fq)
	if i < 0 {
		return -1, -1
	}
	start, end = -1, len(line)
	at := 0 // where the character at b starts in line folded
	for b, r := range line {
		if at == i {
			start = b
		}
		if at == i+len(fq) {
			end = b
			break
		}
		at += utf8.RuneLen(foldRune(r))
	}
	return start, end
}

// run searches, and returns nil if stale reported true before it finished.
func (s docSearch) run(stale func() bool) *docResult {
	r := &docResult{query: s.query, upto: len(s.hay)}
	cand, old := candidates(s.query, s.base, func(b *docResult) []int { return b.names }, len(s.hay))
	found, ok := split(cand, stale, s.score)
	if !ok || stale() {
		return nil
	}
	r.names, r.scores = rank(found)
	if old {
		r.names, r.scores = merge(s.base.names, s.base.scores, r.names, r.scores)
	}
	cand, old = candidates(s.query, s.lineBase, func(b *docResult) []int { return b.lines }, len(s.hay))
	r.lines, ok = split(cand, stale, s.holding)
	if !ok || stale() {
		return nil
	}
	if old {
		r.lines = append(slices.Clip(s.lineBase.lines), r.lines...)
	}
	named := make([]bool, len(s.hay))
	r.order = slices.Grow(slices.Clip(r.names), len(r.lines))
	for _, k := range r.names {
		named[k] = true
	}
	for _, k := range r.lines {
		if !named[k] {
			r.order = append(r.order, k)
		}
	}
	return r
}

// candidates returns the positions, ascending, of the n documents that may match query, given
// base: its matches among the documents it covered (as matches gives them, in any order) and the
// documents listed since; all of them without a base. If base is query's own earlier result, only
// the documents listed since are candidates, and old is true: base's matches stand as they are.
func candidates(query string, base *docResult, matches func(*docResult) []int, n int) (cand []int, old bool) {
	from := 0
	if base != nil {
		from = base.upto
		if base.query == query {
			old = true
		} else {
			cand = make([]int, 0, len(matches(base))+n-from)
			in := make([]bool, from)
			for _, k := range matches(base) {
				in[k] = true
			}
			for k, ok := range in {
				if ok {
					cand = append(cand, k)
				}
			}
		}
	}
	cand = slices.Grow(cand, n-from)
	for k := from; k < n; k++ {
		cand = append(cand, k)
	}
	return cand, old
}

// split runs work over the positions cand (ascending) split over the cores, and returns what the
// parts found in order, or false if stale reported true meanwhile (work checks it through stop).
func split[T any](cand []int, stale func() bool, work func(chunk []int, stop func() bool) []T) ([]T, bool) {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(cand)/2000))
	found := make([][]T, parts)
	var wg sync.WaitGroup
	var stopped atomic.Bool
	stop := func() bool {
		if stale() {
			stopped.Store(true)
		}
		return stopped.Load()
	}
	for p := range parts {
		chunk := cand[p*len(cand)/parts : (p+1)*len(cand)/parts]
		wg.Go(func() { found[p] = work(chunk, stop) })
	}
	wg.Wait()
	if stopped.Load() {
		return nil, false
	}
	total := 0
	for _, f := range found {
		total += len(f)
	}
	all := make([]T, 0, total)
	for _, f := range found {
		all = append(all, f...)
	}
	return all, true
}

// holding returns the documents at positions chunk whose first line holds the query.
func (s docSearch) holding(chunk []int, stop func() bool) []int {
	out := make([]int, 0, len(chunk))
	for i, k := range chunk {
		if i%4096 == 0 && stop() {
			return nil
		}
		if strings.Contains(s.lines[k], s.fl) {
			out = append(out, k)
		}
	}
	return out
}

// scored is a document fuzzy matched, with its score.
type scored struct{ k, score int }

// score asks fuzzy about the names at positions chunk (ascending) that pass the prefilter, and
// returns those that match in ascending position.
func (s docSearch) score(chunk []int, stop func() bool) []scored {
	// The prefilter: fuzzy matches a name when the folded query is a subsequence of the folded name.
	may := make([]int, 0, len(chunk))
	for i, k := range chunk {
		if i%4096 == 0 && stop() {
			return nil
		}
		if s.nul || subsequence(s.folded[k], s.fq) {
			may = append(may, k)
		}
	}
	seq := func(yield func(string) bool) {
		for i, k := range may {
			if i%512 == 0 && stop() {
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
	return out
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

// foldString returns s up to its first NUL folded as foldAll does: what fuzzy reads of it.
func foldString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return foldAll(s)
}

// foldAll returns s with each character replaced by foldRune's, and each byte that is not UTF-8 by
// U+FFFD, as fuzzy reads it.
func foldAll(s string) string {
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
