package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

// predictionsInput is a folder with a model's predictions about the document of predictionsProject:
// pred.jsonl scores an actor 0.9, a figure 0.3 and leaves a weapon unscored, then predicts a claim
// in an article the project lacks; pred.json is a Label Studio export whose prediction scores the
// actor 0.7 and, for its other results, 0.6; bad.jsonl has a label the project lacks on line 2.
func predictionsInput(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"pred.jsonl": `{"text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 4, "label": "actor", "score": 0.9}, {"start": 10, "end": 19, "label": "figure", "score": 0.3}, {"start": 13, "end": 19, "label": "weapon"}]}` + "\n" +
			`{"name": "lacking", "text": "An article the project lacks.", "spans": [{"start": 0, "end": 10, "label": "claim", "score": 0.8}]}` + "\n",
		"pred.json": `[{"id": 1, "data": {"text": "Kyiv said 40 drones were shot down."}, "annotations": [],
  "predictions": [{"score": 0.6, "result": [
    {"id": "r1", "type": "labels", "value": {"start": 0, "end": 4, "labels": ["actor"]}, "score": 0.7},
    {"id": "r2", "type": "labels", "value": {"start": 10, "end": 19, "labels": ["figure"]}}]}]}]`,
		"bad.jsonl": `{"text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 4, "label": "actor", "score": 0.9}]}` + "\n" +
			`{"text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 4, "label": "city", "score": 0.9}]}` + "\n",
	}
	writeFiles(t, dir, files)
	return dir
}

// predictionsDialog shows the options of an import of the file of dir into a new project holding the
// one document "a" the predictions of predictionsInput are about, with predictions chosen.
func predictionsDialog(t *testing.T, dir, file string, done func()) (*importDialog, *annotations.Project) {
	t.Helper()
	p := openProject(t)
	if _, _, err := p.AddDocument(context.Background(), annotations.NewDocument{Name: "a", Text: "Kyiv said 40 drones were shot down."}); err != nil {
		t.Fatal(err)
	}
	d := newImportDialog(testWindow(t), p, "someone", done, []string{filepath.Join(dir, file)})
	d.showOptions()
	d.as.SetSelected(importPredictions)
	return d, p
}

// storedSuggestions summarises the suggestions of p: "document: label start-end source score, …" per
// document, in the project's order, with "-" for no score.
func storedSuggestions(t *testing.T, p *annotations.Project) string {
	t.Helper()
	ctx := context.Background()
	docs, err := p.ListDocuments(ctx, annotations.DocumentQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range docs {
		sgs, err := p.Suggestions(ctx, d.ID, "nobody", 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, sg := range sgs {
			score := "-"
			if sg.Score != nil {
				score = fmt.Sprint(*sg.Score)
			}
			out = append(out, fmt.Sprintf("%s %d-%d %s %s", sg.Label, sg.Start, sg.End, sg.Source, score))
		}
		lines = append(lines, d.Name+": "+strings.Join(out, ", "))
	}
	return strings.Join(lines, "\n")
}

// choose selects the format named name (in formats; "" detects) in the import dialog's menu.
func choose(t *testing.T, d *importDialog, name string) {
	t.Helper()
	i := slices.IndexFunc(importFormats, func(c choice) bool { return c.name == name })
	if i < 0 {
		t.Fatalf("no import format %q", name)
	}
	d.format.SetSelected(importFormats[i].label)
	if d.formatName() != name {
		t.Fatalf("the menu does not offer %q: %q", name, d.format.Options)
	}
}

func TestImportPredictionsDialog(t *testing.T) {
	dir := predictionsInput(t)
	tests := map[string]struct {
		file        string
		format      string
		source      string
		minScore    string
		addDocs     bool
		wantMessage []string
		wantDetails []string
		want        string // the suggestions after; "" for a failed import
	}{
		"jsonl, with a minimum score": {
			file: "pred.jsonl", source: "ner-v2", minScore: "0.5",
			wantMessage: []string{"2 suggestions added", "1 document matched", "1 span below the minimum score skipped", "1 document not in the project skipped"},
			wantDetails: []string{"Not in the project: lacking"},
			want:        "a: actor 0-4 ner-v2 0.9, weapon 13-19 ner-v2 -",
		},
		"jsonl, a decimal comma, adding documents": {
			file: "pred.jsonl", format: formats.JSONL, source: "ner v2", minScore: "0,85", addDocs: true,
			wantMessage: []string{"2 suggestions added", "1 document matched, 1 document added", "2 spans below the minimum score skipped"},
			want:        "a: actor 0-4 ner v2 0.9, weapon 13-19 ner v2 -\nlacking: ",
		},
		"jsonl, no minimum score": {
			file: "pred.jsonl", source: "ner-v2", addDocs: true,
			wantMessage: []string{"4 suggestions added"},
			want:        "a: actor 0-4 ner-v2 0.9, figure 10-19 ner-v2 0.3, weapon 13-19 ner-v2 -\nlacking: claim 0-10 ner-v2 0.8",
		},
		"Label Studio predictions, detected": {
			file: "pred.json", source: "ls-model", minScore: "0.65",
			wantMessage: []string{"1 suggestion added", "1 span below the minimum score skipped"},
			want:        "a: actor 0-4 ls-model 0.7",
		},
		"Label Studio predictions, chosen": {
			file: "pred.json", format: formats.LabelStudio, source: "ls-model",
			wantMessage: []string{"2 suggestions added"},
			want:        "a: actor 0-4 ls-model 0.7, figure 10-19 ls-model 0.6",
		},
		"a bad line": {
			file: "bad.jsonl", source: "ner-v2",
			wantMessage: []string{`bad.jsonl:2: span 1 ("city"): the label "city" is not in the project's label set`, "othing was imported"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			calls := 0
			d, p := predictionsDialog(t, dir, tt.file, func() { calls++ })
			choose(t, d, tt.format)
			d.source.SetText(tt.source)
			d.minScore.SetText(tt.minScore)
			d.addDocs.SetChecked(tt.addDocs)
			d.options.Submit()
			if d.progress == nil {
				t.Fatalf("the import did not start: %v", d.source.Validate())
			}
			wait(t, d.finished, "the end of the import")

			for _, s := range tt.wantMessage {
				if !strings.Contains(d.message.Text, s) {
					t.Errorf("message %q; want it to hold %q", d.message.Text, s)
				}
			}
			for _, s := range tt.wantDetails {
				if !strings.Contains(d.details.Text, s) {
					t.Errorf("details %q; want them to hold %q", d.details.Text, s)
				}
			}
			if tt.want == "" {
				if calls != 0 {
					t.Errorf("done was called %d times after a failed import", calls)
				}
				if got := storedSuggestions(t, p); got != "a: " {
					t.Errorf("a failed import left suggestions:\n%s", got)
				}
				return
			}
			if calls != 1 {
				t.Errorf("done was called %d times, want once", calls)
			}
			if got := storedSuggestions(t, p); got != tt.want {
				t.Errorf("suggestions after the import:\n%s\nwant:\n%s", got, tt.want)
			}
			if c := contents(t, p); strings.Contains(c, "actor") {
				t.Errorf("the predictions became spans:\n%s", c)
			}
		})
	}
}

// TestImportPredictionsDialogRefuses checks that the Import button does not run with a source name
// or a minimum score that cannot be, and says why under the entry.
func TestImportPredictionsDialogRefuses(t *testing.T) {
	dir := predictionsInput(t)
	tests := map[string]struct {
		source, minScore string
		wantSource       string // the source entry's error; "" for none
		wantScore        string // the minimum score entry's error
	}{
		"no source":            {source: "", wantSource: annotations.CheckSource("")},
		"the rules' source":    {source: annotations.SourceRules, wantSource: "is Tagdesk's own"},
		"propagation's source": {source: annotations.SourcePropagation, wantSource: "is Tagdesk's own"},
		"spaces around":        {source: " ner ", wantSource: "cannot start or end with spaces"},
		"a control character":  {source: "ner\tv2", wantSource: "cannot contain control characters"},
		"a score in words":     {source: "ner", minScore: "high", wantScore: "give a number"},
		"not a number":         {source: "ner", minScore: "NaN", wantScore: "give a number"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d, p := predictionsDialog(t, dir, "pred.jsonl", nil)
			d.source.SetText(tt.source)
			d.minScore.SetText(tt.minScore)
			d.options.Submit()
			if d.progress != nil || d.result != nil {
				t.Error("the import started")
			}
			for _, e := range []struct {
				what, want string
				err        error
			}{{"source", tt.wantSource, d.source.Validate()}, {"minimum score", tt.wantScore, d.minScore.Validate()}} {
				switch {
				case e.want == "" && e.err != nil:
					t.Errorf("the %s entry says %q", e.what, e.err)
				case e.want != "" && (e.err == nil || !strings.Contains(e.err.Error(), e.want)):
					t.Errorf("the %s entry says %v; want %q", e.what, e.err, e.want)
				}
			}
			if got := storedSuggestions(t, p); got != "a: " {
				t.Errorf("suggestions:\n%s", got)
			}
		})
	}
}

// TestImportDialogAs checks that the choice of spans or predictions enables the options of each, and
// offers predictions only the formats they are read from.
func TestImportDialogAs(t *testing.T) {
	w := testWindow(t)
	d := newImportDialog(w, openProject(t), "someone", nil, []string{"pred.jsonl"})
	d.showOptions()
	check := func(as string, formats []choice) {
		t.Helper()
		pred := as == importPredictions
		for name, w := range map[string]interface{ Disabled() bool }{
			"annotator": d.annotator, "strict": d.strict, "source": d.source, "minimum score": d.minScore, "add documents": d.addDocs,
		} {
			forPredictions := name != "annotator" && name != "strict"
			if w.Disabled() == (forPredictions == pred) {
				t.Errorf("as %s, %s disabled: %v", as, name, w.Disabled())
			}
		}
		if want := choiceLabels(formats); !slices.Equal(d.format.Options, want) {
			t.Errorf("as %s, the formats are %q; want %q", as, d.format.Options, want)
		}
	}
	if d.as.Selected != importSpans {
		t.Errorf("import as %q by default", d.as.Selected)
	}
	check(importSpans, importFormats)
	d.as.SetSelected(importPredictions)
	check(importPredictions, predictionFormats)
	if len(predictionFormats) != 3 || predictionFormats[0].name != "" {
		t.Errorf("predictions are offered %v", predictionFormats)
	}
	d.as.SetSelected(importSpans)
	check(importSpans, importFormats)
}

// TestImportDialogSpansIgnorePredictionOptions checks that a source name typed for predictions does
// not stop an import of spans, nor a bad annotator an import of predictions.
func TestImportDialogSpansIgnorePredictionOptions(t *testing.T) {
	dir := importInput(t)
	w := testWindow(t)
	p := openProject(t)
	d := newImportDialog(w, p, "bob", nil, []string{filepath.Join(dir, "news.jsonl")})
	d.showOptions()
	d.as.SetSelected(importPredictions)
	d.annotator.SetText("tab\there") // refused for spans, ignored for predictions
	d.source.SetText(annotations.SourceRules)
	if d.annotator.Validate() != nil || d.source.Validate() == nil {
		t.Errorf("as predictions, annotator: %v, source: %v", d.annotator.Validate(), d.source.Validate())
	}
	d.annotator.SetText("bob")
	d.as.SetSelected(importSpans)
	d.options.Submit()
	if d.progress == nil {
		t.Fatal("the span import did not start")
	}
	wait(t, d.finished, "the end of the import")
	if c, want := contents(t, p), "a1: actor alice\na2: actor bob"; c != want {
		t.Errorf("project after the import:\n%s\nwant:\n%s (message %q)", c, want, d.message.Text)
	}
}

// TestImportPredictionsRefusesFormat checks that a format predictions are not read from, chosen
// before choosing predictions, is refused with a sentence saying which are, and nothing runs.
func TestImportPredictionsRefusesFormat(t *testing.T) {
	dir := predictionsInput(t)
	d, p := predictionsDialog(t, dir, "pred.jsonl", nil)
	d.as.SetSelected(importSpans)
	choose(t, d, formats.Doccano) // offered for spans only
	d.as.SetSelected(importPredictions)
	d.source.SetText("ner-v2")
	d.options.Submit()
	if d.progress != nil {
		t.Error("the import started")
	}
	want := "Predictions are read from Tagdesk JSONL or a Label Studio JSON export, not from doccano JSONL"
	if d.message == nil || !strings.Contains(d.message.Text, want) {
		t.Fatalf("message %v; want %q", d.message, want)
	}
	if got := storedSuggestions(t, p); got != "a: " {
		t.Errorf("suggestions:\n%s", got)
	}
}

func TestParseScore(t *testing.T) {
	tests := map[string]struct {
		in    string
		want  float64
		valid bool
	}{
		"empty":          {"", 0, true},
		"spaces":         {"  ", 0, true},
		"a point":        {"0.5", 0.5, true},
		"a comma":        {"0,25", 0.25, true},
		"negative":       {"-1", -1, true},
		"around spaces":  {" 0.7 ", 0.7, true},
		"words":          {"high", 0, false},
		"two commas":     {"0,2,5", 0, false},
		"not a number":   {"NaN", 0, false},
		"infinity":       {"Inf", 0, false},
		"a percent sign": {"50%", 0, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parseScore(tt.in)
			if (err == nil) != tt.valid || got != tt.want {
				t.Errorf("parseScore(%q) = %v, %v; want %v, valid %v", tt.in, got, err, tt.want, tt.valid)
			}
		})
	}
}
