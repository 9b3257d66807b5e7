package formats

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// importSpans imports the files (name → content) into an empty project with opts and returns the
// report (the folder's path removed from its notices), every span as "annotator label start-end
// note" and every status as "status annotator status", in export order, and the project.
func importSpans(t *testing.T, files map[string]string, format string, opts annotations.ImportOptions) (annotations.ImportReport, []string, *annotations.Project) {
	t.Helper()
	dir := writeFiles(t, files)
	var paths []string
	for name := range files {
		paths = append(paths, filepath.Join(dir, name))
	}
	slices.Sort(paths)
	p := openProject(t)
	rep := importFiles(t, p, format, opts, paths...)
	for i, n := range rep.Notices {
		rep.Notices[i] = strings.ReplaceAll(filepath.ToSlash(n), filepath.ToSlash(dir)+"/", "")
	}
	var spans []string
	p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		for _, s := range d.Spans {
			spans = append(spans, strings.TrimSpace(s.Annotator+" "+s.Label+" "+strconv.Itoa(s.Start)+"-"+strconv.Itoa(s.End)+" "+s.Note))
		}
		for _, a := range d.Annotators {
			spans = append(spans, "status "+a+" "+string(d.Statuses[a]))
		}
		return nil
	})
	return rep, spans, p
}

func TestSpaCyImport(t *testing.T) {
	tests := map[string]struct {
		line    string
		want    []string
		name    string
		notices int
	}{
		"ents only": {
			line: `{"text": "But Google is starting from behind.", "ents": [{"start": 4, "end": 10, "label": "ORG"}], "title": "google"}`,
			want: []string{"rita ORG 4-10", "status rita in_progress"}, name: "google",
		},
		"spans preferred to ents, nested kept": {
			line: `{"text": "Kyiv said 40 drones", "ents": [{"start": 0, "end": 4, "label": "actor"}],` +
				` "spans": [{"start": 0, "end": 4, "label": "actor"}, {"start": 10, "end": 19, "label": "figure"}, {"start": 13, "end": 19, "label": "weapon"}],` +
				` "annotator": "alice", "name": "kyiv.txt"}`,
			want: []string{"alice actor 0-4", "alice figure 10-19", "alice weapon 13-19", "status alice in_progress"}, name: "kyiv.txt",
		},
		"emoji counted as one code point": {
			line: `{"text": "🇺🇦 Kyiv", "ents": [{"start": 3, "end": 7, "label": "actor"}]}`,
			want: []string{"rita actor 3-7", "status rita in_progress"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, spans, p := importSpans(t, map[string]string{"a.jsonl": tt.line + "\n"}, "", annotations.ImportOptions{Annotator: "rita"})
			if !slices.Equal(spans, tt.want) {
				t.Errorf("spans %q, want %q", spans, tt.want)
			}
			if tt.name != "" {
				docs, _ := p.ListDocuments(context.Background(), annotations.DocumentQuery{})
				if len(docs) != 1 || docs[0].Name != tt.name {
					t.Errorf("documents %+v, want one named %q", docs, tt.name)
				}
			}
		})
	}
}

func TestProdigyImport(t *testing.T) {
	const tokens = `"tokens": [{"text": "Albert", "start": 0, "end": 6, "id": 0, "ws": true}, {"text": "Einstein", "start": 7, "end": 15, "id": 1, "ws": true},` +
		` {"text": "was", "start": 16, "end": 19, "id": 2, "ws": true}, {"text": "a", "start": 20, "end": 21, "id": 3, "ws": true},` +
		` {"text": "physicist", "start": 22, "end": 31, "id": 4, "ws": false}, {"text": ".", "start": 31, "end": 32, "id": 5, "ws": false}]`
	const text = `"text": "Albert Einstein was a physicist."`
	tests := map[string]struct {
		lines  []string
		want   []string
		notice string
	}{
		"accepted, as Prodigy writes it": {
			lines: []string{`{` + text + `, ` + tokens + `, "spans": [{"start": 0, "end": 15, "token_start": 0, "token_end": 1, "label": "PERSON"}],` +
				` "_input_hash": -1234, "_task_hash": 5678, "_view_id": "ner_manual", "answer": "accept", "_timestamp": 1700000000, "_annotator_id": "news-alice", "_session_id": "news-alice"}`},
			want: []string{"news-alice PERSON 0-15", "status news-alice done"},
		},
		"spans given by tokens only": {
			lines: []string{`{` + text + `, ` + tokens + `, "spans": [{"token_start": 4, "token_end": 4, "label": "JOB"}], "answer": "accept"}`},
			want:  []string{"rita JOB 22-31", "status rita done"},
		},
		"no answer yet: spans, no status": {
			lines: []string{`{` + text + `, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]}`},
			want:  []string{"rita PERSON 0-6", "status rita in_progress"},
		},
		"rejected and ignored: the text without spans": {
			lines: []string{
				`{` + text + `, "spans": [{"start": 0, "end": 6, "label": "PERSON"}], "answer": "reject"}`,
				`{"text": "Other text.", "spans": [{"start": 0, "end": 5, "label": "X"}], "answer": "ignore"}`,
			},
			notice: `2 Prodigy examples answered "reject" or "ignore" were imported without their spans (a.jsonl:1, a.jsonl:2).`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rep, spans, _ := importSpans(t, map[string]string{"a.jsonl": strings.Join(tt.lines, "\n") + "\n"}, Prodigy, annotations.ImportOptions{Annotator: "rita"})
			if !slices.Equal(spans, tt.want) {
				t.Errorf("spans %q, want %q", spans, tt.want)
			}
			if tt.notice != "" && !slices.Contains(rep.Notices, tt.notice) {
				t.Errorf("notices %q, want %q", rep.Notices, tt.notice)
			}
		})
	}
}

// TestUTF16Offsets reads JSONL whose offsets count UTF-16 code units, as JavaScript tools write
// them: an emoji counts 2 there and 1 in Tagdesk. An offset between the two halves of a surrogate
// pair names the character it splits.
func TestUTF16Offsets(t *testing.T) {
	tests := map[string]struct {
		line string
		want string // the span, or the problem
	}{
		"after a flag (two astral code points)": {`{"text": "🇺🇦 Kyiv", "spans": [{"start": 5, "end": 9, "label": "actor", "text": "Kyiv"}]}`, "rita actor 3-7"},
		"around an emoji":                       {`{"text": "a 💥 b", "spans": [{"start": 2, "end": 4, "label": "weapon", "text": "💥"}]}`, "rita weapon 2-3"},
		"no astral character: same numbers":     {`{"text": "Харків", "spans": [{"start": 0, "end": 6, "label": "actor"}]}`, "rita actor 0-6"},
		"inside a surrogate pair":               {`{"text": "a 💥 b", "spans": [{"start": 3, "end": 4, "label": "weapon"}]}`, `a.jsonl:1: span 1: the UTF-16 offset 3 falls inside the character '💥' (a surrogate pair)`},
		"past the end":                          {`{"text": "💥", "spans": [{"start": 0, "end": 3, "label": "weapon"}]}`, "a.jsonl:1: span 1: the UTF-16 offset 3 is past the end of the text (2 UTF-16 units)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"a.jsonl": tt.line + "\n"})
			p := openProject(t)
			r := OpenWith([]string{filepath.Join(dir, "a.jsonl")}, ReadOptions{Offsets: UTF16}, nil)
			defer r.Close()
			_, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "rita"})
			got := ""
			if err != nil {
				got = strings.ReplaceAll(filepath.ToSlash(err.Error()), filepath.ToSlash(dir)+"/", "")
				got = strings.TrimPrefix(got, "1 problem: ")
			} else {
				p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
					for _, s := range d.Spans {
						got = s.Annotator + " " + s.Label + " " + strconv.Itoa(s.Start) + "-" + strconv.Itoa(s.End)
					}
					return nil
				})
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSpaCyReader(f *testing.F) {
	for _, s := range []string{
		`{"text": "But Google is starting from behind.", "ents": [{"start": 4, "end": 10, "label": "ORG"}], "title": null}`,
		`{"text": "🇺🇦 Kyiv", "spans": [{"start": 3, "end": 7, "label": "actor"}], "annotator": "alice", "meta": {"a": 1}}`,
		`{"text": "x", "ents": [[0, 1, "X"]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, NewSpaCyReader(strings.NewReader(string(b)), "fuzz.jsonl"))
	})
}

func FuzzProdigyReader(f *testing.F) {
	for _, s := range []string{
		`{"text": "Albert Einstein", "tokens": [{"text": "Albert", "start": 0, "end": 6, "id": 0, "ws": true}, {"text": "Einstein", "start": 7, "end": 15, "id": 1, "ws": false}], "spans": [{"start": 0, "end": 15, "token_start": 0, "token_end": 1, "label": "PERSON"}], "answer": "accept", "_annotator_id": "a"}`,
		`{"text": "ab", "tokens": [{"text": "ab", "start": 0, "end": 2, "id": 0, "ws": false}], "spans": [{"token_start": 0, "token_end": 0, "label": "X"}]}`,
		`{"text": "x", "answer": "reject", "spans": [{"start": 0, "end": 1, "label": "X"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, NewProdigyReader(strings.NewReader(string(b)), "fuzz.jsonl"))
	})
}
