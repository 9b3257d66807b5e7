package annotations

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations/text"
)

func TestMatchRules(t *testing.T) {
	nb, nnb := "\u00a0", "\u202f"
	tests := map[string]struct {
		rule Rule
		text string
		want []string // label:text
	}{
		"regex in code points after emoji and accents": {
			Rule{Label: "figure", Kind: RuleRegex, Pattern: `\d+ drones`},
			"🇺🇦 Déjà 40 drones, puis 12 drones.", []string{"figure:40 drones", "figure:12 drones"}},
		"group named span suggests part": {
			Rule{Label: "figure", Kind: RuleRegex, Pattern: `(?P<span>\d+ drones) abattus`},
			"40 drones abattus, 12 drones vus", []string{"figure:40 drones"}},
		"no match inside a word": {
			Rule{Label: "figure", Kind: RuleRegex, Pattern: `\d+`},
			"environ 1.100 pertes", nil},
		"empty matches skipped": {
			Rule{Label: "figure", Kind: RuleRegex, Pattern: `x*`}, "abc", nil},
		"case-insensitive by default": {
			Rule{Label: "weapon", Kind: RuleWords, Pattern: "himars"}, "Les HIMARS et les Himars.", []string{"weapon:HIMARS", "weapon:Himars"}},
		"case-sensitive": {
			Rule{Label: "weapon", Kind: RuleWords, Pattern: "HIMARS", CaseSensitive: true}, "Les HIMARS et les Himars.", []string{"weapon:HIMARS"}},
		"words: comments, multi-word with no-break space, longest wins": {
			Rule{Label: "weapon", Kind: RuleWords, Pattern: "# weapons\n\nobus\nobus d’artillerie\nglide bombs\n"},
			"des obus d’artillerie et des glide" + nb + "bombs, des obus.", []string{"weapon:obus d’artillerie", "weapon:glide" + nb + "bombs", "weapon:obus"}},
		"words: whole words only, elision starts a word": {
			Rule{Label: "weapon", Kind: RuleWords, Pattern: "char\nobus"}, "la charge d’obus", []string{"weapon:obus"}},
		"narrow no-break space in a figure": {
			Rule{Label: "figure", Kind: RuleRegex, Pattern: `\d{1,3}(?:[ \x{a0}\x{202f}]\d{3})+ soldats`},
			"plus de 3" + nnb + "000 soldats", []string{"figure:3" + nnb + "000 soldats"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := MatchRules([]Rule{tt.rule}, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			x := text.NewIndex(tt.text)
			var texts []string
			for _, m := range got {
				texts = append(texts, m.Label+":"+x.Slice(m.Start, m.End))
			}
			if strings.Join(texts, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", texts, tt.want)
			}
		})
	}
}

func TestCheckRule(t *testing.T) {
	p := mustOpen(t)
	ctx := context.Background()
	for name, tt := range map[string]struct {
		rule Rule
		want string
	}{
		"bad regex": {Rule{Label: "figure", Kind: RuleRegex, Pattern: `(\d+`}, "The regular expression `(\\d+` is not valid: missing closing ): `(\\d+`."},
		"case-sensitive bad regex": {Rule{Label: "figure", Kind: RuleRegex, Pattern: `[z-a]`, CaseSensitive: true},
			"invalid character class range: `z-a`."},
		"empty pattern": {Rule{Label: "figure", Kind: RuleRegex, Pattern: "  "}, "pattern is empty"},
		"no words":      {Rule{Label: "weapon", Kind: RuleWords, Pattern: "# only a comment\n\n"}, "no words"},
		"unknown label": {Rule{Label: "place", Kind: RuleWords, Pattern: "Kyiv"}, `no label named "place"`},
		"good":          {Rule{Label: "weapon", Kind: RuleWords, Pattern: "HIMARS"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := p.CheckRule(ctx, tt.rule)
			if got := Message(err); tt.want == "" && err != nil || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("CheckRule: %q, want it to say %q", got, tt.want)
			}
			if _, err := p.AddRule(ctx, tt.rule); (err == nil) != (tt.want == "") {
				t.Errorf("AddRule: %v", err)
			}
		})
	}
}

func TestDefaultRulesSeedNewProjectsOnly(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	rules, err := p.Rules(ctx)
	defaults, _ := DefaultRules()
	if err != nil || len(rules) != len(defaults) || len(rules) == 0 {
		t.Fatalf("a new project has %d rules (%v), want the %d defaults", len(rules), err, len(defaults))
	}
	if n, err := p.AddDefaultRules(ctx); n != 0 || err != nil {
		t.Errorf("AddDefaultRules on a project that has them: %d, %v", n, err)
	}
	if err := p.DeleteRule(ctx, rules[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, err := p.AddDefaultRules(ctx); n != 1 || err != nil {
		t.Errorf("AddDefaultRules after deleting one: %d, %v", n, err)
	}
	if err := p.DeleteRule(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteRule of no rule: %v", err)
	}
}

// assistProject is a project without its default rules, with one document.
func assistProject(t *testing.T, body string) (*Project, Document) {
	t.Helper()
	p := mustOpen(t)
	ctx := context.Background()
	rules, _ := p.Rules(ctx)
	for _, r := range rules {
		if err := p.DeleteRule(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	return p, mustAddDocument(t, p, "d", body)
}

func TestSuggestionsAcceptRejectUndo(t *testing.T) {
	ctx := context.Background()
	p, d := assistProject(t, "Wagner a tiré 40 obus sur Wagner.")
	if _, err := p.AddRule(ctx, Rule{Label: "figure", Kind: RuleRegex, Pattern: `\d+ obus`, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddRule(ctx, Rule{Label: "weapon", Kind: RuleWords, Pattern: "obus", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := p.RunRules(ctx, []int64{d.ID})
	if err != nil || rep.ByDocument[d.ID] != 2 {
		t.Fatalf("RunRules: %+v, %v", rep, err)
	}
	// the same document given twice is run once, and its suggestions counted
	rep, err = p.RunRules(ctx, []int64{d.ID, d.ID})
	if err != nil || rep.Documents != 1 || rep.Suggestions != 2 || rep.ByDocument[d.ID] != 2 {
		t.Fatalf("RunRules on the document twice: %+v, %v", rep, err)
	}
	// a model suggests the same figure with a score, and another below the minimum
	five, low := 0.9, 0.2
	for _, s := range []struct {
		score *float64
		start int
	}{{&five, 14}, {&low, 0}} {
		_, err := p.db.Exec(`INSERT INTO suggestions (document_id, label_id, start, "end", source, score, created_at)
			VALUES (?, (SELECT id FROM labels WHERE name = 'figure'), ?, ?, 'model', ?, '')`, d.ID, s.start, s.start+7, *s.score)
		if err != nil {
			t.Fatal(err)
		}
	}
	sgs, err := p.Suggestions(ctx, d.ID, "alice", 0.5)
	if err != nil || len(sgs) != 2 {
		t.Fatalf("Suggestions: %+v, %v", sgs, err)
	}
	fig := sgs[0]
	if fig.Label != "figure" || fig.Start != 14 || fig.Source != "model, rules" || fig.Score == nil || *fig.Score != 0.9 {
		t.Errorf("merged suggestion: %+v", fig)
	}
	h := NewHistory(p)
	s, err := h.AcceptSuggestion(ctx, fig, "alice", "")
	if err != nil || s.Label != "figure" || s.Start != 14 || s.End != 21 {
		t.Fatalf("AcceptSuggestion: %+v, %v", s, err)
	}
	if h.UndoName() != "accept figure suggestion" {
		t.Errorf("undo name %q", h.UndoName())
	}
	if err := h.RejectSuggestion(ctx, sgs[1], "alice"); err != nil {
		t.Fatal(err)
	}
	open := func() int {
		sgs, err := p.Suggestions(ctx, d.ID, "alice", 0.5)
		if err != nil {
			t.Fatal(err)
		}
		return len(sgs)
	}
	if n := open(); n != 0 {
		t.Errorf("%d open after accepting one and rejecting the other", n)
	}
	if other, _ := p.Suggestions(ctx, d.ID, "bob", 0.5); len(other) != 2 {
		t.Errorf("bob sees %d suggestions, want 2: alice's work is hers", len(other))
	}
	counts, err := p.SuggestionCounts(ctx, "bob", 0)
	if err != nil || counts[d.ID] != 3 {
		t.Errorf("SuggestionCounts with no minimum: %v, %v", counts, err)
	}
	// rerunning the rules does not bring back what alice rejected
	if _, err := p.RunRules(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := open(); n != 0 {
		t.Errorf("%d open after the rules ran again", n)
	}
	for i, want := range []int{1, 2} {
		if _, err := h.Undo(ctx); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != want {
			t.Errorf("after undo %d: %d open, want %d", i+1, n, want)
		}
	}
	if spans, _ := p.Spans(ctx, d.ID, "alice"); len(spans) != 0 {
		t.Errorf("spans after undoing the accept: %+v", spans)
	}
	if _, err := h.Redo(ctx); err != nil {
		t.Fatal(err)
	}
	if spans, _ := p.Spans(ctx, d.ID, "alice"); len(spans) != 1 {
		t.Errorf("spans after redo: %+v", spans)
	}
	// accepting under another label rejects the suggested one
	sgs, _ = p.Suggestions(ctx, d.ID, "alice", 0.5)
	if _, err := h.AcceptSuggestion(ctx, sgs[0], "alice", "actor"); err != nil {
		t.Fatal(err)
	}
	if n := open(); n != 0 {
		t.Errorf("%d open after accepting as another label", n)
	}
	// the span deleted elsewhere: undo is refused
	spans, _ := p.Spans(ctx, d.ID, "alice")
	for _, s := range spans {
		if s.Label == "actor" {
			p.DeleteSpan(ctx, s.ID)
		}
	}
	if _, err := h.Undo(ctx); !errors.Is(err, ErrChangedElsewhere) {
		t.Errorf("undo after the span went elsewhere: %v", err)
	}
}

func TestOccurrencesAndPropagate(t *testing.T) {
	ctx := context.Background()
	p, d := assistProject(t, "Le groupe Wagner et WAGNER, pas Wagnerites ; wagner\u00a0group.")
	other := mustAddDocument(t, p, "e", "🇺🇦 Selon Wagner, Wagner group recule.")
	mustAddSpan(t, p, NewSpan{DocumentID: other.ID, Annotator: "alice", Label: "actor", Start: 9, End: 15})
	occ, err := p.Occurrences(ctx, OccurrenceQuery{DocumentID: d.ID, Needle: "Wagner", SkipStart: 10, SkipEnd: 16,
		Corpus: true, Annotator: "alice", Label: "actor"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ.Items {
		got = append(got, o.Text)
	}
	// WAGNER and wagner in d; in e the first Wagner is alice's actor span already
	if want := "WAGNER|wagner|Wagner"; strings.Join(got, "|") != want || occ.Documents != 2 {
		t.Errorf("occurrences %q in %d documents, want %q", got, occ.Documents, want)
	}
	if occ.Items[2].Start != 17 {
		t.Errorf("offset after an emoji: %d, want 17 (code points)", occ.Items[2].Start)
	}
	cs, _ := p.Occurrences(ctx, OccurrenceQuery{DocumentID: d.ID, Needle: "Wagner  group", CaseSensitive: true, Corpus: true})
	if len(cs.Items) != 1 || cs.Items[0].DocumentID != other.ID {
		t.Errorf("case-sensitive multi-word: %+v", cs.Items)
	}
	h := NewHistory(p)
	rep, err := h.Propagate(ctx, occ, "alice", "actor", false)
	if err != nil || rep.Added != 3 {
		t.Fatalf("Propagate: %+v, %v", rep, err)
	}
	if want := "label 3 occurrences of “Wagner” as actor"; h.UndoName() != want {
		t.Errorf("undo name %q, want %q", h.UndoName(), want)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if spans, _ := p.Spans(ctx, d.ID, "alice"); len(spans) != 0 {
		t.Errorf("spans after undo: %v", spans)
	}
	if _, err := h.Propagate(ctx, occ, "alice", "actor", true); err != nil {
		t.Fatal(err)
	}
	if sgs, _ := p.Suggestions(ctx, d.ID, "alice", 0); len(sgs) != 2 || sgs[0].Source != SourcePropagation {
		t.Errorf("propagated suggestions: %+v", sgs)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if sgs, _ := p.Suggestions(ctx, d.ID, "alice", 0); len(sgs) != 0 {
		t.Errorf("suggestions after undo: %+v", sgs)
	}
}

func TestImportSuggestions(t *testing.T) {
	ctx := context.Background()
	p, d := assistProject(t, "Kyiv said 40 drones.")
	score := func(f float64) *float64 { return &f }
	rec := func(line int, txt string, spans ...RecordSpan) *Record {
		return &Record{File: "pred.jsonl", Line: line, Text: txt, Spans: spans}
	}
	rep, err := p.ImportSuggestions(ctx, records(
		rec(1, "Kyiv said 40 drones.", RecordSpan{Start: 0, End: 4, Label: "actor", Score: score(0.8)},
			RecordSpan{Start: 10, End: 19, Label: "figure", Score: score(0.1)}, RecordSpan{Start: 13, End: 19, Label: "weapon"}),
		rec(2, "Another text."),
	), SuggestionImportOptions{Source: "ner-v1", MinScore: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Suggestions != 2 || rep.BelowMinScore != 1 || rep.Unknown != 1 || rep.Documents != 1 || len(rep.Notices) != 0 {
		t.Errorf("report %+v", rep)
	}
	sgs, _ := p.Suggestions(ctx, d.ID, "alice", 0)
	if len(sgs) != 2 || sgs[0].Source != "ner-v1" || *sgs[0].Score != 0.8 || sgs[1].Score != nil {
		t.Errorf("suggestions %+v", sgs)
	}
	// a bad record: nothing is kept
	_, err = p.ImportSuggestions(ctx, records(
		rec(1, "Kyiv said 40 drones.", RecordSpan{Start: 0, End: 4, Label: "place"}),
		rec(2, "New text.", RecordSpan{Start: 0, End: 3, Label: "actor"}),
	), SuggestionImportOptions{Source: "ner-v2", AddDocuments: true})
	if msg := Message(err); !strings.Contains(msg, `pred.jsonl:1: span 1 ("place"): the label "place" is not in the project's label set`) {
		t.Errorf("bad label: %q", msg)
	}
	if srcs, _ := p.SuggestionSources(ctx, ""); len(srcs) != 1 {
		t.Errorf("sources after a failed import: %+v", srcs)
	}
	if _, err := p.ImportSuggestions(ctx, records(), SuggestionImportOptions{Source: SourceRules}); err == nil {
		t.Error("the source name rules was taken")
	}
	if n, err := p.ClearSuggestions(ctx, "ner-v1"); n != 2 || err != nil {
		t.Errorf("ClearSuggestions: %d, %v", n, err)
	}
	// what suggestions do not keep is counted, with its places
	withMore := rec(3, "Kyiv said 40 drones.", RecordSpan{Start: 0, End: 4, Label: "actor"},
		RecordSpan{Start: 10, End: 19, Label: "figure", Attrs: Attrs{"value": 40}}, RecordSpan{Start: 13, End: 19, Label: "weapon"})
	withMore.Relations = []RecordRelation{{From: 1, To: 0, Type: "attributed_to"}, {From: 2, To: 0, Type: "attributed_to"}}
	withMore.Notify(Notice{One: "1 thing was left out", Many: "%d things were left out"}, 3)
	rep, err = p.ImportSuggestions(ctx, records(withMore), SuggestionImportOptions{Source: "ner-v3"})
	want := []string{"3 things were left out (pred.jsonl:3).",
		"2 relations were not imported: suggestions are spans, without relations (pred.jsonl:3).",
		"1 span's attribute values were not imported: a suggestion has none, and accepting it derives them from the text (pred.jsonl:3)."}
	if err != nil || !slices.Equal(rep.Notices, want) || rep.Suggestions != 3 {
		t.Errorf("report %+v, %v; want the notices %q", rep, err, want)
	}
}

// TestAssistanceActions measures how many actions an annotator needs for the gold annotation of a
// sample article (testdata/gold_kresny.jsonl), without and with assistance.
//
// The cost model, in keyboard actions:
//   - without assistance, each gold span costs the caret's word moves from where the last span
//     ended to its start (Ctrl+Left/Right, one per word start passed), one Shift+Ctrl+Right per word
//     of the span, and one label key. When cheaper, a span is selected with a triple click on its
//     sentence (1 action, no caret moves) and its edges trimmed with Shift+Ctrl+arrows (one per word
//     left out at either end).
//   - with assistance, the default rules run when the document opens, and after the annotator labels
//     the first mention of an actor by hand, one command (1 action) propagates it as suggestions to
//     its other occurrences in the document. Each suggestion then costs 2: n to reach it and Enter
//     when right, Backspace when wrong. Gold spans not suggested cost as without assistance.
func TestAssistanceActions(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t) // with the default rules
	f, err := os.Open("testdata/gold_kresny.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var gold []RecordSpan
	var body string
	if err := eachJSONLRecord(f, func(r *Record) {
		gold, body = r.Spans, r.Text
	}); err != nil {
		t.Fatal(err)
	}
	d := mustAddDocument(t, p, "kresny", body)
	seg := text.Segment(body)
	words := seg.Words()
	wordsIn := func(a, b int) int { // words overlapping [a, b)
		i := sort.Search(len(words), func(i int) bool { return words[i].End > a })
		j := sort.Search(len(words), func(i int) bool { return words[i].Start >= b })
		return max(0, j-i)
	}
	manual := func(caret int, s RecordSpan) int {
		lo, hi := min(caret, s.Start), max(caret, s.Start)
		byKeys := wordsIn(lo+1, hi+1) + wordsIn(s.Start, s.End) + 1
		sent := seg.SentenceAt(s.Start)
		byClick := 1 + wordsIn(sent.Start, s.Start) + wordsIn(s.End, max(s.End, sent.End)) + 1
		if s.End > sent.End {
			byClick += wordsIn(sent.End, s.End)
		}
		return min(byKeys, byClick)
	}
	sort.Slice(gold, func(i, j int) bool {
		if gold[i].Start != gold[j].Start {
			return gold[i].Start < gold[j].Start
		}
		return gold[i].End > gold[j].End
	})
	type key struct {
		start, end int
		label      string
	}
	isGold := map[key]bool{}
	for _, g := range gold {
		isGold[key{g.Start, g.End, g.Label}] = true
	}

	without, caret := 0, 0
	for _, g := range gold {
		without += manual(caret, g)
		caret = g.End
	}

	if _, err := p.RunRules(ctx, []int64{d.ID}); err != nil {
		t.Fatal(err)
	}
	h := NewHistory(p)
	suggested := map[key]bool{}
	collect := func() {
		sgs, err := p.Suggestions(ctx, d.ID, "alice", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, sg := range sgs {
			suggested[key{sg.Start, sg.End, sg.Label}] = true
		}
	}
	collect()
	fromRules := len(suggested)
	with, caret := 0, 0
	propagated := map[string]bool{}
	for _, g := range gold {
		k := key{g.Start, g.End, g.Label}
		if !suggested[k] {
			with += manual(caret, g)
			if _, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: g.Label, Start: g.Start, End: g.End}); err != nil {
				t.Fatal(err)
			}
			if needle := *g.Text; g.Label == "actor" && !propagated[needle] {
				propagated[needle] = true
				occ, err := p.Occurrences(ctx, OccurrenceQuery{DocumentID: d.ID, Needle: needle, SkipStart: g.Start, SkipEnd: g.End,
					CaseSensitive: true, Annotator: "alice", Label: "actor"})
				if err != nil {
					t.Fatal(err)
				}
				if len(occ.Items) > 0 {
					with++ // the propagation command
					if _, err := h.Propagate(ctx, occ, "alice", "actor", true); err != nil {
						t.Fatal(err)
					}
					collect()
				}
			}
		}
		caret = g.End
	}
	correct := 0
	for k := range suggested {
		if isGold[k] {
			correct++
		}
	}
	with += 2 * len(suggested)
	precision := float64(correct) / float64(len(suggested))
	recall := float64(correct) / float64(len(gold))
	t.Logf("gold spans: %d; actions without assistance: %d; with assistance: %d (%.0f%% fewer)",
		len(gold), without, with, 100*(1-float64(with)/float64(without)))
	t.Logf("suggestions: %d (%d from rules), %d correct: precision %.2f, recall %.2f of all gold spans",
		len(suggested), fromRules, correct, precision, recall)
	if with >= without {
		t.Errorf("assistance costs %d actions, no fewer than %d without", with, without)
	}
	if precision < 0.8 {
		t.Errorf("precision %.2f: the rules suggest too much that is wrong", precision)
	}
}

// eachJSONLRecord calls fn with the records of a Tagdesk JSONL file, read with the import's own
// rules for the few fields the test needs.
func eachJSONLRecord(f *os.File, fn func(*Record)) error {
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var raw struct {
			Text  string
			Spans []struct {
				Start, End  int
				Label, Text string
			}
		}
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			return err
		}
		r := &Record{Text: raw.Text}
		for _, s := range raw.Spans {
			txt := s.Text
			r.Spans = append(r.Spans, RecordSpan{Start: s.Start, End: s.End, Label: s.Label, Text: &txt})
		}
		fn(r)
	}
	return nil
}
