package formats

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// A figure whose values were cleared (stored {}) and one with only a false flag come back from a
// round trip as they were, not with values derived from the text.
func TestRoundTripKeepsClearedAttrs(t *testing.T) {
	src := filepath.Join(t.TempDir(), "in.jsonl")
	line := `{"text": "Kyiv fait état d’environ 1.100 pertes et de 12 chars.", "spans": [` +
		`{"start": 25, "end": 37, "label": "figure", "annotator": "alice", "attributes": {}},` +
		`{"start": 44, "end": 52, "label": "figure", "annotator": "alice", "attributes": {"approximate": false}},` +
		`{"start": 0, "end": 4, "label": "actor", "annotator": "alice"}],` +
		`"relations": [{"from": 0, "to": 2, "type": "attributed_to"}]}` + "\n"
	if err := os.WriteFile(src, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	p := openProject(t)
	importFiles(t, p, "", annotations.ImportOptions{}, src)
	for name, rt := range roundTrips {
		if rt.keeps.attrs == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			format, _, _ := strings.Cut(name, "/")
			q := throughFile(t, p, format, rt.file, rt.opts, ReadOptions{Format: format})
			keep := carried{relations: true, attrs: func(any) bool { return true }}
			if a, b := describeKept(t, p, keep), describeKept(t, q, keep); a != b {
				t.Errorf("the projects differ:\n--- original\n%s\n--- round trip\n%s", a, b)
			}
		})
	}
}

// TestBratRelationsOfDiscontinuousSpans: a relation about a discontinuous T links each of its
// fragments; a relation of a T to itself is refused at its line.
func TestBratRelationsOfDiscontinuousSpans(t *testing.T) {
	const txt = "Kyiv dément: les pertes, selon Moscou, sont lourdes."
	for name, tt := range map[string]struct {
		ann     string
		problem string // "" when the import succeeds
		rels    int
	}{
		"to another span": {ann: "T1\tclaim 13 23;39 51\tles pertes sont lourdes\nT2\tactor 31 37\tMoscou\nA1\tstance T1 denied\nR1\tattributed_to Arg1:T1 Arg2:T2\n", rels: 2},
		"to itself":       {ann: "T1\tclaim 13 23;39 51\tles pertes sont lourdes\nR1\tpart_of Arg1:T1 Arg2:T1\n", problem: "c/a.ann:2: R1: it links T1 to itself"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"c/a.txt": txt, "c/a.ann": tt.ann})
			p := openProject(t)
			r := Open([]string{filepath.Join(dir, "c")}, "", nil)
			defer r.Close()
			rep, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "carol"})
			switch {
			case tt.problem != "" && (err == nil || !strings.Contains(annotations.Message(err), tt.problem)):
				t.Errorf("import: %v, want the problem %q", err, tt.problem)
			case tt.problem == "" && err != nil:
				t.Fatal(err)
			case tt.problem == "" && rep.Relations != tt.rels:
				t.Errorf("%d relations imported, want %d (one per fragment)", rep.Relations, tt.rels)
			}
		})
	}
}

// TestBratChoiceWithSpaceRoundTrip: a choice value with a space goes to brat as not_confirmed, and
// importing the collection into a project whose label has the value "not confirmed" gives it back.
func TestBratChoiceWithSpaceRoundTrip(t *testing.T) {
	ctx := context.Background()
	mk := func() *annotations.Project {
		p := openProject(t)
		labels, _ := p.Labels(ctx)
		for _, l := range labels {
			if l.Name == "claim" {
				l.Attributes[0].Values = append(l.Attributes[0].Values, "not confirmed")
				if _, err := p.UpdateLabel(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
		}
		return p
	}
	src := filepath.Join(t.TempDir(), "in.jsonl")
	os.WriteFile(src, []byte(`{"text": "Moscou: les pertes sont lourdes.", "spans": [{"start": 8, "end": 31, "label": "claim", "annotator": "alice", "attributes": {"stance": "not confirmed"}}]}`+"\n"), 0o644)
	p := mk()
	importFiles(t, p, "", annotations.ImportOptions{}, src)
	out := filepath.Join(t.TempDir(), "coll")
	writeBratTree(t, p, out, annotations.ExportQuery{}, WriterOptions{LabelSet: func() []annotations.Label { l, _ := p.Labels(ctx); return l }()})
	r := Open([]string{out}, Brat, nil)
	defer r.Close()
	q := mk()
	if _, err := q.Import(ctx, r, annotations.ImportOptions{}); err != nil {
		t.Fatalf("import of the brat export: %v", err)
	}
	var stances []any
	q.Export(ctx, annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		for _, s := range d.Spans {
			stances = append(stances, s.Attrs["stance"])
		}
		return nil
	})
	if len(stances) != 1 || stances[0] != "not confirmed" {
		t.Errorf("the claim came back with the stances %v, want \"not confirmed\"", stances)
	}
}
