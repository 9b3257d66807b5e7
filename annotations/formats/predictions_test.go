package formats

import (
	"strings"
	"testing"
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
