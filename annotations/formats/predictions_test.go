package formats

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

func TestLabelStudioPredictionsReader(t *testing.T) {
	in := `[{"id": 1, "data": {"text": "EU rejects German call"},
  "annotations": [{"result": [{"id": "a", "type": "labels", "value": {"start": 11, "end": 17, "labels": ["MISC"]}}]}],
  "predictions": [{"score": 0.5, "result": [
    {"id": "r1", "type": "labels", "value": {"start": 0, "end": 2, "labels": ["ORG"]}, "score": 0.9},
    {"id": "r2", "type": "labels", "value": {"start": 11, "end": 17, "labels": ["MISC"]}}]}]}]`
	rec, err := NewLabelStudioPredictionsReader(strings.NewReader(in), "ls.json").Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Spans) != 2 || rec.Spans[0].Label != "ORG" || *rec.Spans[0].Score != 0.9 || *rec.Spans[1].Score != 0.5 {
		t.Errorf("spans %+v", rec.Spans)
	}
	plain, err := NewLabelStudioReader(strings.NewReader(in), "ls.json").Next()
	if err != nil || len(plain.Spans) != 1 || len(plain.Notices) != 1 {
		t.Errorf("the annotations reader: %+v, %v", plain, err)
	}
}

// TestLabelStudioPredictionsLeftOut checks that the predictions reader keeps a prediction's relations
// and notes what it leaves out: a region without a label, a whole-text choice, a relation to it.
func TestLabelStudioPredictionsLeftOut(t *testing.T) {
	in := `[{"id": 1, "data": {"text": "EU rejects German call"},
  "predictions": [{"result": [
    {"id": "r1", "type": "labels", "value": {"start": 0, "end": 2, "labels": ["ORG"]}},
    {"id": "r2", "type": "labels", "value": {"start": 11, "end": 17, "labels": ["MISC"]}},
    {"id": "r3", "type": "labels", "value": {"start": 18, "end": 22, "labels": []}},
    {"type": "choices", "from_name": "sentiment", "value": {"choices": ["neg"]}},
    {"type": "relation", "from_id": "r1", "to_id": "r2", "direction": "right", "labels": ["rejects"]},
    {"type": "relation", "from_id": "r1", "to_id": "r3", "direction": "right", "labels": ["about"]}]}]}]`
	rec, err := NewLabelStudioPredictionsReader(strings.NewReader(in), "ls.json").Next()
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Spans) != 2 || len(rec.Relations) != 1 || rec.Relations[0] != (annotations.RecordRelation{From: 0, To: 1, Type: "rejects"}) {
		t.Errorf("spans %+v, relations %+v", rec.Spans, rec.Relations)
	}
	for n, want := range map[annotations.Notice]int{lsUnlabelled: 1, lsOtherResult("choices"): 1, lsLostRelations: 1} {
		if rec.Notices[n] != want {
			t.Errorf("notice %q counted %d, want %d (all: %v)", n.One, rec.Notices[n], want, rec.Notices)
		}
	}
}

// TestPredictionsRefuseOtherFormats: predictions are read from Tagdesk JSONL and Label Studio only;
// a file detected as another format is refused with its name, not read as spans without scores.
func TestPredictionsRefuseOtherFormats(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"doccano.jsonl": `{"text": "Kyiv", "label": [[0, 4, "actor"]]}` + "\n",
		"plain.txt":     "Kyiv",
	})
	for _, name := range []string{"doccano.jsonl", "plain.txt"} {
		r := OpenWith([]string{filepath.Join(dir, name)}, ReadOptions{Predictions: true}, nil)
		_, err := r.Next()
		r.Close()
		if msg := annotations.Message(err); !strings.Contains(msg, name+": predictions are read from Tagdesk JSONL") {
			t.Errorf("%s: %q", name, msg)
		}
	}
}
