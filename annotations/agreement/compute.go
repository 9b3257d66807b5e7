package agreement

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// Options choose what Compute compares.
type Options struct {
	// Annotators to compare, at least two; empty means every annotator but the gold layer
	// (annotations.Gold), which Compute leaves out unless named here.
	Annotators []string
	// Labels to compare; empty means the project's label set. Spans of other labels are left out.
	Labels []string
	// All compares, for each pair, every document both annotators touched (a status of in progress
	// or done, or spans), not only the documents both marked done.
	All bool
}

// Report is the agreement among the annotators of a project.
//
// Documents: an annotator qualifies for a document when they marked it done, or with Options.All,
// when they touched it. A pair is compared over the documents both qualify for. Fleiss' kappa needs
// every rater on every subject, so it is computed over the documents all the annotators qualify
// for; Krippendorff's alpha over every document at least two qualify for, the others counting as
// missing values.
//
// Tokens: the kappas and alpha are computed over word tokens, the word segments the article view
// uses (text.Words). A token is in a label for an annotator when it shares at least one character
// with one of that annotator's spans of that label, and out otherwise. A span only one annotator
// made counts: its tokens are in for that annotator and out for the others, so leaving spans out
// lowers agreement instead of vanishing from it.
type Report struct {
	Annotators []string
	Labels     []string
	All        bool // Options.All
	Pairs      []Pair
	// FleissKappa by label, over FleissDocuments, those all the annotators qualify for.
	FleissKappa     map[string]Value
	FleissDocuments int
	// KrippendorffAlpha by label (nominal), over KrippendorffDocuments, those at least two qualify for.
	KrippendorffAlpha     map[string]Value
	KrippendorffDocuments int
	// Documents gives, for each document some annotator touched, the mean of the overlap F1 of the
	// pairs that qualify for it, leaving out pairs whose F1 is undefined (neither has a span). It is
	// undefined when fewer than two annotators qualify. WorstDocuments orders them.
	Documents map[int64]Value
}

// Pair is the agreement of two annotators, A = Annotators[0] and B = Annotators[1].
type Pair struct {
	Annotators [2]string `json:"annotators"`
	// Documents both qualify for.
	Documents int `json:"documents"`
	// SpanF1 by mode, pooled over the documents (micro average).
	SpanF1 map[Mode]Scores `json:"span_f1"`
	// CohenKappa by label over word tokens.
	CohenKappa map[string]Value `json:"cohen_kappa"`
	// Confusion of labels of overlapping spans.
	Confusion Confusion `json:"confusion"`
	// RelationF1 pooled over the documents: a relation of A matches one of B when both have the same
	// type and both their spans match exactly (start, end and label). Undefined when neither has a
	// relation.
	RelationF1 Value `json:"relation_f1"`
	// ByDocument holds the span F1 of each compared document, in document order; left out of JSON.
	ByDocument []DocumentF1 `json:"-"`
}

// Scores are one mode's span F1 overall and by label.
//
// In the label-aware modes (exact, overlap) ByLabel[l] compares only the spans labelled l. In the
// modes that ignore labels (exact_span, overlap_span) a matched pair and a span only A has count for
// A's label, and a span only B has for B's label: the counts by label add up to the overall ones,
// and where A and B label a matched span differently the Confusion tells it.
type Scores struct {
	Overall Value            `json:"overall"`
	ByLabel map[string]Value `json:"by_label"`
}

// DocumentF1 is the span F1 of one document, by mode.
type DocumentF1 struct {
	Document int64
	F1       map[Mode]Value
}

// MarshalJSON writes the report as an object with exactly the keys pairs, fleiss_kappa and
// krippendorff_alpha.
func (r *Report) MarshalJSON() ([]byte, error) {
	pairs := r.Pairs
	if pairs == nil {
		pairs = []Pair{}
	}
	return json.Marshal(struct {
		Pairs             []Pair           `json:"pairs"`
		FleissKappa       map[string]Value `json:"fleiss_kappa"`
		KrippendorffAlpha map[string]Value `json:"krippendorff_alpha"`
	}{pairs, r.FleissKappa, r.KrippendorffAlpha})
}

// WorstDocuments returns the ids of Documents from the lowest agreement up, the undefined ones last,
// ties in id order: where a reviewer should start.
func (r *Report) WorstDocuments() []int64 {
	ids := make([]int64, 0, len(r.Documents))
	for id := range r.Documents {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y int64) int {
		if c := CompareWorst(r.Documents[x], r.Documents[y]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	return ids
}

// NameError reports annotators or labels that Options names and the project does not have.
type NameError struct {
	Kind    string // "annotator" or "label"
	Unknown []string
	Known   []string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("unknown %s %s (the %ss are: %s)", e.Kind, quoteAll(e.Unknown), e.Kind, strings.Join(e.Known, ", "))
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// Compute measures the agreement among the annotators opts selects, reading the project once. The
// documents are segmented and compared on as many goroutines as GOMAXPROCS allows. A name in opts
// that the project lacks gives an *annotations.Error wrapping a *NameError.
func Compute(ctx context.Context, p *annotations.Project, opts Options) (*Report, error) {
	annotators, labels, err := resolve(ctx, p, opts)
	if err != nil {
		return nil, err
	}
	c := newComputation(annotators, labels, opts.All)
	r := &Report{Annotators: annotators, Labels: labels, All: opts.All, Documents: map[int64]Value{}}
	if len(annotators) < 2 {
		return c.report(r, nil), nil
	}

	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, 4*workers)
	tallies := make([]*tally, workers)
	var wg sync.WaitGroup
	for w := range tallies {
		t := c.newTally()
		tallies[w] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				t.add(j)
			}
		}()
	}
	err = p.EachAnnotated(ctx, annotators, func(d *annotations.AnnotatedDocument) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if j := c.job(d); j != nil {
			jobs <- j
		} else {
			r.Documents[d.ID] = Value{}
		}
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("agreement: %w", err)
	}
	return c.report(r, tallies), nil
}

// resolve returns the annotators and labels opts selects, checking the names.
func resolve(ctx context.Context, p *annotations.Project, opts Options) (annotators, labels []string, err error) {
	as, err := p.Annotators(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("agreement: %w", err)
	}
	var known []string
	for _, a := range as {
		known = append(known, a.Name)
	}
	slices.Sort(known)
	if len(opts.Annotators) == 0 {
		annotators = slices.DeleteFunc(slices.Clone(known), func(n string) bool { return n == annotations.Gold })
	} else if annotators, err = checkNames("annotator", opts.Annotators, known); err != nil {
		return nil, nil, err
	}
	ls, err := p.Labels(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("agreement: %w", err)
	}
	var all []string
	for _, l := range ls {
		all = append(all, l.Name)
	}
	if len(opts.Labels) == 0 {
		return annotators, all, nil
	}
	labels, err = checkNames("label", opts.Labels, all)
	return annotators, labels, err
}

// checkNames returns names without repeats, or an error naming those not among known.
func checkNames(kind string, names, known []string) ([]string, error) {
	var out, unknown []string
	for _, n := range names {
		switch {
		case !slices.Contains(known, n):
			if !slices.Contains(unknown, n) {
				unknown = append(unknown, n)
			}
		case !slices.Contains(out, n):
			out = append(out, n)
		}
	}
	if len(unknown) == 0 {
		return out, nil
	}
	ne := &NameError{Kind: kind, Unknown: unknown, Known: known}
	what := "is no " + kind
	if len(unknown) > 1 {
		what = "are no " + kind + "s"
	}
	if len(known) == 0 {
		return nil, &annotations.Error{Message: fmt.Sprintf("There %s named %s: this project has no %ss yet.",
			what, quoteAll(unknown), kind), Err: ne}
	}
	return nil, &annotations.Error{Message: fmt.Sprintf("There %s named %s in this project (there are: %s).",
		what, quoteAll(unknown), strings.Join(known, ", ")), Err: ne}
}

// computation holds what every document's comparison needs.
type computation struct {
	annotators []string
	labels     []string
	all        bool
	annotator  map[string]int // name → index
	label      map[string]int
	pairs      [][2]int // indexes of A and B
}

func newComputation(annotators, labels []string, all bool) *computation {
	c := &computation{annotators: annotators, labels: labels, all: all, annotator: map[string]int{}, label: map[string]int{}}
	for i, a := range annotators {
		c.annotator[a] = i
		for j := i + 1; j < len(annotators); j++ {
			c.pairs = append(c.pairs, [2]int{i, j})
		}
	}
	for i, l := range labels {
		c.label[l] = i
	}
	return c
}

// job is one document to compare, copied out of the export. The export runs on one goroutine and
// sets the pace, so it only copies: the workers sort the spans out.
type job struct {
	id        int64
	text      string
	qualify   []bool // by annotator
	nQualify  int
	all       []annotations.Span
	relations []annotations.AnnotatedRelation
}

// job returns the document to compare, or nil when fewer than two annotators qualify for it.
func (c *computation) job(d *annotations.AnnotatedDocument) *job {
	j := &job{id: d.ID, text: d.Text, qualify: make([]bool, len(c.annotators))}
	for a, name := range c.annotators {
		st, touched := d.Statuses[name]
		if st == annotations.StatusDone || c.all && touched {
			j.qualify[a] = true
			j.nQualify++
		}
	}
	if j.nQualify < 2 {
		return nil
	}
	j.all = slices.Clone(d.Spans)
	j.relations = slices.Clone(d.Relations)
	return j
}

// spans returns the spans of j by annotator, in text order, leaving out those of annotators who do
// not qualify and of labels not compared.
func (c *computation) spans(j *job) [][]span {
	out := make([][]span, len(c.annotators))
	for _, s := range j.all {
		a, ok := c.annotator[s.Annotator]
		l, known := c.label[s.Label]
		if ok && known && j.qualify[a] {
			out[a] = append(out[a], span{s.Start, s.End, l})
		}
	}
	for _, ss := range out {
		slices.SortFunc(ss, compareSpans)
	}
	return out
}

// tally accumulates one worker's counts.
type tally struct {
	c     *computation
	pairs []pairTally
	// fleiss[l][k] counts the tokens of documents all annotators qualify for that k of them put in
	// label l; kripp[l][m][k] the tokens of documents m annotators qualify for that k of them put in l.
	fleiss    [][]int
	fleissDoc int
	kripp     [][][]int
	krippDoc  int
	documents map[int64]Value
	marks     []bool // by annotator, label and token
}

type pairTally struct {
	documents  int
	counts     [][]Counts // by mode and label
	cohen      [][2][2]int
	confusion  Confusion
	byDocument []DocumentF1
	relations  Counts
}

func (c *computation) newTally() *tally {
	nl, na := len(c.labels), len(c.annotators)
	t := &tally{c: c, documents: map[int64]Value{}, fleiss: make([][]int, nl), kripp: make([][][]int, nl)}
	for l := range nl {
		t.fleiss[l] = make([]int, na+1)
		t.kripp[l] = make([][]int, na+1)
		for m := range na + 1 {
			t.kripp[l][m] = make([]int, m+1)
		}
	}
	t.pairs = make([]pairTally, len(c.pairs))
	for i := range t.pairs {
		pt := &t.pairs[i]
		pt.counts = make([][]Counts, len(Modes))
		for m := range Modes {
			pt.counts[m] = make([]Counts, nl)
		}
		pt.cohen = make([][2][2]int, nl)
		pt.confusion = newConfusion(c.labels)
	}
	return t
}

// add compares one document.
func (t *tally) add(j *job) {
	c := t.c
	nl, na := len(c.labels), len(c.annotators)
	words := text.Words(j.text)
	nt := len(words)
	spans := c.spans(j)
	if need := na * nl * nt; cap(t.marks) < need {
		t.marks = make([]bool, need)
	} else {
		t.marks = t.marks[:need]
		clear(t.marks)
	}
	mark := func(a, l int) []bool { return t.marks[(a*nl+l)*nt : (a*nl+l+1)*nt] }
	for a, ss := range spans {
		for _, s := range ss {
			m := mark(a, s.label)
			for k := sort.Search(nt, func(k int) bool { return words[k].End > s.start }); k < nt && words[k].Start < s.end; k++ {
				m[k] = true
			}
		}
	}

	relations := c.relations(j)
	var sum float64
	var defined int
	for p, ab := range c.pairs {
		a, b := ab[0], ab[1]
		if !j.qualify[a] || !j.qualify[b] {
			continue
		}
		pt := &t.pairs[p]
		pt.documents++
		doc := t.compare(pt, spans[a], spans[b])
		f1 := make(map[Mode]Value, len(Modes))
		for m, mode := range Modes {
			f1[mode] = doc[m].F1()
		}
		pt.byDocument = append(pt.byDocument, DocumentF1{j.id, f1})
		pt.relations = pt.relations.add(compareRelations(relations[a], relations[b]))
		if v := f1[Overlap]; v.Defined {
			sum += v.V
			defined++
		}
		for l := range nl {
			ma, mb := mark(a, l), mark(b, l)
			for k := range nt {
				pt.cohen[l][b2i(ma[k])][b2i(mb[k])]++
			}
		}
	}
	t.documents[j.id] = ratio(sum, float64(defined))

	t.krippDoc++
	if j.nQualify == na {
		t.fleissDoc++
	}
	for l := range nl {
		hist := t.kripp[l][j.nQualify]
		for k := range nt {
			in := 0
			for a := range na {
				if j.qualify[a] && mark(a, l)[k] {
					in++
				}
			}
			hist[in]++
			if j.nQualify == na {
				t.fleiss[l][in]++
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// relationKey is a relation as agreement compares it.
type relationKey struct {
	from, to span
	typ      string
}

// relations returns the relations of j by annotator as sets, leaving out those of annotators who do
// not qualify and those with a span of a label not compared.
func (c *computation) relations(j *job) []map[relationKey]bool {
	out := make([]map[relationKey]bool, len(c.annotators))
	for _, r := range j.relations {
		a, ok := c.annotator[r.Annotator]
		lf, knownFrom := c.label[r.From.Label]
		lt, knownTo := c.label[r.To.Label]
		if !ok || !knownFrom || !knownTo || !j.qualify[a] {
			continue
		}
		if out[a] == nil {
			out[a] = map[relationKey]bool{}
		}
		out[a][relationKey{span{r.From.Start, r.From.End, lf}, span{r.To.Start, r.To.End, lt}, r.Type}] = true
	}
	return out
}

// compareRelations counts the relations of a that b has too (TP), those only a has (FN) and those
// only b has (FP), as compare counts spans.
func compareRelations(a, b map[relationKey]bool) Counts {
	var n Counts
	for k := range a {
		if b[k] {
			n.TP++
		} else {
			n.FN++
		}
	}
	n.FP = len(b) - n.TP
	return n
}

// compare matches a document's spans of a pair in every mode, adds the counts to pt, and returns the
// document's counts by mode.
func (t *tally) compare(pt *pairTally, a, b []span) []Counts {
	cands := candidates(a, b)
	doc := make([]Counts, len(Modes))
	none := len(t.c.labels)
	for m, mode := range Modes {
		ma, mb := matchOne(a, b, cands, mode)
		byLabel := pt.counts[m]
		for i, j := range ma {
			l := a[i].label
			if j >= 0 {
				byLabel[l].TP++
				doc[m].TP++
				if mode == OverlapSpan {
					pt.confusion.Counts[l][b[j].label]++
				}
			} else {
				byLabel[l].FN++
				doc[m].FN++
				if mode == OverlapSpan {
					pt.confusion.Counts[l][none]++
				}
			}
		}
		for j, i := range mb {
			if i < 0 {
				l := b[j].label
				byLabel[l].FP++
				doc[m].FP++
				if mode == OverlapSpan {
					pt.confusion.Counts[none][l]++
				}
			}
		}
	}
	return doc
}

// report adds the tallies up into r.
func (c *computation) report(r *Report, tallies []*tally) *Report {
	nl, na := len(c.labels), len(c.annotators)
	total := c.newTally()
	for _, t := range tallies {
		total.fleissDoc += t.fleissDoc
		total.krippDoc += t.krippDoc
		for l := range nl {
			for k, n := range t.fleiss[l] {
				total.fleiss[l][k] += n
			}
			for m := range t.kripp[l] {
				for k, n := range t.kripp[l][m] {
					total.kripp[l][m][k] += n
				}
			}
		}
		for p := range c.pairs {
			pt, tp := &total.pairs[p], &t.pairs[p]
			pt.documents += tp.documents
			for m := range Modes {
				for l := range nl {
					pt.counts[m][l] = pt.counts[m][l].add(tp.counts[m][l])
				}
			}
			for l := range nl {
				for x := range 2 {
					for y := range 2 {
						pt.cohen[l][x][y] += tp.cohen[l][x][y]
					}
				}
			}
			for x := range tp.confusion.Counts {
				for y, n := range tp.confusion.Counts[x] {
					pt.confusion.Counts[x][y] += n
				}
			}
			pt.byDocument = append(pt.byDocument, tp.byDocument...)
			pt.relations = pt.relations.add(tp.relations)
		}
		for id, v := range t.documents {
			r.Documents[id] = v
		}
	}

	for p, ab := range c.pairs {
		pt := &total.pairs[p]
		pair := Pair{Annotators: [2]string{c.annotators[ab[0]], c.annotators[ab[1]]}, Documents: pt.documents,
			SpanF1: map[Mode]Scores{}, CohenKappa: map[string]Value{}, Confusion: pt.confusion, ByDocument: pt.byDocument,
			RelationF1: pt.relations.F1()}
		slices.SortFunc(pair.ByDocument, func(x, y DocumentF1) int { return cmp.Compare(x.Document, y.Document) })
		for m, mode := range Modes {
			s := Scores{ByLabel: map[string]Value{}}
			var all Counts
			for l, name := range c.labels {
				s.ByLabel[name] = pt.counts[m][l].F1()
				all = all.add(pt.counts[m][l])
			}
			s.Overall = all.F1()
			pair.SpanF1[mode] = s
		}
		for l, name := range c.labels {
			m := pt.cohen[l]
			pair.CohenKappa[name] = CohenKappa([][]int{{m[0][0], m[0][1]}, {m[1][0], m[1][1]}})
		}
		r.Pairs = append(r.Pairs, pair)
	}

	r.FleissDocuments, r.KrippendorffDocuments = total.fleissDoc, total.krippDoc
	r.FleissKappa, r.KrippendorffAlpha = map[string]Value{}, map[string]Value{}
	// What the histograms count is the same for every label, so are their rows and units: Fleiss'
	// row k is a token k of the na annotators put in the label; Krippendorff's unit (m, k) a token m
	// annotators qualify for, k of whom put it in the label.
	rows := make([][]int, na+1)
	for k := range rows {
		rows[k] = []int{na - k, k}
	}
	var units [][]int
	for m := range na + 1 {
		for k := range m + 1 {
			unit := make([]int, m)
			for i := range k {
				unit[i] = 1
			}
			units = append(units, unit)
		}
	}
	weights := make([]int, 0, len(units))
	for l, name := range c.labels {
		r.FleissKappa[name] = Value{}
		if na >= 2 {
			r.FleissKappa[name] = fleissKappa(rows, total.fleiss[l])
		}
		weights = weights[:0]
		for _, hist := range total.kripp[l] {
			weights = append(weights, hist...)
		}
		r.KrippendorffAlpha[name] = krippendorff(units, weights)
	}
	return r
}
