package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// agreementProject imports one document that alice and bob marked done, worked out by hand in
// TestCLIAgreement, and one carol only touched.
func agreementProject(t *testing.T, c *cli) string {
	t.Helper()
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	// tokens: Kyiv 0-4, says, 40 10-12, drones 13-19, hit, Lviv, "."
	in := writeFile(t, filepath.Join(dir, "in.jsonl"),
		`{"text": "Kyiv says 40 drones hit Lviv.", "status": {"alice": "done", "bob": "done"}, "spans": [`+
			`{"start": 0, "end": 4, "label": "actor", "annotator": "alice"}, {"start": 10, "end": 19, "label": "figure", "annotator": "alice"},`+
			`{"start": 0, "end": 4, "label": "actor", "annotator": "bob"}, {"start": 10, "end": 12, "label": "figure", "annotator": "bob"}],`+
			`"relations": [{"from": 1, "to": 0, "type": "attributed_to"}, {"from": 3, "to": 2, "type": "attributed_to"}]}`+"\n"+
			`{"text": "Carol only.", "spans": [{"start": 0, "end": 5, "label": "actor", "annotator": "carol"}]}`+"\n")
	if code, _, errs := c.run("", "import", "--project", project, in); code != 0 {
		t.Fatal(errs)
	}
	return project
}

func TestCLIAgreement(t *testing.T) {
	c := newCLI(t)
	project := agreementProject(t, c)
	code, out, errs := c.run("", "agreement", "--project", project, "--annotators", "alice,bob")
	// exact: actor matches, figure 10-19 against 10-12 does not: 2·1 / (2·1 + 1 + 1) = 0.5.
	// Relations: figure -> actor, whose figures differ: none matches, F1 0.
	// Cohen figure: tokens (alice, bob) 40 (in, in), drones (in, out), 5 × (out, out):
	// n 7, agree 6, chance 5·6 + 2·1: (42 - 32) / (49 - 32) = 10/17.
	// Fleiss figure: P̄ = 6/7, P̄e = (3/14)² + (11/14)²: 38/66. Krippendorff figure: n 14, n_in 3,
	// Σo_cc 12: 1 - 13·2 / (196 - 121 - 9) = 40/66.
	want := `Each pair is compared over the documents both annotators marked done.

alice and bob: 1 document
               F1 exact  F1 exact_span  F1 overlap  F1 overlap_span    Cohen κ
  all labels      0.500          0.500       1.000            1.000           
       actor      1.000          1.000       1.000            1.000      1.000
      figure      0.000          0.000       1.000            1.000      0.588
      weapon  undefined      undefined   undefined        undefined  undefined
       claim  undefined      undefined   undefined        undefined  undefined
relation F1 (same type, both spans exact): 0.000

All alice, bob, over word tokens: Fleiss' κ on 1 document all of them marked done, Krippendorff's α on 1 document two or more marked done.
           Fleiss κ  Krippendorff α
   actor      1.000           1.000
  figure      0.576           0.606
  weapon  undefined       undefined
   claim  undefined       undefined
`
	if code != 0 || out != want {
		t.Errorf("code %d, stderr %q, output:\n%s\nwant:\n%s", code, errs, out, want)
	}

	code, out, _ = c.run("", "agreement", "--project", project, "--annotators", "alice,bob", "--labels", "figure", "--json")
	var r struct {
		Pairs []struct {
			Annotators []string                              `json:"annotators"`
			Documents  int                                   `json:"documents"`
			SpanF1     map[string]struct{ Overall *float64 } `json:"span_f1"`
			CohenKappa map[string]*float64                   `json:"cohen_kappa"`
			RelationF1 *float64                              `json:"relation_f1"`
		} `json:"pairs"`
		Fleiss map[string]*float64 `json:"fleiss_kappa"`
		Alpha  map[string]*float64 `json:"krippendorff_alpha"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || len(r.Pairs) != 1 {
		t.Fatalf("--json: code %d, %v, %s", code, err, out)
	}
	pr := r.Pairs[0]
	if pr.Documents != 1 || *pr.SpanF1["exact"].Overall != 0 || *pr.SpanF1["overlap"].Overall != 1 ||
		*pr.CohenKappa["figure"] != 10.0/17 || len(pr.CohenKappa) != 1 || *r.Alpha["figure"] != 1-26.0/66 ||
		pr.RelationF1 != nil { // the relations go to actors, left out by --labels figure
		t.Errorf("--json --labels figure: %s", out)
	}
}

func TestCLIAgreementNothingAndErrors(t *testing.T) {
	c := newCLI(t)
	project := agreementProject(t, c)
	tests := map[string]struct {
		args   []string
		code   int
		output string // stdout, or stderr when code is not 0
	}{
		"carol marked nothing done": {[]string{"--annotators", "alice,carol"}, 0,
			"Nothing to compare: no two of alice, carol have both marked done a document. Mark documents done, or use --all to compare the documents both touched.\n"},
		"unknown names": {[]string{"--annotators", "alice,zed", "--labels", "place"}, 2,
			"tagdesk agreement: unknown annotator \"zed\" (the annotators are: alice, bob, carol)\nRun 'tagdesk agreement --help' for usage.\n"},
		"unknown label": {[]string{"--labels", "actor,place"}, 2,
			"tagdesk agreement: unknown label \"place\" (the labels are: actor, figure, weapon, claim)\nRun 'tagdesk agreement --help' for usage.\n"},
		"one annotator": {[]string{"--annotators", "alice"}, 2,
			"tagdesk agreement: give at least two annotators to compare\nRun 'tagdesk agreement --help' for usage.\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errs := c.run("", append([]string{"agreement", "--project", project}, tc.args...)...)
			got := out
			if code != 0 {
				got = errs
			}
			if code != tc.code || got != tc.output {
				t.Errorf("code %d, %q; want %d, %q", code, got, tc.code, tc.output)
			}
		})
	}
	// with --all carol's touched document still has no second annotator, but alice and bob's counts
	if code, out, _ := c.run("", "agreement", "--project", project, "--all"); code != 0 ||
		!strings.Contains(out, "documents both annotators touched") || !strings.Contains(out, "alice and carol: 0 documents") {
		t.Errorf("--all: %d\n%s", code, out)
	}
	empty := filepath.Join(t.TempDir(), "e.tagdesk")
	c.run("", "import", "--project", empty, writeFile(t, filepath.Join(t.TempDir(), "a.txt"), "Kyiv"))
	if code, out, _ := c.run("", "agreement", "--project", empty); code != 0 ||
		out != "Nothing to compare: agreement needs two annotators, and this project has 0 annotators (gold not counted).\n" {
		t.Errorf("no annotators: %d %q", code, out)
	}
}
