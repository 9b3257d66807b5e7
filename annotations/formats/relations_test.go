package formats

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// TestRelationNotices checks that the writers whose formats cannot carry relations count those they
// left out of the corpus (4 relations, 1 of them bob's).
func TestRelationNotices(t *testing.T) {
	p := corpusProject(t)
	bob := annotations.ExportQuery{Annotators: []string{"bob"}}
	tests := map[string]struct {
		format string
		q      annotations.ExportQuery
		opts   WriterOptions
		want   string
	}{
		"csv":              {CSV, annotations.ExportQuery{}, WriterOptions{}, "4 relations were left out: CSV cannot carry relations."},
		"spacy":            {SpaCy, bob, WriterOptions{}, "1 relation was left out: spaCy cannot carry relations."},
		"doccano label":    {Doccano, annotations.ExportQuery{}, WriterOptions{}, "4 relations left out: use --doccano-form entities."},
		"doccano entities": {Doccano, annotations.ExportQuery{}, WriterOptions{DoccanoForm: DoccanoEntities}, ""},
		"jsonl":            {JSONL, annotations.ExportQuery{}, WriterOptions{}, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, w := exportWriter(t, p, tt.format, tt.q, tt.opts)
			var got []string
			if n, ok := w.(Noticer); ok {
				got = n.Notices()
			}
			if found := slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "relation") }); found != (tt.want != "") ||
				tt.want != "" && !slices.Contains(got, tt.want) {
				t.Errorf("notices %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := NewWriter(Doccano, nil, WriterOptions{DoccanoForm: "spans"}); err == nil {
		t.Error("an unknown doccano form was accepted")
	}
}

// TestReadRelationsProblems checks that each reader reports relations it cannot resolve at their
// line, and that the import then adds nothing.
func TestReadRelationsProblems(t *testing.T) {
	tests := map[string]struct {
		format, line, want string
	}{
		"jsonl index": {JSONL, `{"text": "Kyiv said", "spans": [{"start": 0, "end": 4, "label": "actor"}], "relations": [{"from": 0, "to": 1, "type": "attributed_to"}]}`,
			`relation 1: "to" 1 is not the index of a span (there are 1, from 0)`},
		"jsonl field": {JSONL, `{"text": "Kyiv", "relations": [{"from": 0, "to": 1, "kind": "x"}]}`,
			`relation 1: unknown field "kind"`},
		"jsonl annotators": {JSONL, `{"text": "Kyiv said", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "a"}, {"start": 5, "end": 9, "label": "claim", "annotator": "b"}], "relations": [{"from": 1, "to": 0, "type": "attributed_to"}]}`,
			`relation 1: it links spans of different annotators ("b" and "a")`},
		"doccano id": {Doccano, `{"text": "Kyiv said", "entities": [{"id": 7, "start_offset": 0, "end_offset": 4, "label": "actor"}], "relations": [{"id": 1, "from_id": 7, "to_id": 8, "type": "x"}]}`,
			`relation 1: "to_id" 8 is not the id of an entity of the line`},
		"prodigy span": {Prodigy, `{"text": "Kyiv said", "answer": "accept", "spans": [{"start": 0, "end": 4, "label": "actor"}], "relations": [{"head": 0, "child": 1, "head_span": {"start": 5, "end": 9, "label": "claim"}, "child_span": {"start": 0, "end": 4, "label": "actor"}, "label": "x"}]}`,
			`relation 1: its head_span 5–9 "claim" is not one of the example's spans`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"in.jsonl": "\n" + tt.line + "\n"})
			p := openProject(t)
			r := Open([]string{filepath.Join(dir, "in.jsonl")}, tt.format, nil)
			defer r.Close()
			_, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "carol"})
			if got := annotations.Message(err); !strings.Contains(got, ":2: "+tt.want) {
				t.Errorf("error %q, want it to hold %q", got, tt.want)
			}
			if st, _ := p.Stats(context.Background()); st.Documents != 0 {
				t.Errorf("%d documents imported", st.Documents)
			}
		})
	}
}

// TestImportRelationsTwice imports the corpus twice: the second time every relation is present.
func TestImportRelationsTwice(t *testing.T) {
	p := openProject(t)
	rep := importFiles(t, p, "", annotations.ImportOptions{}, "testdata/corpus.jsonl")
	if rep.Relations != 4 || rep.RelationsPresent != 0 || !slices.Equal(rep.RelationTypes, []string{"part_of"}) {
		t.Errorf("first import: %+v", rep)
	}
	if !strings.Contains(rep.Summary(), "; 4 relations added, 0 relations already present.") {
		t.Errorf("summary %q", rep.Summary())
	}
	rep = importFiles(t, p, "", annotations.ImportOptions{}, "testdata/corpus.jsonl")
	if rep.Relations != 0 || rep.RelationsPresent != 4 || len(rep.RelationTypes) != 0 {
		t.Errorf("second import: %+v", rep)
	}
}

// TestLabelStudioRelations reads relations as Label Studio writes them: "left" is read backwards,
// and one without a label or to a region not kept is counted.
func TestLabelStudioRelations(t *testing.T) {
	const task = `[{"id": 1, "data": {"text": "Kyiv said so"}, "annotations": [{"completed_by": 1, "result": [
		{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["actor"]}},
		{"id": "c", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 5, "end": 12, "labels": ["claim"]}},
		{"from_id": "a", "to_id": "c", "type": "relation", "direction": "left", "labels": ["attributed_to"]},
		{"from_id": "c", "to_id": "a", "type": "relation", "direction": "right", "labels": []},
		{"from_id": "c", "to_id": "zz", "type": "relation", "direction": "right", "labels": ["x"]}]}]}]`
	dir := writeFiles(t, map[string]string{"ls.json": task})
	p := openProject(t)
	rep := importFiles(t, p, "", annotations.ImportOptions{}, filepath.Join(dir, "ls.json"))
	if rep.Relations != 1 || !slices.ContainsFunc(rep.Notices, func(s string) bool {
		return strings.HasPrefix(s, "2 Label Studio relations without a label, or between regions Tagdesk did not keep, were not imported")
	}) {
		t.Errorf("report %+v", rep)
	}
	got := describeBrat(t, p)
	if want := "  labelstudio-user-1 claim 5-12 -attributed_to-> actor 0-4\n"; !strings.HasSuffix(got, want) {
		t.Errorf("imported:\n%s\nwant it to end with %q", got, want)
	}
}
