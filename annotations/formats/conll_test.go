package formats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// corpusLabels are the corpus project's labels in panel order: what the export command passes as
// WriterOptions.Labels.
var corpusLabels = []string{"actor", "figure", "weapon", "claim"}

func TestCoNLLAndHFGolden(t *testing.T) {
	p := corpusProject(t)
	labels, err := p.Labels(context.Background())
	if err != nil || len(labels) != len(corpusLabels) {
		t.Fatalf("the corpus project has %d labels (%v), want %v", len(labels), err, corpusLabels)
	}
	for i, l := range labels {
		if l.Name != corpusLabels[i] {
			t.Fatalf("the corpus project's label %d is %s, want %s", i, l.Name, corpusLabels[i])
		}
	}
	tests := map[string]struct {
		format string
		q      annotations.ExportQuery
		opts   WriterOptions
	}{
		"export.conll":         {CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels}},
		"export-columns.conll": {CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels, Nested: NestedColumns}},
		"export-inner.conll":   {CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels, Nested: NestedInner}},
		"export-bob.conll":     {CoNLL, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Labels: corpusLabels}},
		"export.hf.jsonl":      {HF, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			golden(t, name, export(t, p, tt.format, tt.q, tt.opts))
		})
	}
}

// TestCoNLLDecode reads the conll and hf exports back for each rule for nested spans, maps the tagged
// token runs to character spans through the tokens, and checks that they are exactly the spans the
// rule keeps, computed here the slow way from the project's spans, and that the files are well formed.
func TestCoNLLDecode(t *testing.T) {
	p := corpusProject(t)
	// what each rule keeps of alice's spans in two documents, by hand
	const (
		claimFR = "claim « environ 1.100 soldats russes ont été tués »"
		claimEN = "claim 40 Shahed drones were shot down overnight"
		weapon  = "weapon lance-roquettes de 240 mm"
	)
	byHand := map[string]map[string][]string{
		NestedOuter: {
			"fr-001": {"actor l’état-major", claimFR, weapon},
			"en-002": {"actor Kyiv", claimEN, "actor officials"},
		},
		NestedInner: {
			"fr-001": {"actor l’état-major", "actor soldats russes", weapon},
			"en-002": {"actor Kyiv", "weapon Shahed drones", "actor officials"},
		},
		NestedColumns: {
			"fr-001": {"actor l’état-major", "actor soldats russes", "figure environ 1.100 soldats russes", weapon, claimFR},
			"en-002": {"actor Kyiv", "actor officials", "figure 40 Shahed drones", "weapon Shahed drones", claimEN},
		},
	}
	for _, format := range []string{CoNLL, HF} {
		for _, rule := range NestedRules {
			t.Run(format+" "+rule, func(t *testing.T) {
				opts := WriterOptions{Labels: corpusLabels, Nested: rule}
				got := checkTokenExport(t, p, format, annotations.ExportQuery{}, opts)
				for doc, want := range byHand[rule] {
					if g := got[doc+" alice"]; !slices.Equal(g, want) {
						t.Errorf("%s, alice: written %v, want %v", doc, g, want)
					}
				}
			})
		}
	}
	t.Run("conll bob", func(t *testing.T) {
		checkTokenExport(t, p, CoNLL, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Labels: corpusLabels})
	})
}

// TestCoNLLLabels writes only actor and figure: the claims and weapons are left out, the figures that
// claims held are now outermost, and a notice names the labels left out.
func TestCoNLLLabels(t *testing.T) {
	p := corpusProject(t)
	opts := WriterOptions{Labels: []string{"actor", "figure"}}
	for _, format := range []string{CoNLL, HF} {
		t.Run(format, func(t *testing.T) {
			got := checkTokenExport(t, p, format, annotations.ExportQuery{}, opts)
			if want := []string{"actor l’état-major", "figure environ 1.100 soldats russes"}; !slices.Equal(got["fr-001 alice"], want) {
				t.Errorf("fr-001, alice: written %v, want %v", got["fr-001 alice"], want)
			}
			out, notices := exportNotices(t, p, format, annotations.ExportQuery{}, opts)
			for _, tag := range []string{"claim", "weapon"} {
				if bytes.Contains(out, []byte(tag)) {
					t.Errorf("the export holds %q", tag)
				}
			}
			if !hasNotice(notices, "6 spans were left out because their labels are not among those exported: claim, weapon.") {
				t.Errorf("notices %q do not name the labels left out", notices)
			}
		})
	}
}

// TestCoNLLSentences checks that sentences a span runs across are written as one, and only those.
func TestCoNLLSentences(t *testing.T) {
	const doc = "Le ministre a parlé. Il a dit que tout va bien. Puis il est parti. Fin."
	tests := map[string]struct {
		spans [][2]int // claims of the annotator ann
		want  []int    // tokens per sentence
	}{
		"no span":            {nil, []int{5, 8, 5, 2}},
		"inside a sentence":  {[][2]int{{3, 11}}, []int{5, 8, 5, 2}},
		"across two":         {[][2]int{{14, 23}}, []int{13, 5, 2}},
		"across three":       {[][2]int{{14, 59}}, []int{18, 2}},
		"ending on the edge": {[][2]int{{21, 47}}, []int{5, 8, 5, 2}},
		"two, apart":         {[][2]int{{14, 23}, {60, 71}}, []int{13, 7}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var spans []string
			for _, s := range tt.spans {
				spans = append(spans, fmt.Sprintf(`{"start": %d, "end": %d, "label": "claim", "annotator": "ann"}`, s[0], s[1]))
			}
			p := jsonlProject(t, `{"id": "d", "text": "`+doc+`", "spans": [`+strings.Join(spans, ", ")+`], "status": {"ann": "done"}}`)
			opts := WriterOptions{Labels: corpusLabels}
			checkTokenExport(t, p, CoNLL, annotations.ExportQuery{}, opts)
			blocks := parseCoNLL(t, export(t, p, CoNLL, annotations.ExportQuery{}, opts), 4)
			var got []int
			for _, s := range blocks[0] {
				got = append(got, len(s))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("conll: tokens per sentence %v, want %v", got, tt.want)
			}
			got = got[:0]
			for _, l := range parseHF(t, export(t, p, HF, annotations.ExportQuery{}, opts)) {
				got = append(got, len(l.Tokens))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("hf: tokens per line %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCoNLLSameRange checks that of two spans over the same words, the rules keep the one whose
// label comes first in WriterOptions.Labels, and that columns keep both.
func TestCoNLLSameRange(t *testing.T) {
	p := jsonlProject(t, `{"id": "d", "text": "Kyiv said so.", "spans": [`+
		`{"start": 0, "end": 4, "label": "actor", "annotator": "ann"}, {"start": 0, "end": 4, "label": "claim", "annotator": "ann"}]}`)
	tests := map[string]struct {
		opts WriterOptions
		want []string
	}{
		"outer":            {WriterOptions{Labels: corpusLabels}, []string{"actor Kyiv"}},
		"inner":            {WriterOptions{Labels: corpusLabels, Nested: NestedInner}, []string{"actor Kyiv"}},
		"outer, claim 1st": {WriterOptions{Labels: []string{"claim", "actor"}}, []string{"claim Kyiv"}},
		"inner, claim 1st": {WriterOptions{Labels: []string{"claim", "actor"}, Nested: NestedInner}, []string{"claim Kyiv"}},
		"columns":          {WriterOptions{Labels: corpusLabels, Nested: NestedColumns}, []string{"actor Kyiv", "claim Kyiv"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{CoNLL, HF} {
				if got := checkTokenExport(t, p, format, annotations.ExportQuery{}, tt.opts)["d ann"]; !slices.Equal(got, tt.want) {
					t.Errorf("%s: written %v, want %v", format, got, tt.want)
				}
			}
		})
	}
}

// TestCoNLLBlankSpan checks that spans holding no word, which no token would be in, are left out
// and counted: a space, and a combining accent that Unicode joins to the space before it.
func TestCoNLLBlankSpan(t *testing.T) {
	p := jsonlProject(t, `{"id": "d", "text": "Kyiv \u0301 said so.", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "ann"}, `+
		`{"start": 4, "end": 5, "label": "claim", "annotator": "ann"}, {"start": 5, "end": 6, "label": "figure", "annotator": "ann"}]}`)
	out, notices := exportNotices(t, p, CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels})
	if want := conllDocStart + "Kyiv -X- -X- B-actor\nsaid -X- -X- O\nso -X- -X- O\n. -X- -X- O\n\n"; string(out) != want {
		t.Errorf("conll:\n%s\nwant\n%s", out, want)
	}
	if want := []string{"2 spans holding no word (only white space) were left out."}; !slices.Equal(notices, want) {
		t.Errorf("notices %q, want %q", notices, want)
	}
}

// TestCoNLLNotices checks what the writers say after exporting the corpus.
func TestCoNLLNotices(t *testing.T) {
	p := corpusProject(t)
	const annotators = "2 annotators' versions were written one after another; use --annotator or --gold to export one."
	const relations = "4 relations were left out: CoNLL cannot carry relations."
	const bobs = "1 relation was left out: Hugging Face JSONL cannot carry relations."
	attrs := func(n int, format string) string {
		return fmt.Sprintf("%d spans have attribute values that %s cannot hold; they were left out (jsonl, csv, labelstudio and prodigy keep them).", n, format)
	}
	tests := map[string]struct {
		format string
		q      annotations.ExportQuery
		opts   WriterOptions
		want   []string
	}{
		"outer": {CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels}, []string{
			"4 spans nested in or overlapping others were left out (--nested outer keeps the outermost); use --nested columns to keep them all.",
			annotators, relations, attrs(6, CoNLL)}},
		"inner": {CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels, Nested: NestedInner}, []string{
			"4 spans containing or overlapping others were left out (--nested inner keeps the innermost); use --nested columns to keep them all.",
			annotators, relations, attrs(6, CoNLL)}},
		"columns": {CoNLL, annotations.ExportQuery{}, WriterOptions{Labels: corpusLabels, Nested: NestedColumns}, []string{
			annotators, relations, "The tag columns after each token are, in order: actor, figure, weapon, claim.", attrs(6, CoNLL)}},
		"bob": {CoNLL, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Labels: corpusLabels}, []string{"1 relation was left out: CoNLL cannot carry relations.", attrs(4, CoNLL)}},
		"hf": {HF, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Labels: corpusLabels}, []string{bobs,
			"ner_tags count from 0 over the tags O, B-actor, I-actor, B-figure, I-figure, B-weapon, I-weapon, B-claim, I-claim.", attrs(4, HF)}},
		"hf columns": {HF, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Labels: corpusLabels, Nested: NestedColumns}, []string{bobs,
			"Each <label>_tags field counts from 0 over O, B-<label>, I-<label>: actor_tags, figure_tags, weapon_tags, claim_tags.", attrs(4, HF)}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, got := exportNotices(t, p, tt.format, tt.q, tt.opts); !slices.Equal(got, tt.want) {
				t.Errorf("notices\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestCoNLLLabelsMet exports without a label list: labels are numbered as they are met, Labels tells
// them, and WriteHFTags given them names the numbers.
func TestCoNLLLabelsMet(t *testing.T) {
	p := corpusProject(t)
	out, w := exportWriter(t, p, HF, annotations.ExportQuery{}, WriterOptions{})
	labels := w.(interface{ Labels() []string }).Labels()
	if want := []string{"actor", "claim", "figure", "weapon"}; !slices.Equal(labels, want) {
		t.Fatalf("labels met %v, want %v", labels, want)
	}
	checkTokenExport(t, p, HF, annotations.ExportQuery{}, WriterOptions{Labels: labels})
	if got := export(t, p, HF, annotations.ExportQuery{}, WriterOptions{Labels: labels}); !bytes.Equal(got, out) {
		t.Errorf("numbering as met differs from numbering over the labels met:\n%s\n%s", out, got)
	}
}

func TestHFTags(t *testing.T) {
	tests := map[string]struct {
		opts WriterOptions
		want map[string][]string
	}{
		"ner_tags": {WriterOptions{Labels: []string{"actor", "a<b>"}},
			map[string][]string{"ner_tags": {"O", "B-actor", "I-actor", "B-a<b>", "I-a<b>"}}},
		"no labels": {WriterOptions{}, map[string][]string{"ner_tags": {"O"}}},
		"columns": {WriterOptions{Labels: []string{"actor", "hate speech"}, Nested: NestedColumns},
			map[string][]string{"actor_tags": {"O", "B-actor", "I-actor"}, "hate speech_tags": {"O", "B-hate speech", "I-hate speech"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteHFTags(&b, tt.opts); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b.Bytes(), []byte(`\u003c`)) {
				t.Errorf("< is escaped: %s", b.Bytes())
			}
			var got map[string][]string
			if err := json.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("%v: %s", err, b.Bytes())
			}
			if len(got) != len(tt.want) {
				t.Errorf("fields %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if !slices.Equal(got[k], v) {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
	if got, want := TagNames(WriterOptions{Labels: corpusLabels}), []string{"O", "B-actor", "I-actor", "B-figure", "I-figure",
		"B-weapon", "I-weapon", "B-claim", "I-claim"}; !slices.Equal(got, want) {
		t.Errorf("TagNames %q, want %q", got, want)
	}
}

func TestCoNLLOptions(t *testing.T) {
	tests := map[string]struct {
		format string
		opts   WriterOptions
		want   string // in the error
	}{
		"conll utf16":           {CoNLL, WriterOptions{Offsets: UTF16}, "offsets do not apply"},
		"hf utf16":              {HF, WriterOptions{Offsets: UTF16}, "offsets do not apply"},
		"columns, no labels":    {CoNLL, WriterOptions{Nested: NestedColumns}, "needs the labels"},
		"unknown rule":          {HF, WriterOptions{Nested: "middle"}, "unknown rule"},
		"a label twice":         {HF, WriterOptions{Labels: []string{"actor", "actor"}}, "listed twice"},
		"same tag after spaces": {CoNLL, WriterOptions{Labels: []string{"hate speech", "hate_speech"}}, "both be written hate_speech"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			mk := NewCoNLLWriter
			if tt.format == HF {
				mk = NewHFWriter
			}
			_, err := mk(&bytes.Buffer{}, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
			if _, err := NewWriter(tt.format, &bytes.Buffer{}, tt.opts); err == nil {
				t.Errorf("NewWriter accepted %+v", tt.opts)
			}
		})
	}
}

// TestCoNLLLabelSpaces checks that a label with a space writes conll tags with "_" instead, and hf
// tags as they are.
func TestCoNLLLabelSpaces(t *testing.T) {
	p := jsonlProject(t, `{"text": "They said hateful things.", "spans": [{"start": 10, "end": 24, "label": "hate speech", "annotator": "ann"}]}`)
	opts := WriterOptions{Labels: []string{"hate speech"}}
	out, notices := exportNotices(t, p, CoNLL, annotations.ExportQuery{}, opts)
	if !bytes.Contains(out, []byte("hateful -X- -X- B-hate_speech\nthings -X- -X- I-hate_speech\n")) {
		t.Errorf("conll:\n%s", out)
	}
	if !hasNotice(notices, `CoNLL tags cannot hold spaces: "hate speech" as hate_speech.`) {
		t.Errorf("notices %q", notices)
	}
	checkTokenExport(t, p, CoNLL, annotations.ExportQuery{}, opts)
	checkTokenExport(t, p, HF, annotations.ExportQuery{}, opts)
}

// checkTokenExport exports p in a token format and reads it back: the file must be well formed (a
// -DOCSTART- block per document and annotator, the right number of columns, valid IOB2, as many tags
// as tokens), its tokens must be the text's non-space characters in order, and the tagged token runs
// must be exactly the spans the rule keeps. It returns the spans written as "label text", by
// "document annotator".
func checkTokenExport(t *testing.T, p *annotations.Project, format string, q annotations.ExportQuery, opts WriterOptions) map[string][]string {
	t.Helper()
	want := wantBlocks(t, p, q, opts)
	out := export(t, p, format, q, opts)
	columns := 1
	if opts.Nested == NestedColumns {
		columns = len(opts.Labels)
	}
	var got []gotBlock
	if format == CoNLL {
		fields := 4
		if opts.Nested == NestedColumns {
			fields = 1 + columns
		}
		fromCoNLL := map[string]string{"O": "O"} // conll tags have "_" for spaces
		for _, l := range opts.Labels {
			c := strings.Join(strings.Fields(l), "_")
			fromCoNLL["B-"+c], fromCoNLL["I-"+c] = "B-"+l, "I-"+l
		}
		for _, sentences := range parseCoNLL(t, out, fields) {
			b := gotBlock{tags: make([][][]string, columns)}
			for _, s := range sentences {
				var words []string
				tags := make([][]string, columns)
				for _, f := range s {
					words = append(words, f[0])
					for c := range columns {
						tags[c] = append(tags[c], fromCoNLL[f[len(f)-columns+c]])
					}
				}
				b.words = append(b.words, words)
				for c := range columns {
					b.tags[c] = append(b.tags[c], tags[c])
				}
			}
			got = append(got, b)
		}
	} else {
		got = hfBlocks(t, parseHF(t, out), opts)
		if len(got) > len(want) {
			t.Fatalf("%d blocks, want %d", len(got), len(want))
		}
		// hf writes nothing for a document without tokens: put in the empty blocks
		for i, w := range want {
			if strings.TrimFunc(w.text, unicode.IsSpace) == "" {
				got = slices.Insert(got, i, gotBlock{key: w.key, annotator: w.annotator, tags: make([][][]string, columns)})
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d blocks, want %d, one per document and annotator", len(got), len(want))
	}
	written := map[string][]string{}
	for i, w := range want {
		g := got[i]
		if format == HF && (g.key != w.key || g.annotator != w.annotator) {
			t.Errorf("block %d is %s %s, want %s %s", i, g.key, g.annotator, w.key, w.annotator)
		}
		ranges := alignTokens(t, w.text, g.words)
		for c := range columns {
			labels := opts.Labels
			if opts.Nested == NestedColumns {
				labels = opts.Labels[c : c+1]
			}
			spans := decodeIOB2(t, labels, g.tags[c], ranges)
			if !slices.Equal(spans, w.spans[c]) {
				t.Errorf("%s %s, column %d: written %v, want %v", w.key, w.annotator, c, spans, w.spans[c])
			}
			for _, s := range spans {
				written[w.key+" "+w.annotator] = append(written[w.key+" "+w.annotator], spanText(w.text, s))
			}
		}
	}
	return written
}

// spanText turns "label start-end" into "label text" over s.
func spanText(s, span string) string {
	label, offsets, _ := strings.Cut(span, " ")
	a, b, _ := strings.Cut(offsets, "-")
	start, _ := strconv.Atoi(a)
	end, _ := strconv.Atoi(b)
	return label + " " + string([]rune(s)[start:end])
}

// wantBlock is one (document, annotator) as the export should write it.
type wantBlock struct {
	key, annotator, text string
	spans                [][]string // per tag column, "label start-end" in text order
}

// gotBlock is one (document, annotator) as read back.
type gotBlock struct {
	key, annotator string     // hf only
	words          [][]string // tokens per sentence
	tags           [][][]string
}

// wantBlocks lists the (document, annotator) pairs q exports, with the spans each writes under opts.
func wantBlocks(t *testing.T, p *annotations.Project, q annotations.ExportQuery, opts WriterOptions) []wantBlock {
	t.Helper()
	var out []wantBlock
	err := p.Export(context.Background(), q, func(d *annotations.ExportDocument) error {
		annotators := d.Annotators
		if len(annotators) == 0 {
			annotators = []string{""}
		}
		for _, a := range annotators {
			var mine []annotations.Span
			for _, s := range d.Spans {
				if s.Annotator == a {
					mine = append(mine, s)
				}
			}
			out = append(out, wantBlock{key: d.Key(), annotator: a, text: d.Text, spans: ruleKeeps(mine, opts)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ruleKeeps returns, per tag column, the spans the rule for nested spans keeps, the slow way: every
// candidate is checked against every span kept before it.
func ruleKeeps(spans []annotations.Span, opts WriterOptions) [][]string {
	rank := func(s annotations.Span) int { return slices.Index(opts.Labels, s.Label) }
	spans = slices.DeleteFunc(slices.Clone(spans), func(s annotations.Span) bool { return rank(s) < 0 })
	outer := func(a, b annotations.Span) bool {
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End > b.End
		}
		return rank(a) < rank(b)
	}
	inner := func(a, b annotations.Span) bool {
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return la < lb
		}
		return outer(a, b)
	}
	pick := func(spans []annotations.Span, before func(a, b annotations.Span) bool) []string {
		for i := 1; i < len(spans); i++ { // insertion sort
			for j := i; j > 0 && before(spans[j], spans[j-1]); j-- {
				spans[j], spans[j-1] = spans[j-1], spans[j]
			}
		}
		var kept []annotations.Span
	next:
		for _, s := range spans {
			for _, k := range kept {
				if s.Start < k.End && k.Start < s.End {
					continue next
				}
			}
			kept = append(kept, s)
		}
		for i := 1; i < len(kept); i++ {
			for j := i; j > 0 && kept[j].Start < kept[j-1].Start; j-- {
				kept[j], kept[j-1] = kept[j-1], kept[j]
			}
		}
		out := []string{}
		for _, s := range kept {
			out = append(out, s.Label+" "+strconv.Itoa(s.Start)+"-"+strconv.Itoa(s.End))
		}
		return out
	}
	switch opts.Nested {
	case NestedColumns:
		var out [][]string
		for _, l := range opts.Labels {
			out = append(out, pick(slices.DeleteFunc(slices.Clone(spans), func(s annotations.Span) bool { return s.Label != l }), outer))
		}
		return out
	case NestedInner:
		return [][]string{pick(spans, inner)}
	}
	return [][]string{pick(spans, outer)}
}

// parseCoNLL reads a conll export into blocks of sentences of token lines split at single spaces,
// checking its layout: each block opens with the -DOCSTART- line and a blank line, each sentence
// ends with a blank line, and every token line has fields fields, none empty.
func parseCoNLL(t *testing.T, out []byte, fields int) [][][][]string {
	t.Helper()
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n\n")) || bytes.Contains(out, []byte("\n\n\n")) {
		t.Errorf("blank lines are off:\n%s", out)
	}
	var blocks [][][][]string
	var sentence [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	afterDocStart := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "-DOCSTART- -X- O O":
			if sentence != nil {
				t.Fatalf("line %d: -DOCSTART- inside a sentence", n)
			}
			blocks = append(blocks, nil)
			afterDocStart = true
		case line == "":
			if sentence == nil && !afterDocStart {
				t.Fatalf("line %d: a blank line after a blank line", n)
			}
			if sentence != nil {
				blocks[len(blocks)-1] = append(blocks[len(blocks)-1], sentence)
			}
			sentence, afterDocStart = nil, false
		default:
			if len(blocks) == 0 || afterDocStart {
				t.Fatalf("line %d: %q before -DOCSTART- and its blank line", n, line)
			}
			f := strings.Split(line, " ")
			if len(f) != fields || slices.Contains(f, "") || strings.HasPrefix(line, "-DOCSTART-") {
				t.Fatalf("line %d: %q has not %d fields", n, line, fields)
			}
			if fields == 4 && (f[1] != "-X-" || f[2] != "-X-") {
				t.Errorf("line %d: %q: the part of speech and chunk columns are not -X-", n, line)
			}
			sentence = append(sentence, f)
		}
	}
	if sentence != nil {
		t.Errorf("the last sentence has no blank line after it")
	}
	return blocks
}

// hfLine is a line of an hf export.
type hfLine struct {
	ID         string           `json:"id"`
	DocumentID string           `json:"document_id"`
	Annotator  *string          `json:"annotator"`
	Tokens     []string         `json:"tokens"`
	Tags       map[string][]int `json:"-"`
}

// parseHF reads an hf export line by line: known fields and tag fields, nothing else; ids count from 0.
func parseHF(t *testing.T, out []byte) []hfLine {
	t.Helper()
	var lines []hfLine
	for i, raw := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		if len(raw) == 0 {
			continue
		}
		var l hfLine
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		json.Unmarshal(raw, &fields)
		l.Tags = map[string][]int{}
		for k, v := range fields {
			switch {
			case k == "id" || k == "document_id" || k == "tokens" || k == "annotator":
			case strings.HasSuffix(k, "_tags"):
				var tags []int
				if err := json.Unmarshal(v, &tags); err != nil {
					t.Fatalf("line %d: %s: %v", i+1, k, err)
				}
				l.Tags[k] = tags
			default:
				t.Errorf("line %d: unknown field %q", i+1, k)
			}
		}
		if l.ID != strconv.Itoa(i) {
			t.Errorf("line %d has id %q", i+1, l.ID)
		}
		if l.Annotator != nil && *l.Annotator == "" {
			t.Errorf("line %d: an empty annotator is written", i+1)
		}
		lines = append(lines, l)
	}
	return lines
}

// hfBlocks groups hf lines into blocks by document and annotator, turning tag numbers into names.
func hfBlocks(t *testing.T, lines []hfLine, opts WriterOptions) []gotBlock {
	t.Helper()
	fields, names := []string{"ner_tags"}, [][]string{TagNames(opts)}
	if opts.Nested == NestedColumns {
		fields, names = nil, nil
		for _, l := range opts.Labels {
			fields, names = append(fields, l+"_tags"), append(names, LabelTagNames(l))
		}
	}
	var out []gotBlock
	for i, l := range lines {
		annotator := ""
		if l.Annotator != nil {
			annotator = *l.Annotator
		}
		if len(out) == 0 || out[len(out)-1].key != l.DocumentID || out[len(out)-1].annotator != annotator {
			out = append(out, gotBlock{key: l.DocumentID, annotator: annotator, tags: make([][][]string, len(fields))})
		}
		b := &out[len(out)-1]
		if len(l.Tokens) == 0 {
			t.Errorf("line %d has no tokens", i+1)
		}
		b.words = append(b.words, l.Tokens)
		if len(l.Tags) != len(fields) {
			t.Errorf("line %d has tag fields %v, want %v", i+1, l.Tags, fields)
		}
		for c, f := range fields {
			tags, ok := l.Tags[f]
			if !ok || len(tags) != len(l.Tokens) {
				t.Fatalf("line %d: %d %s for %d tokens", i+1, len(tags), f, len(l.Tokens))
			}
			var s []string
			for _, v := range tags {
				if v < 0 || v >= len(names[c]) {
					t.Fatalf("line %d: %s holds %d, past its %d tags", i+1, f, v, len(names[c]))
				}
				s = append(s, names[c][v])
			}
			b.tags[c] = append(b.tags[c], s)
		}
	}
	return out
}

// alignTokens finds the tokens of each sentence in order in s, with only white space between and
// after them, and returns their code point ranges, per sentence.
func alignTokens(t *testing.T, s string, sentences [][]string) [][]text.Range {
	t.Helper()
	runes, pos := []rune(s), 0
	skip := func() {
		for pos < len(runes) && unicode.IsSpace(runes[pos]) {
			pos++
		}
	}
	out := make([][]text.Range, len(sentences))
	for i, words := range sentences {
		for _, w := range words {
			skip()
			n := len([]rune(w))
			if pos+n > len(runes) || string(runes[pos:pos+n]) != w {
				t.Fatalf("token %q is not next in the text at %d: %q", w, pos, string(runes[pos:min(pos+20, len(runes))]))
			}
			out[i] = append(out[i], text.Range{Start: pos, End: pos + n})
			pos += n
		}
	}
	if skip(); pos != len(runes) {
		t.Errorf("the text goes on after the last token: %q", string(runes[pos:]))
	}
	return out
}

// decodeIOB2 turns the tags of each sentence into spans "label start-end" over the token ranges,
// checking that every tag is O or B-/I- of a label, and that I- follows B- or I- of its label.
func decodeIOB2(t *testing.T, labels []string, tags [][]string, ranges [][]text.Range) []string {
	t.Helper()
	out := []string{}
	for i, sentence := range tags {
		open, label, start, end := false, "", 0, 0
		flush := func() {
			if open {
				out = append(out, label+" "+strconv.Itoa(start)+"-"+strconv.Itoa(end))
			}
			open = false
		}
		for k, tag := range sentence {
			r := ranges[i][k]
			switch {
			case tag == "O":
				flush()
			case strings.HasPrefix(tag, "B-") && slices.Contains(labels, tag[2:]):
				flush()
				open, label, start, end = true, tag[2:], r.Start, r.End
			case strings.HasPrefix(tag, "I-") && open && tag[2:] == label:
				end = r.End
			default:
				t.Fatalf("sentence %d, token %d: tag %q is not O, B-label, or I-label after B-label (labels %v)", i, k, tag, labels)
			}
		}
		flush()
	}
	return out
}

// exportNotices exports p in format and returns the output and the writer's notices.
func exportNotices(t *testing.T, p *annotations.Project, format string, q annotations.ExportQuery, opts WriterOptions) ([]byte, []string) {
	t.Helper()
	out, w := exportWriter(t, p, format, q, opts)
	return out, w.(Noticer).Notices()
}

func hasNotice(notices []string, want string) bool { return slices.Contains(notices, want) }

// jsonlProject returns a project holding the documents of the Tagdesk JSONL lines.
func jsonlProject(t *testing.T, lines ...string) *annotations.Project {
	t.Helper()
	path := filepath.Join(t.TempDir(), "docs.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := openProject(t)
	importFiles(t, p, "", annotations.ImportOptions{}, path)
	return p
}

func BenchmarkExport100kSpansCoNLL(b *testing.B) { benchExport(b, CoNLL) }
func BenchmarkExport100kSpansHF(b *testing.B)    { benchExport(b, HF) }
