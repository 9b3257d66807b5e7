package agreement_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// fixture is a small project whose agreement is worked out by hand in TestCompute.
//
// doc1 "Kyiv 🇺🇦 says 40 drones hit Lviv." has 8 word tokens: Kyiv 0-4, 🇺🇦 5-7 (two code points),
// says, 40 13-15, drones 16-22, hit, Lviv, "." — alice and bob done, carol in progress, gold done.
// doc2 "x́y 👍🏽 Kharkiv." (x and a combining accent, which has no composed form; a thumb and its skin
// tone) has 4: x́y 0-3, 👍🏽 4-6, Kharkiv 7-14, "." — alice and bob done.
// doc3 is done by alice only; doc4 nobody touched.
type fixture struct {
	p                      *annotations.Project
	doc1, doc2, doc3, doc4 int64
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	p, err := annotations.Open(ctx, filepath.Join(t.TempDir(), "f"+annotations.Extension), annotations.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	doc := func(text string) int64 {
		d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: text[:4], Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	f := fixture{p: p, doc1: doc("Kyiv 🇺🇦 says 40 drones hit Lviv."), doc2: doc("x\u0301y 👍🏽 Kharkiv."),
		doc3: doc("Seul alice a fini."), doc4: doc("Personne.")}
	add := func(d int64, who, label string, start, end int) {
		if _, _, err := p.AddSpan(ctx, annotations.NewSpan{DocumentID: d, Annotator: who, Label: label, Start: start, End: end}); err != nil {
			t.Fatal(err)
		}
	}
	done := func(d int64, who string) {
		if err := p.SetStatus(ctx, d, who, annotations.StatusDone); err != nil {
			t.Fatal(err)
		}
	}
	add(f.doc1, "alice", "actor", 0, 4)    // Kyiv
	add(f.doc1, "alice", "figure", 13, 22) // 40 drones
	add(f.doc1, "bob", "actor", 0, 7)      // Kyiv 🇺🇦
	add(f.doc1, "bob", "figure", 13, 15)   // 40
	add(f.doc1, "carol", "actor", 0, 4)
	add(f.doc1, "gold", "claim", 0, 32)
	add(f.doc2, "alice", "actor", 7, 14) // Kharkiv
	add(f.doc2, "bob", "actor", 7, 14)
	add(f.doc2, "alice", "weapon", 4, 6) // 👍🏽
	add(f.doc2, "bob", "weapon", 5, 6)   // its skin tone only
	add(f.doc3, "alice", "claim", 0, 4)
	for _, d := range []int64{f.doc1, f.doc2} {
		done(d, "alice")
		done(d, "bob")
	}
	done(f.doc1, "gold")
	done(f.doc3, "alice")
	return f
}

func value(v float64) agreement.Value { return agreement.Number(v) }

var undefined agreement.Value

func sameValue(got, want agreement.Value) bool {
	return got.Defined == want.Defined && (!want.Defined || math.Abs(got.V-want.V) < 1e-9)
}

// valueCheck is one measure of a report and the value worked out by hand.
type valueCheck struct {
	name      string
	got, want agreement.Value
}

func checkValues(t *testing.T, checks []valueCheck) {
	t.Helper()
	for _, c := range checks {
		if !sameValue(c.got, c.want) {
			t.Errorf("%s = %v (%v), want %v", c.name, c.got, c.got.V, c.want)
		}
	}
}

func TestCompute(t *testing.T) {
	f := newFixture(t)
	r, err := agreement.Compute(context.Background(), f.p, agreement.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(r.Annotators, want) {
		t.Errorf("annotators %v, want %v (gold left out)", r.Annotators, want)
	}
	if want := []string{"actor", "figure", "weapon", "claim"}; !slices.Equal(r.Labels, want) {
		t.Errorf("labels %v, want the project's %v", r.Labels, want)
	}
	if len(r.Pairs) != 3 {
		t.Fatalf("%d pairs, want 3", len(r.Pairs))
	}
	ab := r.Pairs[0]
	if ab.Annotators != [2]string{"alice", "bob"} || ab.Documents != 2 {
		t.Errorf("first pair %v over %d documents, want alice and bob over doc1 and doc2", ab.Annotators, ab.Documents)
	}
	checks := []valueCheck{
		// exact: doc1 2 FP 2 FN, doc2 actor TP, weapon FP and FN: 2·1 / (2·1 + 3 + 3)
		{"exact overall", ab.SpanF1[agreement.Exact].Overall, value(0.25)},
		{"exact actor", ab.SpanF1[agreement.Exact].ByLabel["actor"], value(0.5)},
		{"exact figure", ab.SpanF1[agreement.Exact].ByLabel["figure"], value(0)},
		{"exact claim: no spans", ab.SpanF1[agreement.Exact].ByLabel["claim"], undefined},
		{"exact_span overall", ab.SpanF1[agreement.ExactSpan].Overall, value(0.25)},
		// every span overlaps its partner, the skin tone inside the thumb included
		{"overlap overall", ab.SpanF1[agreement.Overlap].Overall, value(1)},
		{"overlap weapon", ab.SpanF1[agreement.Overlap].ByLabel["weapon"], value(1)},
		{"overlap_span overall", ab.SpanF1[agreement.OverlapSpan].Overall, value(1)},
		// actor tokens (out/in): doc1 [[6,1],[0,1]] (bob takes 🇺🇦 too), doc2 [[3,0],[0,1]]:
		// n 12, agree 11, chance 10·9 + 2·3 = 96: (132 - 96) / (144 - 96)
		{"Cohen actor", ab.CohenKappa["actor"], value(0.75)},
		// figure: doc1 [[6,0],[1,1]], doc2 [[4,0],[0,0]]: (132 - 112) / (144 - 112)
		{"Cohen figure", ab.CohenKappa["figure"], value(0.625)},
		{"Cohen weapon", ab.CohenKappa["weapon"], value(1)},
		{"Cohen claim: p_e = 1", ab.CohenKappa["claim"], undefined},
		// carol marked nothing done: her pairs compare no document
		{"alice–carol", r.Pairs[1].SpanF1[agreement.Overlap].Overall, undefined},
		{"Fleiss: no document all three did", r.FleissKappa["actor"], undefined},
		// alpha over doc1 and doc2, carol missing: 12 actor units (in,in)×2 (out,in) (out,out)×9;
		// n 24, n_out 19, n_in 5, Σo_cc 22: 1 - 23·2 / (576 - 361 - 25)
		{"Krippendorff actor", r.KrippendorffAlpha["actor"], value(1 - 46.0/190)},
		{"Krippendorff claim: one value throughout", r.KrippendorffAlpha["claim"], undefined},
		{"doc1", r.Documents[f.doc1], value(1)},
		{"doc3: one annotator", r.Documents[f.doc3], undefined},
	}
	checkValues(t, checks)
	if r.Pairs[1].Documents != 0 || r.FleissDocuments != 0 || r.KrippendorffDocuments != 2 {
		t.Errorf("documents: alice–carol %d, Fleiss %d, Krippendorff %d; want 0, 0, 2", r.Pairs[1].Documents, r.FleissDocuments, r.KrippendorffDocuments)
	}
	if _, ok := r.Documents[f.doc4]; ok {
		t.Error("doc4, which nobody touched, has an agreement")
	}
	conf := ab.Confusion
	if want := [][]int{{2, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}}; !slices.EqualFunc(conf.Counts, want, slices.Equal) {
		t.Errorf("confusion %v, want %v", conf.Counts, want)
	}
	if len(ab.ByDocument) != 2 || ab.ByDocument[0].Document != f.doc1 || !sameValue(ab.ByDocument[0].F1[agreement.Exact], value(0)) ||
		!sameValue(ab.ByDocument[1].F1[agreement.Exact], value(0.5)) {
		t.Errorf("by document %+v, want doc1 exact 0, doc2 exact 0.5", ab.ByDocument)
	}
}

func TestComputeAll(t *testing.T) {
	f := newFixture(t)
	r, err := agreement.Compute(context.Background(), f.p, agreement.Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	ac := r.Pairs[1]
	if ac.Annotators != [2]string{"alice", "carol"} || ac.Documents != 1 {
		t.Fatalf("pair %v over %d documents, want alice and carol over doc1, which carol touched", ac.Annotators, ac.Documents)
	}
	checks := []valueCheck{
		// carol has Kyiv only: TP 1, FN 1 (alice's figure)
		{"alice–carol exact", ac.SpanF1[agreement.Exact].Overall, value(2.0 / 3)},
		// doc1 tokens rated by all three, actor as (out, in): Kyiv (0,3), 🇺🇦 (2,1), 6 × (3,0):
		// P̄ = 22/24, P̄e = (4/24)² + (20/24)² = 26/36: (66 - 52)/72 ÷ 20/72
		{"Fleiss actor", r.FleissKappa["actor"], value(0.7)},
		// doc1: alice–bob 1, alice–carol 2/3, bob–carol 2/3
		{"doc1", r.Documents[f.doc1], value(7.0 / 9)},
		{"doc2", r.Documents[f.doc2], value(1)},
	}
	checkValues(t, checks)
	if r.FleissDocuments != 1 {
		t.Errorf("Fleiss over %d documents, want 1", r.FleissDocuments)
	}
	if got, want := r.WorstDocuments(), []int64{f.doc1, f.doc2, f.doc3}; !slices.Equal(got, want) {
		t.Errorf("WorstDocuments = %v, want %v (doc3, undefined, last)", got, want)
	}
}

func TestComputeOptions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r, err := agreement.Compute(ctx, f.p, agreement.Options{Annotators: []string{"bob", "gold", "bob"}, Labels: []string{"claim", "actor"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pairs) != 1 || r.Pairs[0].Annotators != [2]string{"bob", "gold"} || r.Pairs[0].Documents != 1 {
		t.Fatalf("pairs %+v, want bob–gold over doc1", r.Pairs)
	}
	if !slices.Equal(r.Labels, []string{"claim", "actor"}) || len(r.Pairs[0].CohenKappa) != 2 {
		t.Errorf("labels %v, kappas %v: want claim and actor only", r.Labels, r.Pairs[0].CohenKappa)
	}
	// bob's actor vs gold's claim: no match in a label-aware mode, a match in overlap_span
	if got := r.Pairs[0].SpanF1[agreement.OverlapSpan].Overall; !sameValue(got, value(1)) {
		t.Errorf("overlap_span = %v, want 1", got)
	}
	if got := r.Pairs[0].SpanF1[agreement.Overlap].Overall; !sameValue(got, value(0)) {
		t.Errorf("overlap = %v, want 0", got)
	}

	tests := map[string]struct {
		opts    agreement.Options
		message string
		unknown []string
	}{
		"annotators": {agreement.Options{Annotators: []string{"alice", "zed", "yan"}},
			`There are no annotators named "zed", "yan" in this project (there are: alice, bob, carol, gold).`, []string{"zed", "yan"}},
		"label": {agreement.Options{Labels: []string{"place"}},
			`There is no label named "place" in this project (there are: actor, figure, weapon, claim).`, []string{"place"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := agreement.Compute(ctx, f.p, tc.opts)
			var ne *agreement.NameError
			if !errors.As(err, &ne) || !slices.Equal(ne.Unknown, tc.unknown) {
				t.Fatalf("error %v, want a NameError naming %v", err, tc.unknown)
			}
			if got := annotations.Message(err); got != tc.message {
				t.Errorf("message %q, want %q", got, tc.message)
			}
		})
	}
}

// TestReportJSON fails on any missing or extra top-level key, and checks the shape of a pair.
func TestReportJSON(t *testing.T) {
	f := newFixture(t)
	r, err := agreement.Compute(context.Background(), f.p, agreement.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(top); !slices.Equal(got, []string{"fleiss_kappa", "krippendorff_alpha", "pairs"}) {
		t.Errorf("top-level keys %v, want exactly fleiss_kappa, krippendorff_alpha, pairs", got)
	}
	var pairs []map[string]json.RawMessage
	if err := json.Unmarshal(top["pairs"], &pairs); err != nil || len(pairs) != 3 {
		t.Fatalf("pairs: %v, %s", err, top["pairs"])
	}
	for _, k := range []string{"annotators", "documents", "span_f1", "cohen_kappa"} {
		if _, ok := pairs[0][k]; !ok {
			t.Errorf("a pair lacks %q: %s", k, sortedKeys(pairs[0]))
		}
	}
	var f1 map[string]struct {
		Overall *float64            `json:"overall"`
		ByLabel map[string]*float64 `json:"by_label"`
	}
	if err := json.Unmarshal(pairs[0]["span_f1"], &f1); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(f1); !slices.Equal(got, []string{"exact", "exact_span", "overlap", "overlap_span"}) {
		t.Errorf("span_f1 modes %v", got)
	}
	if e := f1["exact"]; e.Overall == nil || *e.Overall != 0.25 || e.ByLabel["claim"] != nil || len(e.ByLabel) != 4 {
		t.Errorf("exact = %s", pairs[0]["span_f1"])
	}
	if !strings.Contains(string(top["fleiss_kappa"]), `"actor":null`) {
		t.Errorf("fleiss_kappa %s: undefined should be null", top["fleiss_kappa"])
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
