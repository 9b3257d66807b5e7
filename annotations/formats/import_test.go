package formats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// writeFiles writes name → content under a new temporary folder and returns the folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// problems runs an import that must fail and returns its problems with the folder prefix removed.
func problems(t *testing.T, p *annotations.Project, dir, format string, opts annotations.ImportOptions, names ...string) []string {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(dir, n))
	}
	r := Open(paths, format, strings.NewReader(""))
	defer r.Close()
	rep, err := p.Import(context.Background(), r, opts)
	var ie *annotations.ImportErrors
	if !errors.As(err, &ie) {
		t.Fatalf("import of %v: %+v, %v; want problems", names, rep, err)
	}
	var out []string
	for _, e := range ie.Problems {
		out = append(out, strings.TrimPrefix(filepath.ToSlash(e.Error()), filepath.ToSlash(dir)+"/"))
	}
	return out
}

type importCase struct {
	files  map[string]string
	inputs []string // the paths to import, under the folder of files; default: every file
	format string
	opts   annotations.ImportOptions
	want   []string
}

func TestImportErrors(t *testing.T) {
	tests := map[string]importCase{
		"invalid UTF-8 in a text file": {
			files: map[string]string{"a.txt": "ligne un\nligne d\xe9ux\n"},
			want:  []string{"a.txt:2: invalid UTF-8 at byte 8 (0xE9); save the file as UTF-8"},
		},
		"NUL bytes": {
			files: map[string]string{"bin.txt": "PK\x03\x04\x00\x00"},
			want:  []string{"bin.txt:1: the file contains NUL bytes: it is not a text file"},
		},
		"binary with NULs everywhere": {
			files: map[string]string{"elf.txt": "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00\x01\x00\x00\x00"},
			want:  []string{"elf.txt:1: the file contains NUL bytes: it is not a text file"},
		},
		"UTF-16 text file with BOM": {
			files: map[string]string{"win.txt": "\xff\xfeK\x00y\x00i\x00v\x00"},
			want:  []string{"win.txt: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"},
		},
		"UTF-16 text file without BOM": {
			files: map[string]string{"win.txt": "K\x00y\x00i\x00v\x00 \x00s\x00a\x00i\x00d\x00"},
			want:  []string{"win.txt: the file looks like UTF-16 (every other byte is 0); save it as UTF-8"},
		},
		"UTF-16 JSONL": {
			files: map[string]string{"u.jsonl": "\xff\xfe{\x00\"\x00t\x00\"\x00:\x00\n\x00"},
			want:  []string{"u.jsonl:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"},
		},
		"doccano null text": {
			files:  map[string]string{"n.jsonl": `{"text": null, "label": []}` + "\n"},
			format: Doccano,
			want:   []string{`n.jsonl:1: "text" is missing`},
		},
		"invalid UTF-8 in JSONL": {
			files: map[string]string{"a.jsonl": "{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n"},
			want:  []string{"a.jsonl:2: invalid UTF-8 at byte 14 (0xE9); save the file as UTF-8"},
		},
		"bad JSON": {
			files: map[string]string{"a.jsonl": "{\"text\": \"ok\"}\n{\"text\": \"no end\n{\"text\": 1}\n"},
			want: []string{
				"a.jsonl:2: the JSON ends too early (truncated line?)",
				`a.jsonl:3: "text" should be a string, not a JSON number`,
			},
		},
		"two values on a line": {
			files: map[string]string{"a.jsonl": `{"text": "a"} {"text": "b"}` + "\n"},
			want:  []string{"a.jsonl:1: invalid JSON: more than one JSON value on the line"},
		},
		"prodigy tokens that disagree with the offsets": {
			files: map[string]string{"p.jsonl": `{"text": "Albert Einstein", "tokens": [{"text": "Albert", "start": 0, "end": 6, "id": 0, "ws": true}, {"text": "Einstein", "start": 7, "end": 15, "id": 1, "ws": false}],` +
				` "spans": [{"start": 0, "end": 6, "token_start": 0, "token_end": 1, "label": "PERSON"}], "answer": "accept"}` + "\n" +
				`{"text": "Albert Einstein", "spans": [{"token_start": 1, "token_end": 0, "label": "PERSON"}], "answer": "accept"}` + "\n" +
				`{"text": "x", "answer": "maybe"}` + "\n"},
			format: Prodigy,
			want: []string{
				"p.jsonl:1: span 1: its tokens 0–1 cover 0–15, not its start and end 0–6",
				`p.jsonl:2: span 1: the span gives only token_start and token_end, and the example has no "tokens"`,
				`p.jsonl:3: "answer" is "maybe", not "accept", "reject" or "ignore"`,
			},
		},
		"spacy ents of the wrong shape": {
			files: map[string]string{"s.jsonl": `{"text": "Kyiv", "ents": [[0, 4, "actor"]]}` + "\n" +
				`{"text": "Kyiv", "ents": [{"start": 0, "end": 4}]}` + "\n" +
				`{"text": "Kyiv", "ents": [{"start": "0", "end": 4, "label": "actor"}]}` + "\n" +
				`{"text": "Kyiv", "ents": [{"start": 0, "end": 9, "label": "actor"}]}` + "\n"},
			want: []string{
				"s.jsonl:1: ents 1: expected an object, found a JSON array",
				`s.jsonl:2: ents 1: "label" is missing`,
				"s.jsonl:3: ents 1: start should be a number, not a string",
				`s.jsonl:4: span 1 ("actor"): end 9 is past the end of the text (4 characters)`,
			},
		},
		"missing text": {
			files: map[string]string{"a.jsonl": "\n\n{\"name\": \"x\", \"spans\": []}\n"},
			want:  []string{`a.jsonl:3: "text" is missing`},
		},
		"offsets": {
			files: map[string]string{"a.jsonl": `{"text": "Kyiv 🙂", "spans": [` +
				`{"start": 4, "end": 2, "label": "actor"}, {"start": 0, "end": 9, "label": "actor"}, {"start": -3, "end": 1, "label": "actor"}]}` + "\n"},
			opts: annotations.ImportOptions{Annotator: "alice"},
			want: []string{
				`a.jsonl:1: span 1 ("actor"): end 2 is before start 4`,
				`a.jsonl:1: span 2 ("actor"): end 9 is past the end of the text (6 characters)`,
				`a.jsonl:1: span 3 ("actor"): start -3 is negative`,
			},
		},
		"offsets that are not whole numbers": {
			files: map[string]string{"a.jsonl": `{"text": "abc", "spans": [{"start": 1.5, "end": 2, "label": "actor"}]}` + "\n" +
				`{"text": "abc", "spans": [{"start": "1", "end": 2, "label": "actor"}]}` + "\n" +
				`{"text": "abc", "spans": [{"start": 1e30, "end": 2, "label": "actor"}]}` + "\n" +
				`{"text": "abc", "spans": [{"end": 2, "label": "actor"}]}` + "\n"},
			opts: annotations.ImportOptions{Annotator: "alice"},
			want: []string{
				"a.jsonl:1: span 1: start 1.5 is not a whole number",
				"a.jsonl:2: span 1: start should be a number, not a string",
				"a.jsonl:3: span 1: start 1e30 is too large",
				"a.jsonl:4: span 1: start is missing",
			},
		},
		"span text mismatch": {
			files: map[string]string{"a.jsonl": `{"text": "Kiev is the capital", "spans": [{"start": 0, "end": 4, "label": "actor", "text": "Kyiv", "annotator": "a"}]}` + "\n"},
			want:  []string{`a.jsonl:1: span 1 ("actor"): its text "Kyiv" does not match the document text at 0–4, which is "Kiev"`},
		},
		"no annotator": {
			files: map[string]string{"a.jsonl": `{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "actor"}]}` + "\n"},
			want:  []string{`a.jsonl:1: span 1 ("actor") has no annotator; give one with --annotator or an "annotator" field`},
		},
		"unknown field": {
			files:  map[string]string{"a.jsonl": `{"text": "abc", "label": [[0, 1, "X"]]}` + "\n"},
			format: JSONL,
			want:   []string{`a.jsonl:1: unknown field "label" (this looks like a doccano file: use --format doccano)`},
		},
		"unknown span field": {
			files: map[string]string{"a.jsonl": `{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "x", "lable": "y"}]}` + "\n"},
			want:  []string{`a.jsonl:1: span 1: unknown field "lable"`},
		},
		"strict labels": {
			files: map[string]string{"a.jsonl": `{"text": "EU", "label": [[0, 2, "ORG"]]}` + "\n"},
			opts:  annotations.ImportOptions{Annotator: "alice", StrictLabels: true},
			want:  []string{`a.jsonl:1: span 1 ("ORG"): the label "ORG" is not in the project's label set (--strict-labels)`},
		},
		"doccano text classification": {
			files:  map[string]string{"c.jsonl": `{"text": "great", "label": ["positive"]}` + "\n"},
			format: Doccano,
			want:   []string{`c.jsonl:1: "label" holds plain labels, not [start, end, "label"] triples: this is a text-classification file, not sequence labelling`},
		},
		"doccano bad triple and entity": {
			files: map[string]string{"d.jsonl": `{"text": "abc", "label": [[0, 1]]}` + "\n" +
				`{"text": "abc", "entities": [{"start_offset": 0, "label": "X"}]}` + "\n" +
				`{"text": "abc", "label": [[0, 9, "X"]]}` + "\n"},
			format: Doccano,
			opts:   annotations.ImportOptions{Annotator: "alice"},
			want: []string{
				`d.jsonl:1: label 1 should be [start, end, "label"]`,
				"d.jsonl:2: entity 1: end_offset is missing",
				`d.jsonl:3: span 1 ("X"): end 9 is past the end of the text (3 characters)`,
			},
		},
		// a .json file that starts with "[" is a Label Studio task list; [{"text": "a"}] is one
		"JSON array of other values": {
			files: map[string]string{"tasks.json": "[\n  1,\n  [\"two\"]\n]\n"},
			want: []string{
				"tasks.json:2: task 1: expected a JSON object (a Label Studio task), found a number",
				"tasks.json:3: task 2: expected a JSON object (a Label Studio task), found a list",
			},
		},
		"unknown extension": {
			files: map[string]string{"notes.md": "# hi"},
			want:  []string{`notes.md: cannot tell the format from the extension ".md"; give --format (txt, jsonl, doccano, spacy, prodigy, labelstudio, brat)`},
		},
		"missing file": {
			files:  map[string]string{},
			inputs: []string{"nothing.jsonl"},
			want:   []string{"nothing.jsonl: no such file or folder"},
		},
		"empty folder": {
			files:  map[string]string{"corpus/.hidden.txt": "x", "corpus/readme.md": "x"},
			inputs: []string{"corpus"},
			want:   []string{"corpus: the folder has no .txt, .json or .jsonl files"},
		},
	}
	tests["problems in several files, the good ones not imported"] = importCase{
		files:  map[string]string{"good.txt": "Kyiv", "bad.txt": "\xff", "c.jsonl": "{]\n"},
		inputs: []string{"good.txt", "bad.txt", "c.jsonl"},
		want: []string{
			"bad.txt:1: invalid UTF-8 at byte 1 (0xFF); save the file as UTF-8",
			"c.jsonl:1: invalid JSON at byte 2: invalid character ']' looking for beginning of object key string",
		},
	}
	runImportCases(t, tests)
}

// runImportCases runs imports that must fail into new projects, checks their problems and that the
// projects are unchanged.
func runImportCases(t *testing.T, tests map[string]importCase) {
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := openProject(t)
			dir := writeFiles(t, tt.files)
			inputs := tt.inputs
			if inputs == nil {
				inputs = slices.Sorted(maps.Keys(tt.files))
			}
			got := problems(t, p, dir, tt.format, tt.opts, inputs...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if st, _ := p.Stats(context.Background()); st.Documents != 0 || st.Spans != 0 || len(st.Labels) != 4 {
				t.Errorf("the failed import changed the project: %+v", st)
			}
		})
	}
}

func TestImportFolder(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"corpus/2024/mars/a.txt":     "« Nous avons repoussé l’assaut », a déclaré le porte-parole.",
		"corpus/2024/b.TXT":          "\uFEFFWindows text\r\nline two\r\n",
		"corpus/.git/config.txt":     "not a document",
		"corpus/notes.md":            "not a document",
		"corpus/labelled.jsonl":      `{"id": "x1", "text": "Kyiv", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "alice"}]}` + "\n",
		"corpus/doccano/d.jsonl":     `{"text": "EU rejects", "label": [[0, 2, "ORG"]], "annotator": "bob", "source": "conll"}` + "\n",
		"corpus/2024/mars/empty.txt": "",
	})
	p := openProject(t)
	rep := importFiles(t, p, "", annotations.ImportOptions{}, filepath.Join(dir, "corpus"))
	if rep.Documents != 5 || rep.Spans != 2 || !slices.Equal(rep.LabelsAdded, []string{"ORG"}) {
		t.Errorf("report %+v", rep)
	}
	var names []string
	p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		names = append(names, d.Name+"="+string(d.Meta))
		return nil
	})
	want := []string{"2024/b.TXT={}", "2024/mars/a.txt={}", "2024/mars/empty.txt={}", `d.jsonl:1={"source":"conll"}`, "x1={}"}
	if !slices.Equal(names, want) {
		t.Errorf("documents %v, want %v", names, want)
	}
}

func TestImportStdin(t *testing.T) {
	p := openProject(t)
	r := Open([]string{"-"}, Doccano, strings.NewReader(`{"text": "EU", "label": [[0, 2, "ORG"]]}`+"\n"))
	rep, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "a"})
	if err != nil || rep.Spans != 1 {
		t.Fatalf("stdin import: %+v, %v", rep, err)
	}
	r = Open([]string{"-"}, "", strings.NewReader("x"))
	_, err = p.Import(context.Background(), r, annotations.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "standard input: give --format to read standard input") {
		t.Errorf("stdin without a format: %v", err)
	}
}

func TestDetect(t *testing.T) {
	tests := map[string]struct {
		name, content, want string
	}{
		"txt":                      {"a.txt", "anything", TXT},
		"tagdesk by spans":         {"a.jsonl", `{"text": "a", "spans": []}`, JSONL},
		"doccano by label":         {"a.jsonl", `{"text": "a", "label": []}`, Doccano},
		"doccano by entities":      {"a.ndjson", `{"text": "a", "entities": []}`, Doccano},
		"decided by a later line":  {"a.jsonl", "{\"text\": \"a\"}\n\n{\"text\": \"b\", \"label\": [[0, 1, \"X\"]]}", Doccano},
		"text only is Tagdesk":     {"a.jsonl", `{"text": "a"}`, JSONL},
		"BOM and CRLF":             {"a.jsonl", "\uFEFF{\"text\": \"a\", \"entities\": []}\r\n", Doccano},
		"upper-case extension":     {"A.JSONL", `{"text": "a", "label": []}`, Doccano},
		"json holding JSON lines":  {"a.json", `{"text": "a", "spans": []}`, JSONL},
		"unparsable line: Tagdesk": {"a.jsonl", `{oops`, JSONL},
		"label studio task list":   {"a.json", "\uFEFF\n[\n  {\"data\": {\"text\": \"a\"}}\n]", LabelStudio},
		"label studio task lines":  {"a.jsonl", `{"data": {"text": "a"}, "annotations": []}`, LabelStudio},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := strings.NewReader(tt.content)
			got, err := detect(tt.name, f)
			if err != nil || got != tt.want {
				t.Errorf("detect = %q, %v; want %q", got, err, tt.want)
			}
			if pos, _ := f.Seek(0, 1); pos != 0 {
				t.Errorf("detect left the reader at %d", pos)
			}
		})
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	lr := newLineReader(strings.NewReader("\uFEFFone\r\ntwo\n\n" + long + "\nlast"))
	var got []string
	for {
		line, _, err := lr.next()
		if err != nil {
			break
		}
		got = append(got, string(line))
	}
	want := []string{"one", "two", "", long, "last"}
	if !slices.Equal(got, want) {
		t.Errorf("lines %.40q, want %.40q", got, want)
	}
}

func FuzzJSONLReader(f *testing.F) {
	for _, s := range []string{
		`{"text": "Kyiv", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "a"}]}`,
		`{"id": 3, "text": "a\r\nb", "meta": {"k": [1]}, "status": {"a": "done"}}`,
		"\uFEFF{\"text\": \"e\u0301\"}\n{]",
		`{"text": "x", "spans": [{"start": 1e400, "end": -0, "label": ""}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, NewJSONLReader(strings.NewReader(string(b)), "fuzz.jsonl"))
	})
}

func FuzzDoccanoReader(f *testing.F) {
	for _, s := range []string{
		`{"text": "EU rejects", "label": [[0, 2, "ORG"]]}`,
		`{"text": "X", "entities": [{"id": 0, "start_offset": 0, "end_offset": 1, "label": "ORG"}], "relations": [{}]}`,
		`{"text": "x", "label": ["pos"], "meta": null, "id": 1.5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzReader(t, NewDoccanoReader(strings.NewReader(string(b)), "fuzz.jsonl"))
	})
}

// fuzzReader reads every record and imports the good ones: nothing may panic, every problem must be
// an ImportError, and an import either succeeds or reports problems.
func fuzzReader(t *testing.T, r annotations.RecordReader) {
	var recs []*annotations.Record
	for i := 0; i < 1000; i++ {
		rec, err := r.Next()
		if err != nil {
			var ie *annotations.ImportError
			if errors.Is(err, io.EOF) {
				break
			}
			if !errors.As(err, &ie) {
				t.Fatalf("reader error %v is not an ImportError", err)
			}
			continue
		}
		recs = append(recs, rec)
	}
	p := openProject(t)
	_, err := p.Import(context.Background(), &sliceReader{recs: recs}, annotations.ImportOptions{Annotator: "fuzz"})
	var ie *annotations.ImportErrors
	if err != nil && !errors.As(err, &ie) {
		t.Fatalf("import error %v is not ImportErrors", err)
	}
}

type sliceReader struct{ recs []*annotations.Record }

func (s *sliceReader) Next() (*annotations.Record, error) {
	if len(s.recs) == 0 {
		return nil, io.EOF
	}
	r := s.recs[0]
	s.recs = s.recs[1:]
	return r, nil
}

func TestReaderProgress(t *testing.T) {
	var big strings.Builder // several read buffers long, so progress is seen inside the file
	for i := range 5000 {
		fmt.Fprintf(&big, `{"id": "d%d", "text": "document number %d, long enough to fill the buffer"}`+"\n", i, i)
	}
	files := map[string]string{
		"corpus/a.txt":       "« Première dépêche. »",
		"corpus/big.jsonl":   big.String(),
		"corpus/empty.txt":   "",
		"corpus/notes.md":    "not listed, not counted",
		"corpus/.hidden.txt": "not listed, not counted",
		"single.jsonl":       `{"text": "one"}` + "\n",
	}
	dir := writeFiles(t, files)
	tests := map[string]struct {
		paths     []string
		format    string
		wantTotal int
	}{
		"folder":             {[]string{"corpus"}, "", len(files["corpus/a.txt"]) + len(big.String())},
		"file":               {[]string{"single.jsonl"}, "", len(files["single.jsonl"])},
		"folder and file":    {[]string{"corpus", "single.jsonl"}, "", len(files["corpus/a.txt"]) + len(big.String()) + len(files["single.jsonl"])},
		"missing file":       {[]string{"missing.jsonl", "single.jsonl"}, "", len(files["single.jsonl"])},
		"format keeps files": {[]string{"corpus"}, TXT, len(files["corpus/a.txt"])},
		"standard input":     {[]string{"-", "single.jsonl"}, JSONL, len(files["single.jsonl"])},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var paths []string
			for _, p := range tt.paths {
				if p != "-" {
					p = filepath.Join(dir, p)
				}
				paths = append(paths, p)
			}
			r := Open(paths, tt.format, strings.NewReader(`{"text": "from stdin"}`+"\n"))
			defer r.Close()
			read, total := r.Progress()
			if read != 0 || total != int64(tt.wantTotal) {
				t.Fatalf("before reading: %d of %d; want 0 of %d", read, total, tt.wantTotal)
			}
			var last int64
			inside := false // some progress strictly between 0 and the total
			for {
				_, err := r.Next()
				read, total := r.Progress()
				if read < last || read > total {
					t.Fatalf("progress %d of %d after %d", read, total, last)
				}
				if read > 0 && read < total {
					inside = true
				}
				last = read
				if errors.Is(err, io.EOF) {
					break
				}
				var ie *annotations.ImportError
				if err != nil && !errors.As(err, &ie) {
					t.Fatal(err)
				}
			}
			if read, total := r.Progress(); read != total {
				t.Errorf("at the end: %d of %d", read, total)
			}
			if strings.Contains(name, "folder") && !inside {
				t.Error("no progress was reported inside the big file")
			}
		})
	}
}
