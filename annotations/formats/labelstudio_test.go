package formats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/tagdesk/tagdesk/annotations"
)

// lsExport is the shape of a Label Studio export as the tests check it.
type lsExport []struct {
	ID   *int `json:"id"`
	Data *struct {
		Text       *string         `json:"text"`
		DocumentID string          `json:"document_id"`
		Meta       json.RawMessage `json:"meta"`
	} `json:"data"`
	Annotations []struct {
		Result []struct {
			ID       string          `json:"id"`
			FromName string          `json:"from_name"`
			ToName   string          `json:"to_name"`
			Type     string          `json:"type"`
			Value    json.RawMessage `json:"value"`
			// a relation's
			FromID    string   `json:"from_id"`
			ToID      string   `json:"to_id"`
			Direction string   `json:"direction"`
			Labels    []string `json:"labels"`
		} `json:"result"`
		WasCancelled *bool   `json:"was_cancelled"`
		GroundTruth  *bool   `json:"ground_truth"`
		CompletedBy  any     `json:"completed_by"`
		Annotator    string  `json:"tagdesk_annotator"`
		Status       *string `json:"tagdesk_status"`
	} `json:"annotations"`
	Predictions []json.RawMessage `json:"predictions"`
}

// checkLabelStudioShape checks out against what Label Studio documents: a list of tasks with an
// integer id, data.text and annotations whose "labels" results carry start, end, the text at those
// offsets (in unit) and labels, whose "textarea" results share the id of a region, and whose
// "relation" results link regions.
func checkLabelStudioShape(t *testing.T, out []byte, unit Offsets) lsExport {
	t.Helper()
	var tasks lsExport
	if err := json.Unmarshal(out, &tasks); err != nil {
		t.Fatalf("the export is not a JSON list of tasks: %v", err)
	}
	for i, task := range tasks {
		if task.ID == nil || *task.ID != i+1 || task.Data == nil || task.Data.Text == nil || task.Annotations == nil || task.Predictions == nil {
			t.Fatalf("task %d lacks id, data.text, annotations or predictions: %+v", i+1, task)
		}
		for j, a := range task.Annotations {
			if a.WasCancelled == nil || *a.WasCancelled || a.GroundTruth == nil || a.Status == nil || a.Annotator == "" || a.CompletedBy != nil {
				t.Errorf("task %d, annotation %d: %+v", i+1, j+1, a)
			}
			regions := map[string]bool{}
			for k, r := range a.Result {
				where := fmt.Sprintf("task %d, annotation %d, result %d", i+1, j+1, k+1)
				if r.Type == "relation" {
					if !regions[r.FromID] || !regions[r.ToID] || r.Direction != "right" || len(r.Labels) != 1 {
						t.Errorf("%s: a relation not between regions before it: %+v", where, r)
					}
					continue
				}
				if r.ToName != "text" || r.ID == "" {
					t.Errorf("%s: %+v", where, r)
				}
				switch r.Type {
				case "labels":
					var v struct {
						Start, End *int
						Text       string
						Labels     []string
					}
					if err := json.Unmarshal(r.Value, &v); err != nil || v.Start == nil || v.End == nil || len(v.Labels) != 1 || r.FromName != "label" {
						t.Errorf("%s: %s %s", where, r.FromName, r.Value)
						continue
					}
					if got := sliceIn(*task.Data.Text, *v.Start, *v.End, unit); got != v.Text {
						t.Errorf("%s: text %q, but the document has %q at %d-%d", where, v.Text, got, *v.Start, *v.End)
					}
					regions[r.ID] = true
				case "textarea":
					var v struct{ Text []string }
					if err := json.Unmarshal(r.Value, &v); err != nil || len(v.Text) != 1 || !regions[r.ID] || r.FromName != "note" {
						t.Errorf("%s: a note not on the region before it: %s %s", where, r.ID, r.Value)
					}
				case "number", "choices":
					var v struct {
						Number  *float64
						Choices []string
					}
					// a number, one choice, or no choice: a flag left unchecked
					if err := json.Unmarshal(r.Value, &v); err != nil || (v.Number == nil) == (len(v.Choices) > 1 || v.Choices == nil) || !regions[r.ID] ||
						r.FromName == "" || r.FromName == "label" || r.FromName == "note" {
						t.Errorf("%s: an attribute value not on the region before it: %s %s %s", where, r.ID, r.FromName, r.Value)
					}
				default:
					t.Errorf("%s: type %q", where, r.Type)
				}
			}
		}
	}
	return tasks
}

// sliceIn returns s[start:end] in unit.
func sliceIn(s string, start, end int, unit Offsets) string {
	if unit == UTF16 {
		u := utf16.Encode([]rune(s))
		return string(utf16.Decode(u[start:end]))
	}
	return string([]rune(s)[start:end])
}

func TestLabelStudioGolden(t *testing.T) {
	p := corpusProject(t)
	tests := map[string]Offsets{
		"export.labelstudio.json":       CodePoints,
		"export-utf16.labelstudio.json": UTF16,
	}
	for name, unit := range tests {
		t.Run(name, func(t *testing.T) {
			out := export(t, p, LabelStudio, annotations.ExportQuery{}, WriterOptions{Offsets: unit})
			golden(t, name, out)
			tasks := checkLabelStudioShape(t, out, unit)
			if st, _ := p.Stats(context.Background()); len(tasks) != st.Documents {
				t.Errorf("%d tasks for %d documents", len(tasks), st.Documents)
			}
		})
	}
}

// TestLabelStudioRoundTrip exports the corpus, imports the export into an empty project, in code
// points and in UTF-16 units, and checks that everything comes back: texts, names, metadata, spans
// with notes, statuses (new with spans too), and ids (a document without one gets its key). Exporting the copy gives the same file.
func TestLabelStudioRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := corpusProject(t)
	docs, _ := p.ListDocuments(ctx, annotations.DocumentQuery{Annotator: "bob"})
	if err := p.SetStatus(ctx, docs[0].ID, "bob", annotations.StatusNew); err != nil || docs[0].Spans == 0 {
		t.Fatalf("set bob's status of %s (%d spans) to new: %v", docs[0].Name, docs[0].Spans, err)
	}
	keeps := carried{notes: true, statuses: true, names: true} // names: the key, as a document without an id gets it
	want := describeKept(t, p, keeps)
	st, _ := p.Stats(ctx)
	for _, unit := range OffsetUnits {
		t.Run(string(unit), func(t *testing.T) {
			first := export(t, p, LabelStudio, annotations.ExportQuery{}, WriterOptions{Offsets: unit})
			path := filepath.Join(t.TempDir(), "tasks.json")
			if err := os.WriteFile(path, first, 0o644); err != nil {
				t.Fatal(err)
			}
			q := openProject(t)
			r := OpenWith([]string{path}, ReadOptions{Offsets: unit}, nil) // detected from the "["
			defer r.Close()
			rep, err := q.Import(ctx, r, annotations.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Documents != st.Documents || rep.Spans != st.Spans || rep.SpansPresent != 0 || len(rep.Notices) != 1 {
				t.Errorf("re-import report %+v for %d documents and %d spans", rep, st.Documents, st.Spans)
			}
			if got := describeKept(t, q, keeps); got != want {
				t.Errorf("the projects differ:\n--- original\n%s\n--- round trip\n%s", want, got)
			}
			if second := export(t, q, LabelStudio, annotations.ExportQuery{}, WriterOptions{Offsets: unit}); !bytes.Equal(first, second) {
				t.Errorf("the round trip changed the export:\n--- first\n%s\n--- second\n%s", first, second)
			}
		})
	}
}

// TestLabelStudioImport reads an export as Label Studio writes it: integer and older object
// completed_by, a cancelled annotation, predictions, a region with two labels, per-region and
// whole-text TextAreas, a relation, a choices result, a region whose saved text lost a double space,
// drafts, and data without "text".
func TestLabelStudioImport(t *testing.T) {
	ctx := context.Background()
	const file = "testdata/labelstudio-export.json"
	p := openProject(t)
	rep := importFiles(t, p, "", annotations.ImportOptions{}, file)
	if rep.Records != 3 || rep.Documents != 3 || rep.Spans != 6 ||
		!slices.Equal(rep.AnnotatorsAdded, []string{"labelstudio-user-1", "carol@example.org"}) ||
		rep.Relations != 1 || !slices.Equal(rep.RelationTypes, []string{"rejects"}) {
		t.Errorf("report %+v", rep)
	}
	wantNotices := []string{
		`1 Label Studio "choices" result was not imported: Tagdesk keeps only text spans (` + file + ":2).",
		"2 Label Studio prediction results (pre-annotations) were not imported as spans: import them as suggestions with tagdesk suggest import --format labelstudio (" + file + ":2).",
		"1 cancelled (skipped) Label Studio annotation was not imported (" + file + ":2).",
		`1 Label Studio "textarea" result was not imported: Tagdesk keeps only text spans (` + file + ":148).",
		"1 Label Studio region's saved text differs from the document only in white space (Label Studio collapses runs of spaces in it); its offsets were kept (" + file + ":148).",
		"1 Label Studio draft (unsubmitted annotation) was not imported (" + file + ":204).",
	}
	if !slices.Equal(rep.Notices, wantNotices) {
		t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(rep.Notices, "\n"), strings.Join(wantNotices, "\n"))
	}
	var b strings.Builder
	p.Export(ctx, annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		fmt.Fprintf(&b, "%s | %s | %s | %q\n", d.Name, d.SourceID, d.Meta, d.Text)
		for _, s := range d.Spans {
			fmt.Fprintf(&b, "  %s %s %d-%d %q\n", s.Annotator, s.Label, s.Start, s.End, s.Note)
		}
		for _, a := range d.Annotators {
			fmt.Fprintf(&b, "  status %s %s\n", a, d.Statuses[a])
		}
		return nil
	})
	want := `41 | 41 | {"source":"conll2003"} | "EU rejects German call to boycott British lamb.\nPeter Blackburn"
  labelstudio-user-1 ORG 0-2 ""
  labelstudio-user-1 MISC 11-17 "adjective, not the country"
  labelstudio-user-1 MISC 34-41 ""
  labelstudio-user-1 LOC 34-41 ""
  status labelstudio-user-1 done
42 | 42 | {"lang":"en"} | "🇺🇦 Kyiv said  40 drones were shot down."
  carol@example.org CLAIM 3-16 ""
  carol@example.org WEAPON 17-23 "check the figure\nsecond source?"
  status carol@example.org done
43 | 43 | {"rating_id":5} | "Great lamb, terrible service."
`
	if got := b.String(); got != want {
		t.Errorf("imported:\n%s\nwant:\n%s", got, want)
	}
}

func TestLabelStudioImportErrors(t *testing.T) {
	three := `[
  {
    "id": 1,
    "data": {"text": "one"},
    "annotations": []
  },
  {
    "id": 2,
    "data": {"text": "two"}
  },
  {
    "id": 3,
    "data": {"text": "three"},
    "annotations": [
      {"completed_by": 1, "result": [
        {"id": "a", "type": "labels", "value": {"start": "0", "end": 5, "labels": ["X"]}}
      ]}
    ]
  }
]
`
	region := func(value string) string {
		return `[{"data": {"text": "abc"}, "annotations": [{"completed_by": 1, "result": [{"id": "r", "type": "labels", "value": ` + value + `}]}]}]`
	}
	lines := strings.Join([]string{
		`{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 1, "labels": "X"}}]}]}`,
		`{"data": {"text": 5}}`,
		`{"data": {"text": "abc"}, "annotations": {"result": []}}`,
		`{"data": {"text": "abc"}, "annotations": [{"was_cancelled": "no", "result": []}]}`,
		`{"data": {"text": "abc"}, "annotations": [{"completed_by": [1], "result": []}]}`,
		`{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 1, "text": 7, "labels": ["X"]}}]}]}`,
		`{"data": {"title": "a", "body": "b"}}`,
		`{"data": {"text": "abc"}, "predictions": [{"result": [{"value": {}}]}]}`,
		`{"annotations": []}`,
		`{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "X"}]}`,
		`{"id": 7, "data": {"text": "abc"}, "annotations": [{"result": [{"id": "n", "type": "textarea", "value": {"text": [1]}}]}]}`,
		`{"data": {"text": "abc"}, "annotations": [{"tagdesk_annotator": "a", "tagdesk_status": "finished", "result": []}]}`,
		`{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 1, "labels": ["X"]}}]}]}`,
		`{"data": "abc"}`,
		`{"data": {"text": "abc"}, "annotations": [{"result": [{"type": "labels", "value": [0, 1]}]}]}`,
	}, "\n")
	tests := map[string]importCase{
		"an error in task 3 names the line task 3 starts on": {
			files: map[string]string{"tasks.json": three},
			want:  []string{"tasks.json:11: task 3 (id 3), annotation 1, result 1: start should be a number, not a string"},
		},
		"wrong types, one task per line": {
			files:  map[string]string{"tasks.json": lines},
			format: LabelStudio,
			want: []string{
				`tasks.json:1: task 1, annotation 1, result 1: "labels" should be a list of strings`,
				`tasks.json:2: task 2: data "text" should be a string`,
				`tasks.json:3: task 3: "annotations" should be a list`,
				`tasks.json:4: task 4, annotation 1: "was_cancelled" should be a bool, not a JSON string`,
				`tasks.json:5: task 5, annotation 1: "completed_by" should be a user id or an object with an "email"`,
				`tasks.json:6: task 6, annotation 1, result 1: "text" should be a string`,
				`tasks.json:7: task 7: data has no "text" but several strings ("body", "title"): Tagdesk cannot tell which one is the document`,
				`tasks.json:8: task 8, prediction 1, result 1: "type" is missing`,
				`tasks.json:9: task 9: it has "annotations" but no "data"`,
				`tasks.json:10: task 10: there is no "data" and "spans" holds a list: this looks like another format than Label Studio's (give --format)`,
				`tasks.json:11: task 11 (id 7), annotation 1, result 1: "text" should be a list of strings`,
				`tasks.json:12: status of "a": "finished" is not new, in_progress or done`,
				`tasks.json:13: span 1 ("X") has no annotator; give one with --annotator or an "annotator" field`,
				`tasks.json:14: task 14: "data" should be an object`,
				`tasks.json:15: task 15, annotation 1, result 1: "value" should be an object`,
			},
		},
		"truncated in a task": {
			files: map[string]string{"cut.json": "[\n  {\"data\": {\"text\": \"a\"}},\n  {\"data\": {\"text\": \"b\""},
			want:  []string{"cut.json:3: task 2: the JSON ends too early (truncated file?)"},
		},
		"truncated after a task": {
			files: map[string]string{"open.json": "[\n  {\"data\": {\"text\": \"a\"}}\n"},
			want:  []string{"open.json:2: the JSON ends too early: the list of tasks is not closed with ] (truncated file?)"},
		},
		"truncated after a comma": {
			files: map[string]string{"comma.json": "[\n  {\"data\": {\"text\": \"a\"}},\n\n"},
			want:  []string{"comma.json:3: the JSON ends too early (truncated file?)"},
		},
		"invalid JSON inside tasks, the tasks after still read": {
			files: map[string]string{"bad.json": "[\n{\"data\": {\"text\": \"a\"}},\n{\"data\":\n  {\"text\" \"b\"}},\n{\"data\": {\"text\": \"c\"} \"annotations\": []},\n{\"data\": {\"text\": \"d\"}, \"annotations\": [{}]}\n]"},
			want: []string{
				`bad.json:3: task 2: invalid JSON on line 4: invalid character '"' after object key`,
				`bad.json:5: task 3: invalid JSON on line 5: invalid character '"' after object key:value pair`,
				`bad.json:6: task 4, annotation 1: "result" is missing`,
			},
		},
		"unbalanced brackets": {
			files: map[string]string{"bad.json": "[\n{\"data\": {\"text\": \"a\"}, \"annotations\": [{]}\n]\n"},
			want: []string{
				`bad.json:2: task 1: invalid JSON on line 2: invalid character ']' looking for beginning of object key string`,
				`bad.json:3: the JSON ends too early: the list of tasks is not closed with ] (truncated file?)`,
			},
		},
		"offsets out of range": {
			files: map[string]string{"range.json": region(`{"start": 1, "end": 9, "labels": ["ORG"]}`)},
			want:  []string{`range.json:1: span 1 ("ORG"): end 9 is past the end of the text (3 characters)`},
		},
		"saved text that is not the document's": {
			files: map[string]string{"text.json": region(`{"start": 0, "end": 3, "text": "abd", "labels": ["ORG"]}`)},
			want:  []string{`text.json:1: span 1 ("ORG"): its text "abd" does not match the document text at 0–3, which is "abc"`},
		},
		"not a list of tasks": {
			files:  map[string]string{"s.json": "\n\"tasks\"\n"},
			format: LabelStudio,
			want:   []string{"s.json:2: expected a JSON list of Label Studio tasks [...] or a task {...}"},
		},
		"more after the list": {
			files: map[string]string{"two.json": "[]\n[]\n"},
			want:  []string{"two.json:2: there is more after the list of tasks"},
		},
		"comma before ]": {
			files: map[string]string{"comma.json": "[{\"data\": {\"text\": \"a\"}},\n]"},
			want:  []string{"comma.json:2: invalid JSON: a comma before ]"},
		},
		"missing comma": {
			files: map[string]string{"nocomma.json": "[{\"data\": {\"text\": \"a\"}}\n{\"data\": {\"text\": \"b\"}}]"},
			want:  []string{"nocomma.json:2: invalid JSON: expected , or ] after task 1, found '{'"},
		},
		"invalid UTF-8": {
			files: map[string]string{"u.json": "[\n{\"data\": {\"text\": \"a\"}},\n{\"data\":\n {\"text\": \"caf\xe9\"}}\n]"},
			want:  []string{"u.json:3: task 2: invalid UTF-8 on line 4 (byte 0xE9); save the file as UTF-8"},
		},
		"UTF-16": {
			files:  map[string]string{"w.json": "\xff\xfe[\x00{\x00"},
			format: LabelStudio,
			want:   []string{"w.json: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"},
		},
	}
	runImportCases(t, tests)
}

// readAll reads every record of r, failing on any error.
func readAll(t *testing.T, r annotations.RecordReader) []*annotations.Record {
	t.Helper()
	var recs []*annotations.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
}

// TestLabelStudioReaderForms reads the other shapes Label Studio imports: one task, tasks one after
// another, plain data objects; a byte-order mark, empty lists and files.
func TestLabelStudioReaderForms(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string // line|id|name|text|meta of each record
	}{
		"one task": {"{\n  \"id\": 5,\n  \"data\": {\"text\": \"a\", \"name\": \"n\"}\n}\n", []string{`1|5|n|"a"|`}},
		"JSON Lines": {"\uFEFF{\"data\": {\"text\": \"a\"}}\r\n\r\n{\"data\": {\"text\": \"b\", \"document_id\": 9}}\r\n",
			[]string{`1|||"a"|`, `3|9||"b"|`}},
		"plain data objects": {`[{"text": "a", "id": 3}, {"my_text": "b", "ref_id": 4, "meta": {"k": 1}}, {"text": "c", "label": "positive"}]`,
			[]string{`1|||"a"|{"id":3}`, `1|||"b"|{"k":1,"ref_id":4}`, `1|||"c"|{"label":"positive"}`}},
		"empty list":  {" [ ]\n", nil},
		"empty file":  {"", nil},
		"blank file":  {"\n\n", nil},
		"only a BOM":  {"\uFEFF", nil},
		"escapes":     {"[\n{\"data\": {\"text\": \"Харків \\u00e9\\\"\"}}]", []string{`2|||"Харків é\""|`}},
		"document id": {`[{"id": 1, "data": {"text": "a", "document_id": "fr-1"}}]`, []string{`1|fr-1||"a"|`}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, rec := range readAll(t, NewLabelStudioReader(strings.NewReader(tt.in), "in.json")) {
				got = append(got, fmt.Sprintf("%d|%s|%s|%q|%s", rec.Line, rec.ID, rec.Name, rec.Text, rec.Meta))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("records %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLabelStudioReaderStreams checks that a task is returned before the rest of the file is there.
func TestLabelStudioReaderStreams(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close()
	r := NewLabelStudioReader(pr, "stream.json")
	go pw.Write([]byte("[\n{\"data\": {\"text\": \"first\"}},\n"))
	rec, err := r.Next()
	if err != nil || rec.Text != "first" {
		t.Fatalf("first task: %+v, %v", rec, err)
	}
	go func() {
		pw.Write([]byte("{\"data\": {\"text\": \"second\"}}\n]\n"))
		pw.Close()
	}()
	if rec, err := r.Next(); err != nil || rec.Text != "second" || rec.Line != 3 {
		t.Fatalf("second task: %+v, %v", rec, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the list: %v", err)
	}
}

// TestLabelStudioWriter checks what the corpus does not have: the gold layer, a document nobody
// annotated, an empty export, and the labeling config of the notice.
func TestLabelStudioWriter(t *testing.T) {
	doc := func(index int, text string, spans []annotations.Span, statuses map[string]annotations.Status) *annotations.ExportDocument {
		d := &annotations.ExportDocument{Document: annotations.Document{Hash: "0123456789abcdef0123", Name: "d" + strconv.Itoa(index)},
			Text: text, Spans: spans, Statuses: statuses, Index: index}
		for a := range statuses {
			d.Annotators = append(d.Annotators, a)
		}
		slices.Sort(d.Annotators)
		return d
	}
	var b bytes.Buffer
	w, err := NewWriter(LabelStudio, &b, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	docs := []*annotations.ExportDocument{
		doc(1, "Kyiv & <Odesa>", []annotations.Span{
			{Annotator: annotations.Gold, Label: `a "city"`, Start: 0, End: 4},
			{Annotator: "ann", Label: "<city>", Start: 7, End: 14, Note: "port"},
		}, map[string]annotations.Status{annotations.Gold: annotations.StatusDone, "ann": annotations.StatusInProgress}),
		doc(2, "nobody", nil, map[string]annotations.Status{}),
	}
	for _, d := range docs {
		if err := w.Write(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := `[
{"id":1,"data":{"text":"Kyiv & <Odesa>","document_id":"0123456789abcdef","name":"d1"},"annotations":[` +
		`{"result":[{"id":"t1-1","from_name":"label","to_name":"text","type":"labels","value":{"start":7,"end":14,"text":"<Odesa>","labels":["<city>"]},"origin":"manual"},` +
		`{"id":"t1-1","from_name":"note","to_name":"text","type":"textarea","value":{"text":["port"]},"origin":"manual"}],` +
		`"was_cancelled":false,"ground_truth":false,"tagdesk_annotator":"ann","tagdesk_status":"in_progress"},` +
		`{"result":[{"id":"t1-2","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":4,"text":"Kyiv","labels":["a \"city\""]},"origin":"manual"}],` +
		`"was_cancelled":false,"ground_truth":true,"tagdesk_annotator":"gold","tagdesk_status":"done"}],"predictions":[]},
{"id":2,"data":{"text":"nobody","document_id":"0123456789abcdef","name":"d2"},"annotations":[],"predictions":[]}
]
`
	if got := b.String(); got != want {
		t.Errorf("export:\n%s\nwant:\n%s", got, want)
	}
	wantNotices := []string{`Label Studio shows these tasks with a labeling config such as <View><Labels name="label" toName="text">` +
		`<Label value="&lt;city&gt;"/><Label value="a &#34;city&#34;"/></Labels><Text name="text" value="$text"/>` +
		`<TextArea name="note" toName="text" perRegion="true" editable="true" displayMode="region-list"/></View>`}
	if got := w.(Noticer).Notices(); !slices.Equal(got, wantNotices) {
		t.Errorf("notices %q, want %q", got, wantNotices)
	}

	b.Reset()
	w, _ = NewWriter(LabelStudio, &b, WriterOptions{})
	if err := w.Close(); err != nil || b.String() != "[]\n" || w.(Noticer).Notices() != nil {
		t.Errorf("empty export %q, %v, notices %q", b.String(), err, w.(Noticer).Notices())
	}
}

func FuzzLabelStudioReader(f *testing.F) {
	for _, s := range []string{
		`[{"id": 1, "data": {"text": "EU rejects"}, "annotations": [{"completed_by": 1, "result": [` +
			`{"id": "r", "type": "labels", "value": {"start": 0, "end": 2, "text": "EU", "labels": ["ORG", "X"]}},` +
			`{"id": "r", "type": "textarea", "value": {"text": ["n"]}}, {"type": "relation"}]}], "predictions": [{"result": []}]}]`,
		"\uFEFF{\"data\": {\"t\": \"🇺🇦  a\"}, \"annotations\": [{\"completed_by\": {\"email\": \"e\"}, \"was_cancelled\": true, \"result\": []}]}\n{\"text\": \"x\"}",
		`[{"data": {"text": "a\"b"}}, 1, "s", [], {]`,
		`[{"data": {"text": "ab"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 1e400, "end": -0, "text": "a  b", "labels": []}}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, NewLabelStudioReader(bytes.NewReader(b), "fuzz.json"))
		fuzzReader(t, utf16Reader{NewLabelStudioReader(bytes.NewReader(b), "fuzz.json")})
	})
}

// TestLabelStudioTextUnderOtherKey reads a task whose data has no "text" but one string, under a
// key with a quote and a backslash: that string is the document, whatever its key.
func TestLabelStudioTextUnderOtherKey(t *testing.T) {
	dir := writeFiles(t, map[string]string{"tasks.json": `[{"data": {"my\"te\\xt": "hello", "n": 3}}]` + "\n"})
	p := openProject(t)
	importFiles(t, p, "", annotations.ImportOptions{}, filepath.Join(dir, "tasks.json"))
	var texts []string
	p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		texts = append(texts, d.Text)
		return nil
	})
	if !slices.Equal(texts, []string{"hello"}) {
		t.Errorf("documents %q, want one with the text %q", texts, "hello")
	}
}
