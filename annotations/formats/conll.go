package formats

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// The token formats, conll and hf, give each token a tag instead of giving spans offsets: what they
// write is tokens and tags, never the text itself. Both are export only.
//
// Tokens are Tagdesk's own (see cutWords): Unicode's word segments (UAX #29, as the article view
// selects words) that are not white space, cut further at every edge of a span written, so that
// every span is a whole run of tokens. Sentences are Unicode's sentences (UAX #29), joined where a
// written span runs from one into the next, so that no span is split. A token belongs to the sentence
// its first character is in. Tags are IOB2: B-label on the first token of a span, I-label on the
// others, O outside spans.
//
// Each (document, annotator) is written on its own, in the order of the export: documents in order,
// and within one the annotators by name. A document nobody annotated is written once, all O. Spans
// of a label outside WriterOptions.Labels are left out. Where spans overlap or nest,
// WriterOptions.Nested chooses: NestedOuter keeps the outermost (taken by start, longest first, a
// span overlapping one kept already is dropped), NestedInner the innermost (shortest first, then by
// start), and NestedColumns gives each label a tag column of its own, where the outer rule applies
// between spans of that label. Notices count what was left out.
//
// conll is CoNLL-2003 style: one token per line, a blank line after each sentence, each (document,
// annotator) opened by a -DOCSTART- line and a blank line:
//
//	-DOCSTART- -X- O O
//
//	Selon -X- -X- O
//	l’état -X- -X- B-actor
//	- -X- -X- I-actor
//	major -X- -X- I-actor
//	, -X- -X- O
//
// The four columns, separated by one space, are CoNLL-2003's token, part of speech, chunk and named
// entity tag. Tagdesk has no part-of-speech or chunk tags: "-X-", the filler CoNLL-2003 itself puts
// in those columns of its -DOCSTART- lines, stands in for both ("_", CoNLL-U's "no value", would do
// as well for the readers below). What the readers people use do with this shape:
//   - the Hugging Face conll2003 loading script splits lines at single spaces, takes the fourth field
//     as the tag and skips lines starting with -DOCSTART-; its part-of-speech and chunk ClassLabels
//     would refuse any filler, so a copy of the script for these files drops those two features;
//   - AllenNLP's conll2003 reader wants exactly four fields and skips lines whose first field is
//     -DOCSTART-;
//   - spaCy's converter (spacy convert --converter ner, or conll) takes the first field as the token
//     and the last as the tag, and the second as each token's fine-grained tag (so its docs get "-X-"
//     there: train no tagger on them). It splits documents only at the exact line
//     "-DOCSTART- -X- O O", which is why that line is written, as in the original CoNLL-2003 files,
//     rather than the "-DOCSTART- -X- -X- O" of Hugging Face's IOB2 copy: spaCy would read that as a
//     sentence holding the token -DOCSTART-, and the documents would run together. The other readers
//     take either line.
//
// With NestedColumns a token line is the token and then one tag column per label, in the order of
// WriterOptions.Labels, without the placeholders: no CoNLL-2003 reader reads several tag columns,
// and so every column after the token is a tag column. spaCy reads the last one. A notice names the
// columns.
//
// A label with spaces in it would split a line into too many columns: in conll tags its spaces
// become "_" ("hate speech" gives B-hate_speech), and a notice says so.

// conllDocStart opens each (document, annotator) of a conll export: spaCy's document delimiter, the
// line of the original CoNLL-2003 files.
const conllDocStart = "-DOCSTART- -X- O O\n\n"

// conllFiller stands in for the part-of-speech and chunk columns, which Tagdesk does not have.
const conllFiller = "-X-"

// conllWriter writes CoNLL-2003-style BIO.
type conllWriter struct {
	*tagger
	w     *bufio.Writer
	names map[string]string // label → the form its conll tags use
	owner map[string]string // that form → the label that has it
}

var _ Noticer = (*conllWriter)(nil)

// NewCoNLLWriter returns a writer of CoNLL-2003-style BIO to w, as the comment at the top of conll.go
// describes. opts.Labels and opts.Nested apply; offsets do not, so opts.Offsets must be CodePoints or
// "".
func NewCoNLLWriter(w io.Writer, opts WriterOptions) (Writer, error) {
	t, err := newTagger(CoNLL, opts)
	if err != nil {
		return nil, err
	}
	cw := &conllWriter{tagger: t, w: bufio.NewWriterSize(w, 1<<16), names: map[string]string{}, owner: map[string]string{}}
	for _, l := range t.labels {
		if _, err := cw.name(l); err != nil {
			return nil, err
		}
	}
	return cw, nil
}

func init() {
	streamWriters[CoNLL] = func(w io.Writer, o WriterOptions) (Writer, error) { return NewCoNLLWriter(w, o) }
}

func (cw *conllWriter) Write(d *annotations.ExportDocument) error {
	return cw.each(d, func(b *block) error {
		cw.w.WriteString(conllDocStart)
		for i := range b.sentences {
			from, to := b.sentence(i)
			for k := from; k < to; k++ {
				cw.w.WriteString(b.words[k])
				if cw.nested != NestedColumns {
					cw.w.WriteString(" " + conllFiller + " " + conllFiller)
				}
				for c := range b.tags {
					tag, err := cw.tag(cw.columnLabels(c), b.tags[c][k])
					if err != nil {
						return err
					}
					cw.w.WriteByte(' ')
					cw.w.WriteString(tag)
				}
				cw.w.WriteByte('\n')
			}
			cw.w.WriteByte('\n')
		}
		return nil
	})
}

func (cw *conllWriter) Close() error { return cw.w.Flush() }

// Notices are the tagger's, then the tag columns with NestedColumns, then the labels whose spaces
// the tags write as "_".
func (cw *conllWriter) Notices() []string {
	out := cw.tagger.notices()
	if cw.nested == NestedColumns && len(cw.labels) > 0 {
		out = append(out, "The tag columns after each token are, in order: "+strings.Join(cw.labels, ", ")+".")
	}
	var renamed []string
	for _, l := range cw.labels {
		if n := cw.names[l]; n != l {
			renamed = append(renamed, fmt.Sprintf("%q as %s", l, n))
		}
	}
	if len(renamed) > 0 {
		out = append(out, "CoNLL tags cannot hold spaces: "+strings.Join(renamed, ", ")+".")
	}
	return out
}

// tag returns the conll form of tag v over the labels of a column (see tagNames).
func (cw *conllWriter) tag(labels []string, v int) (string, error) {
	if v == 0 {
		return "O", nil
	}
	name, err := cw.name(labels[(v-1)/2])
	return tagPrefix(v) + name, err
}

// name returns the form conll tags give label l: its runs of white space become "_". Two labels
// that would get the same form are refused.
func (cw *conllWriter) name(l string) (string, error) {
	if n, ok := cw.names[l]; ok {
		return n, nil
	}
	n := underscoreSpaces(l)
	if other, taken := cw.owner[n]; taken {
		return "", fmt.Errorf("the labels %q and %q would both be written %s in CoNLL tags: rename one", other, l, n)
	}
	cw.names[l], cw.owner[n] = n, l
	return n, nil
}

// TagNames returns the tags of the token formats over opts.Labels, in the order their numbers in hf's
// ner_tags count: O, then B- and I- of each label in turn. With NestedColumns each label's column has
// its own tags instead: LabelTagNames.
func TagNames(opts WriterOptions) []string { return tagNames(opts.Labels) }

// LabelTagNames returns the tags of the column of label with NestedColumns: O, B-label, I-label.
func LabelTagNames(label string) []string { return tagNames([]string{label}) }

func tagNames(labels []string) []string {
	out := make([]string, 1, 1+2*len(labels))
	out[0] = "O"
	for _, l := range labels {
		out = append(out, "B-"+l, "I-"+l)
	}
	return out
}

// tagPrefix is the IOB2 prefix of tag number v > 0: B- for odd numbers, I- for even ones.
func tagPrefix(v int) string {
	if v%2 == 1 {
		return "B-"
	}
	return "I-"
}

// tagger is the core conll and hf share: it turns the spans of each (document, annotator) into
// sentences of tagged tokens, applying the label filter and the rule for nested spans, and counts
// what it leaves out for the notices.
type tagger struct {
	nested string
	labels []string       // the labels written, in tag order
	index  map[string]int // label → its place in labels
	grow   bool           // no labels were given: each label is added when first met

	dropped    int            // spans left out by the rule for nested spans
	blank      int            // spans left out because they hold no word
	unlisted   map[string]int // spans left out because their label is not in labels, by label
	annotators map[string]bool
	relations  relationsLeftOut
}

// newTagger checks the options of format and returns its tagger.
func newTagger(format string, opts WriterOptions) (*tagger, error) {
	if opts.Offsets != "" && opts.Offsets != CodePoints {
		return nil, fmt.Errorf("%s writes tokens, not offsets: %s offsets do not apply", format, opts.Offsets)
	}
	nested := opts.Nested
	if nested == "" {
		nested = NestedOuter
	}
	if !slices.Contains(NestedRules, nested) {
		return nil, fmt.Errorf("unknown rule for nested spans %q (use %s)", nested, strings.Join(NestedRules, ", "))
	}
	if nested == NestedColumns && len(opts.Labels) == 0 {
		return nil, fmt.Errorf("%s with --nested columns needs the labels to write, one column each", format)
	}
	t := &tagger{nested: nested, index: map[string]int{}, grow: len(opts.Labels) == 0,
		unlisted: map[string]int{}, annotators: map[string]bool{}, relations: relationsLeftOut{format: map[string]string{CoNLL: "CoNLL", HF: "Hugging Face JSONL"}[format]}}
	for _, l := range opts.Labels {
		if _, dup := t.index[l]; dup {
			return nil, fmt.Errorf("the label %q is listed twice", l)
		}
		t.index[l] = len(t.labels)
		t.labels = append(t.labels, l)
	}
	return t, nil
}

// Labels returns the labels written, in tag order: WriterOptions.Labels, or when none were given
// the labels of the spans in the order met. Once the export is done, it is what WriteHFTags needs.
func (t *tagger) Labels() []string { return slices.Clone(t.labels) }

// block is one (document, annotator) as the token formats write it.
type block struct {
	annotator string
	tokens    []text.Range
	words     []string // the text of each token
	sentences []int    // the first token of each sentence
	tags      [][]int  // tags[c][k] is the tag number of token k in column c (see tagNames)
}

// sentence returns the tokens [from, to) of sentence i.
func (b *block) sentence(i int) (from, to int) {
	to = len(b.tokens)
	if i+1 < len(b.sentences) {
		to = b.sentences[i+1]
	}
	return b.sentences[i], to
}

// columnLabels returns the labels the tag numbers of column c count over: all of them in tag order,
// or with NestedColumns the label of column c alone.
func (t *tagger) columnLabels(c int) []string {
	if t.nested == NestedColumns {
		return t.labels[c : c+1]
	}
	return t.labels
}

// each calls fn with the block of each annotator of d, or of nobody when nobody annotated d.
func (t *tagger) each(d *annotations.ExportDocument, fn func(*block) error) error {
	x, g := text.NewIndex(d.Text), text.Segment(d.Text)
	words, sentences := g.Words(), g.Sentences()
	t.relations.add(d)
	return eachAnnotator(d, func(a string, spans []annotations.Span) error {
		if a != "" {
			t.annotators[a] = true
		}
		columns := t.columns(spans, words)
		var written []annotations.Span
		for _, col := range columns {
			written = append(written, col...)
		}
		b := &block{annotator: a, tokens: cutWords(words, written)}
		b.words = make([]string, len(b.tokens))
		for k, tok := range b.tokens {
			b.words[k] = x.Slice(tok.Start, tok.End)
		}
		b.sentences = groupSentences(b.tokens, sentences, written)
		b.tags = make([][]int, len(columns))
		for c, col := range columns {
			b.tags[c] = make([]int, len(b.tokens))
			for _, s := range col {
				first, last := tokenRun(b.tokens, s)
				k := t.index[s.Label]
				if t.nested == NestedColumns {
					k = 0
				}
				for i := first; i <= last; i++ {
					b.tags[c][i] = 2 + 2*k // I-
				}
				b.tags[c][first] = 1 + 2*k // B-
			}
		}
		return fn(b)
	})
}

// columns returns which of one annotator's spans are written, per tag column, in text order: those
// of a listed label that some of the words overlap, less those the rule for nested spans drops. (A
// span no word overlaps holds only white space: no token would be in it.)
func (t *tagger) columns(spans []annotations.Span, words []text.Range) [][]annotations.Span {
	var mine []annotations.Span
	for _, s := range spans {
		if _, ok := t.index[s.Label]; !ok {
			if !t.grow {
				t.unlisted[s.Label]++
				continue
			}
			t.index[s.Label] = len(t.labels)
			t.labels = append(t.labels, s.Label)
		}
		if i := sort.Search(len(words), func(i int) bool { return words[i].End > s.Start }); i == len(words) || words[i].Start >= s.End {
			t.blank++
			continue
		}
		mine = append(mine, s)
	}
	if t.nested != NestedColumns {
		kept, dropped := t.keep(mine, t.nested == NestedInner)
		t.dropped += dropped
		return [][]annotations.Span{kept}
	}
	out := make([][]annotations.Span, len(t.labels)) // column c holds the spans of labels[c]
	for _, s := range mine {
		c := t.index[s.Label]
		out[c] = append(out[c], s)
	}
	for c, col := range out {
		kept, dropped := t.keep(col, false)
		t.dropped += dropped
		out[c] = kept
	}
	return out
}

// keep applies the rule for nested spans to spans: taken longest first by start (outer) or shortest
// first, then by start (inner), ties by tag order, a span is kept unless it overlaps one kept already.
// It returns the spans kept in text order and how many it dropped.
func (t *tagger) keep(spans []annotations.Span, inner bool) ([]annotations.Span, int) {
	order := slices.Clone(spans)
	slices.SortStableFunc(order, func(a, b annotations.Span) int {
		la, lb := a.End-a.Start, b.End-b.Start
		if inner {
			if la != lb {
				return la - lb
			}
			if a.Start != b.Start {
				return a.Start - b.Start
			}
		} else {
			if a.Start != b.Start {
				return a.Start - b.Start
			}
			if la != lb {
				return lb - la
			}
		}
		return t.index[a.Label] - t.index[b.Label]
	})
	var kept []annotations.Span // in text order; they do not overlap, so their ends ascend too
	for _, s := range order {
		i := sort.Search(len(kept), func(i int) bool { return kept[i].End > s.Start })
		if i < len(kept) && kept[i].Start < s.End {
			continue
		}
		kept = slices.Insert(kept, i, s)
	}
	return kept, len(spans) - len(kept)
}

// tokenRun returns the first and last of the tokens s covers. tokens are cut at the edges of s, and
// some word overlaps s, so it covers at least one.
func tokenRun(tokens []text.Range, s annotations.Span) (first, last int) {
	first = sort.Search(len(tokens), func(i int) bool { return tokens[i].Start >= s.Start })
	last = sort.Search(len(tokens), func(i int) bool { return tokens[i].End > s.End }) - 1
	return first, last
}

// groupSentences returns the first token of each sentence: tokens go to the sentence their start is
// in, and sentences that a span runs across are one.
func groupSentences(tokens []text.Range, sentences []text.Range, spans []annotations.Span) []int {
	if len(tokens) == 0 {
		return nil
	}
	of := make([]int, len(tokens)) // of[k] is the sentence of token k
	j := 0
	for k, tok := range tokens {
		for j+1 < len(sentences) && sentences[j+1].Start <= tok.Start {
			j++
		}
		of[k] = j
	}
	joined := make([]bool, len(sentences)) // joined[j]: sentence j goes on into sentence j+1
	for _, s := range spans {
		first, last := tokenRun(tokens, s)
		for j := of[first]; j < of[last]; j++ {
			joined[j] = true
		}
	}
	starts := []int{0}
	for k := 1; k < len(tokens); k++ {
		for j := of[k-1]; j < of[k]; j++ {
			if !joined[j] {
				starts = append(starts, k)
				break
			}
		}
	}
	return starts
}

// notices are the sentences the token formats share: spans left out and several annotators.
func (t *tagger) notices() []string {
	var out []string
	if t.dropped > 0 {
		var s string
		switch t.nested {
		case NestedColumns:
			s = plural(t.dropped, "1 span overlapping another of its label was", "%d spans overlapping others of their label were") +
				" left out (--nested columns keeps the outermost of a label)."
		case NestedInner:
			s = plural(t.dropped, "1 span containing or overlapping another was", "%d spans containing or overlapping others were") +
				" left out (--nested inner keeps the innermost); use --nested columns to keep them all."
		default:
			s = plural(t.dropped, "1 span nested in or overlapping another was", "%d spans nested in or overlapping others were") +
				" left out (--nested outer keeps the outermost); use --nested columns to keep them all."
		}
		out = append(out, s)
	}
	if len(t.unlisted) > 0 {
		n, labels := 0, make([]string, 0, len(t.unlisted))
		for l, c := range t.unlisted {
			n += c
			labels = append(labels, l)
		}
		slices.Sort(labels)
		out = append(out, plural(n, "1 span was left out because its label is", "%d spans were left out because their labels are")+
			" not among those exported: "+strings.Join(labels, ", ")+".")
	}
	if t.blank > 0 {
		out = append(out, plural(t.blank, "1 span holding no word (only white space) was left out.",
			"%d spans holding no word (only white space) were left out."))
	}
	if len(t.annotators) > 1 {
		out = append(out, fmt.Sprintf("%d annotators' versions were written one after another; use --annotator or --gold to export one.",
			len(t.annotators)))
	}
	return append(out, t.relations.notice()...)
}

// plural returns one when n is 1, else many with n in place of %d.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}
