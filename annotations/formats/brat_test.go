package formats

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// memTree is a Tree in memory.
type memTree map[string]*bytes.Buffer

func (m memTree) Create(name string) (io.Writer, error) {
	if _, ok := m[name]; ok {
		return nil, fmt.Errorf("%s created twice", name)
	}
	m[name] = &bytes.Buffer{}
	return m[name], nil
}

// String lists the files by name, each under a header line.
func (m memTree) String() string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "=== %s (%d bytes)\n%s", name, m[name].Len(), m[name])
		if m[name].Len() > 0 && !bytes.HasSuffix(m[name].Bytes(), []byte("\n")) {
			b.WriteString("\n=== (no line end)\n")
		}
	}
	return b.String()
}

// exportBratTo exports p as brat into tree and returns the writer's notices.
func exportBratTo(tree Tree, p *annotations.Project, q annotations.ExportQuery, opts WriterOptions) ([]string, error) {
	w, err := NewTreeWriter(Brat, tree, opts)
	if err != nil {
		return nil, err
	}
	if err := p.Export(context.Background(), q, w.Write); err != nil {
		return nil, err
	}
	err = w.Close()
	return w.(Noticer).Notices(), err
}

// exportBrat exports p as brat into a memTree and returns it with the writer's notices.
func exportBrat(t *testing.T, p *annotations.Project, q annotations.ExportQuery, opts WriterOptions) (memTree, []string) {
	t.Helper()
	tree := memTree{}
	notices, err := exportBratTo(tree, p, q, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tree, notices
}

// writeBratTree exports p as brat to path, a folder or a .zip, through WriteTree.
func writeBratTree(t *testing.T, p *annotations.Project, path string, q annotations.ExportQuery, opts WriterOptions) {
	t.Helper()
	err := WriteTree(context.Background(), path, func(tree Tree) error {
		_, err := exportBratTo(tree, p, q, opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// bratNumbers is the notice of n spans whose number or text values brat cannot hold.
func bratNumbers(n int) string {
	return fmt.Sprintf("%d spans have number or text attribute values, which brat attributes cannot hold: they were left out", n)
}

func TestBratExportGolden(t *testing.T) {
	p := corpusProject(t)
	tests := map[string]struct {
		q           annotations.ExportQuery
		opts        WriterOptions
		wantNotices []string
	}{
		"brat/export.txt": {annotations.ExportQuery{}, WriterOptions{},
			[]string{"1 note with line breaks or tabs was written on one line: a brat note is one line", bratNumbers(5)}},
		"brat/export-bob-flat.txt": {annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Flat: true}, []string{bratNumbers(3)}},
		"brat/export-labels.txt": {annotations.ExportQuery{Annotators: []string{"bob"}},
			WriterOptions{Flat: true, Labels: []string{"figure", "place name", "actor"}},
			[]string{`label "place name" was written as place_name: brat type names cannot hold spaces`, bratNumbers(3)}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tree, notices := exportBrat(t, p, tt.q, tt.opts)
			golden(t, name, []byte(tree.String()))
			if !slices.Equal(notices, tt.wantNotices) {
				t.Errorf("notices %q, want %q", notices, tt.wantNotices)
			}
		})
	}
}

// bratSpans describes p's documents by text and each annotator's spans, what brat carries: no
// names, ids, metadata or statuses, notes on one line, and only the flags and choices of the
// attribute values.
func bratSpans(t *testing.T, p *annotations.Project) string {
	t.Helper()
	var docs []string
	err := p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		var b strings.Builder
		b.WriteString(strconv.Quote(d.Text) + "\n")
		for _, s := range d.Spans {
			note := strings.NewReplacer("\n", " ", "\t", " ").Replace(s.Note)
			fmt.Fprintf(&b, "  %s %s %d-%d %q %s\n", s.Annotator, s.Label, s.Start, s.End, note, describeAttrs(s.Attrs, bratKept))
		}
		b.WriteString(describeRelations(d))
		docs = append(docs, b.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(docs) // an import reads documents in the order of their file names
	return strings.Join(docs, "")
}

// TestBratRoundTrip exports the corpus to a folder and to a zip, imports each into an empty project
// and compares the texts and each annotator's spans and notes.
func TestBratRoundTrip(t *testing.T) {
	p := corpusProject(t)
	want := bratSpans(t, p)
	for _, name := range []string{"collection", "collection.zip", "COLLECTION.ZIP"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			writeBratTree(t, p, path, annotations.ExportQuery{}, WriterOptions{})
			q := openProject(t)
			rep := importFiles(t, q, "", annotations.ImportOptions{}, path)
			if got := bratSpans(t, q); got != want {
				t.Errorf("the round trip differs:\n--- original\n%s\n--- round trip\n%s", want, got)
			}
			st, _ := p.Stats(context.Background())
			if rep.Documents != st.Documents || rep.Spans != st.Spans {
				t.Errorf("report %+v for %d documents and %d spans", rep, st.Documents, st.Spans)
			}
		})
	}
	t.Run("flat, one annotator", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bob")
		writeBratTree(t, p, path, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Flat: true})
		q := openProject(t)
		importFiles(t, q, "", annotations.ImportOptions{Annotator: "bob"}, path)
		bob := openProject(t) // the original with bob's spans only
		jsonl := export(t, p, JSONL, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{})
		if _, err := bob.Import(context.Background(), NewJSONLReader(bytes.NewReader(jsonl), "bob.jsonl"), annotations.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, want := bratSpans(t, q), bratSpans(t, bob); got != want {
			t.Errorf("the flat round trip differs:\n--- original\n%s\n--- round trip\n%s", want, got)
		}
	})
}

// writeZip writes a zip holding files (name → content, in name order) and returns its path.
func writeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBratImportErrors(t *testing.T) {
	const txt = "Kyiv 🙂 said it." // 15 characters, the emoji one of them
	tests := map[string]struct {
		files  map[string]string
		zip    bool // the files are in c.zip, which is imported
		inputs []string
		format string
		want   []string
	}{
		".ann without .txt": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "", "c/alice/b.ann": "T1\tactor 0 4\tKyiv\n"},
			want:  []string{"c/alice/b.ann: has no b.txt beside it"},
		},
		".ann without .txt, given alone": {
			files:  map[string]string{"c/b.ann": "T1\tactor 0 4\tKyiv\n"},
			inputs: []string{"c/b.ann"},
			want:   []string{"c/b.ann: has no b.txt beside it"},
		},
		"offsets": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "T1\tactor -1 4\tKyiv\n" +
				"T2\tactor 4 0\tKyiv\n" +
				"T3\tactor 10 16\tsaid it.\n" +
				"T4\tactor 0 four\tKyiv\n" +
				"T5\tactor 0 4;5\tKyiv\n" +
				"T6\tactor\tKyiv\n" +
				"T7\t 0 4\tKyiv\n" +
				"T8\tactor 3 3\t\n" +
				"T9\tactor 0 2;1 4\tKy yiv\n" +
				"T10\tactor 0 99999999999999999999\tKyiv\n" +
				"T11\tactor 0 4\n"},
			want: []string{
				"c/a.ann:1: T1: start -1 is negative",
				"c/a.ann:2: T2: end 0 is before start 4",
				"c/a.ann:3: T3: end 16 is past the end of a.txt (15 characters)",
				`c/a.ann:4: T4: the offset "four" is not a whole number`,
				`c/a.ann:5: T5: the offsets "5" should be START END (fragments separated by ;)`,
				"c/a.ann:6: T6: the offsets are missing (expected LABEL START END)",
				"c/a.ann:7: T7: the label is missing (expected LABEL START END)",
				"c/a.ann:8: T8: the span 3–3 is empty",
				"c/a.ann:9: T9: the fragments 0–2 and 1–4 overlap",
				"c/a.ann:10: T10: the offset 99999999999999999999 is too large",
				"c/a.ann:11: T11: the text is missing (expected T11<TAB>LABEL START END<TAB>TEXT)",
			},
		},
		"text that does not match": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "T1\tactor 0 4\tKiev\n" +
				"T2\tactor 0 6\tKyiv 🙂\n" + // right
				"T3\tactor 0 4;5 6\tKyiv🙂\n" + // right, as brat wrote it before 1.3
				"T4\tactor 0 4;5 6\tKyiv  🙂\n" +
				"T5\tactor 0 4\tKyiv # a comment brat allows\n" +
				"T6\tactor 0 4\tKyivx\n"},
			want: []string{
				`c/a.ann:1: T1: its text "Kiev" does not match a.txt at 0–4, which is "Kyiv"`,
				`c/a.ann:4: T4: its text "Kyiv  🙂" does not match a.txt at 0–4;5–6, which is "Kyiv 🙂"`,
				`c/a.ann:6: T6: its text "Kyivx" does not match a.txt at 0–4, which is "Kyiv"`,
			},
		},
		"line kinds and ids": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "X1\tactor 0 4\tKyiv\n" +
				"T1 actor 0 4 Kyiv\n" +
				"\tactor 0 4\tKyiv\n" +
				"Tx\tactor 0 4\tKyiv\n" +
				"T2\tactor 0 4\tKyiv\n" +
				"T2\tactor 0 4\tKyiv\n" +
				"\n" +
				"#1\tAnnotatorNotes\tno target\n" +
				"R1\tOrigin Arg1:T2 Arg2:T2\n"},
			want: []string{
				`c/a.ann:1: unknown line "X1": brat lines are T, R, E, A, M, N, # or * lines`,
				"c/a.ann:2: no tab after the id: brat separates the id, the annotation and its text with tabs",
				"c/a.ann:3: the line starts with a tab: the id is missing",
				`c/a.ann:4: the id "Tx" should be T followed by a number`,
				"c/a.ann:6: the id T2 is used twice (first on line 5)",
				`c/a.ann:8: #1: expected a note type and the id it is about (AnnotatorNotes T1), found "AnnotatorNotes"`,
				"c/a.ann:9: R1: it links T2 to itself",
			},
		},
		"note on an unknown id": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "#1\tAnnotatorNotes T1\tbefore its span\n" +
				"T1\tactor 0 4\tKyiv\n" +
				"#2\tAnnotatorNotes T7\tlost\n"},
			want: []string{`c/a.ann:3: #2: the note is about T7, which this file does not have`},
		},
		"invalid UTF-8": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "T1\tactor 0 4\tKyiv\nT2\tact\xe9ur 0 4\tKyiv\n",
				"c/b.txt": "caf\xe9\n", "c/b.ann": ""},
			want: []string{
				"c/a.ann:2: invalid UTF-8 at byte 7 (0xE9); save the file as UTF-8",
				"c/b.txt:1: invalid UTF-8 at byte 4 (0xE9); save the file as UTF-8",
			},
		},
		"UTF-16 and NUL bytes": {
			files: map[string]string{"c/a.txt": txt, "c/a.ann": "\xff\xfeT\x001\x00\t\x00",
				"c/b.txt": txt, "c/b.ann": "T1\tactor 0 4\tKyiv\nT2\x00\n",
				"c/c.txt": "K\x00y\x00i\x00v\x00 \x00s\x00a\x00i\x00d\x00"},
			want: []string{
				"c/a.ann:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8",
				"c/b.ann:2: the file contains NUL bytes: it is not a text file",
				"c/c.txt: the file looks like UTF-16 (every other byte is 0); save it as UTF-8",
			},
		},
		"zip slip": {
			files: map[string]string{"a.txt": txt, "a.ann": "", "../evil.txt": "x", "/etc/passwd.ann": "x", `..\win.txt`: "x"},
			zip:   true,
			want: []string{
				`c.zip: the entry "../evil.txt" points outside the archive; Tagdesk does not read such archives`,
				`c.zip: the entry "..\\win.txt" points outside the archive; Tagdesk does not read such archives`,
				`c.zip: the entry "/etc/passwd.ann" points outside the archive; Tagdesk does not read such archives`,
			},
		},
		"in a zip": {
			files: map[string]string{"alice/a.txt": txt, "alice/a.ann": "T1\tactor 0 5\tKyiv\n", "bob/b.ann": ""},
			zip:   true,
			want: []string{
				`c.zip:alice/a.ann:1: T1: its text "Kyiv" does not match a.txt at 0–5, which is "Kyiv "`,
				"c.zip:bob/b.ann: has no b.txt beside it",
			},
		},
		"not a zip": {
			files: map[string]string{"c.zip": "PK but not really"},
			want:  []string{"c.zip: cannot read the zip file: not a valid zip file"},
		},
		"a folder without brat files": {
			files:  map[string]string{"c/notes.md": "x", "c/annotation.conf": "[entities]"},
			format: Brat,
			inputs: []string{"c"},
			want:   []string{"c: the folder holds no brat files (.txt and .ann)"},
		},
		"two .txt files for one .ann": {
			files: map[string]string{"c/a.txt": txt, "c/a.TXT": txt, "c/a.ann": ""},
			want:  []string{"c/a.txt: a.TXT is beside it too: keep only one of the two"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := corpusProject(t)
			before, _ := p.Stats(context.Background())
			var dir string
			inputs := tt.inputs
			if tt.zip {
				zipPath := writeZip(t, tt.files)
				dir, inputs = filepath.Dir(zipPath), []string{"c.zip"}
			} else {
				dir = writeFiles(t, tt.files)
			}
			if inputs == nil {
				inputs = []string{strings.Split(slices.Sorted(maps.Keys(tt.files))[0], "/")[0]}
			}
			got := problems(t, p, dir, tt.format, annotations.ImportOptions{Annotator: "carol"}, inputs...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if after, _ := p.Stats(context.Background()); !reflect.DeepEqual(before, after) {
				t.Errorf("the failed import changed the project:\n%+v\n%+v", before, after)
			}
		})
	}
}

// TestBratZipTooLarge reads a zip whose entries say they are larger than MaxLine: nothing is read
// from them.
func TestBratZipTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"a.txt", "b.txt", "b.ann"} {
		h := &zip.FileHeader{Name: name, Method: zip.Store, UncompressedSize64: MaxLine + 1}
		if name == "b.txt" {
			h.UncompressedSize64 = 0
		}
		if _, err := zw.CreateRaw(h); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	os.WriteFile(path, b.Bytes(), 0o644)
	got := problems(t, openProject(t), filepath.Dir(path), "", annotations.ImportOptions{}, "c.zip")
	want := []string{"c.zip:a.txt: the file is larger than 64 MiB", "c.zip:b.ann: the file is larger than 64 MiB"}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBratImport imports small collections and checks the documents, spans and notices that come out.
func TestBratImport(t *testing.T) {
	tests := map[string]struct {
		files       map[string]string
		zip         bool
		input       string // default: c
		format      string
		want        string // documents (name and text) and their spans, as describeBrat gives them
		wantNotices []string
	}{
		"fragments over white space are one span": {
			files: map[string]string{"c/a.txt": "North\n  America is big.\tReally.", "c/a.ann": "" +
				"T1\tLocation 0 5;8 15\tNorth America\n" +
				"T2\tclaim 8 23;24 31\tAmerica is big. Really.\n" +
				"T3\tLocation 8 12;12 15\tAmer ica\n"}, // adjacent fragments
			want: "a.txt \"North\\n  America is big.\\tReally.\"\n" +
				"  carol Location 0-15 \"\"\n" +
				"  carol Location 8-15 \"\"\n" +
				"  carol claim 8-31 \"\"\n",
		},
		"fragments with words between them are separate spans": {
			files: map[string]string{"c/a.txt": "North and South America", "c/a.ann": "" +
				"T1\tLocation 16 23;0 5\tAmerica North\n" +
				"#1\tAnnotatorNotes T1\ta note for both\n"},
			want: "a.txt \"North and South America\"\n" +
				"  carol Location 0-5 \"a note for both\"\n" +
				"  carol Location 16-23 \"a note for both\"\n",
			wantNotices: []string{"1 discontinuous brat span was imported as separate spans, one per fragment (c/a.ann)."},
		},
		"relations, events, attributes, normalisations, equivalences": {
			files: map[string]string{"c/a.txt": "Sony and Ericsson", "c/a.ann": "" +
				"T1\tOrg 0 4\tSony\n" +
				"T2\tOrg 9 17\tEricsson\n" +
				"R1\tPartner Arg1:T1 Arg2:T2\n" +
				"R2\tPartner Arg2:T1 Arg1:T2\n" +
				"E1\tMerge:T1 Theme:T2\n" +
				"R3\tCause Arg1:E1 Arg2:T2\n" +
				"A1\tNegated E1\n" +
				"M2\tSpeculated E1\n" +
				"N1\tReference T1 Wikipedia:Sony\tSony\n" +
				"*\tEquiv T1 T2\n" +
				"#1\tAnnotatorNotes R1\tabout the relation\n" +
				"#2\tAnnotatorNotes T1\tfirst\n" +
				"#3\tAnnotatorNotes T1\tsecond\n"},
			want: "a.txt \"Sony and Ericsson\"\n" +
				"  carol Org 0-4 \"first\\nsecond\"\n" +
				"  carol Org 9-17 \"\"\n" +
				"  carol Org 0-4 -Partner-> Org 9-17\n" +
				"  carol Org 9-17 -Partner-> Org 0-4\n",
			wantNotices: []string{
				"2 brat attributes (A or M lines) of relations or events were not imported: Tagdesk keeps attributes of spans only (c/a.ann).",
				"1 brat equivalence (* line) was not imported: Tagdesk does not store equivalences yet (c/a.ann).",
				"1 brat event (E line) was not imported: Tagdesk does not store events yet (c/a.ann).",
				"1 brat normalisation (N line) was not imported: Tagdesk does not store normalisations yet (c/a.ann).",
				"1 brat note on a relation, event or attribute was not imported: Tagdesk keeps notes on spans only (c/a.ann).",
				"1 brat relation (R line) was not imported: Tagdesk keeps relations between text-bound spans only (c/a.ann).",
			},
		},
		"CRLF: brat counts the CR": {
			files: map[string]string{"c/a.txt": "Line one\r\nKyiv said\r\n", "c/a.ann": "\uFEFF" + // an editor's BOM
				"T1\tactor 10 14\tKyiv\r\n" +
				"T2\tclaim 5 8;10 19\tone Kyiv said\r\n"},
			want: "a.txt \"Line one\\nKyiv said\\n\"\n" +
				"  carol claim 5-18 \"\"\n" +
				"  carol actor 9-13 \"\"\n",
		},
		"emoji, combining accents and a byte-order mark": {
			files: map[string]string{"c/a.txt": "\uFEFF🇺🇦 Kyiv e\u0301te\u0301", "c/a.ann": "" +
				"T1\tactor 4 8\tKyiv\n" +
				"T2\tseason 9 14\te\u0301te\u0301\n"},
			want: "a.txt \"🇺🇦 Kyiv été\"\n" +
				"  carol actor 3-7 \"\"\n" +
				"  carol season 8-11 \"\"\n",
		},
		"empty text, no .ann, annotator folders, hidden and conf files": {
			files: map[string]string{
				"c/empty.txt":          "",
				"c/empty.ann":          "",
				"c/plain.txt":          "no annotations",
				"c/alice/sub/a.txt":    "Kyiv said",
				"c/alice/sub/a.ann":    "T1\tactor 0 4\tKyiv\n",
				"c/bob/a.txt":          "Kyiv said",
				"c/bob/a.ann":          "T1\tactor 0 4\tKyiv\nT2\tverb 5 9\tsaid\n",
				"c/.git/x.ann":         "not read",
				"c/annotation.conf":    "[entities]\nactor\n",
				"c/alice/.hidden.ann":  "not read",
				"c/alice/visual.conf":  "[labels]",
				"c/readme.md":          "not read",
				"c/alice/sub/notes.md": "not read",
			},
			want: "sub/a.txt \"Kyiv said\"\n" +
				"  alice actor 0-4 \"\"\n" +
				"  bob actor 0-4 \"\"\n" +
				"  bob verb 5-9 \"\"\n" +
				"empty.txt \"\"\n" +
				"plain.txt \"no annotations\"\n",
			wantNotices: []string{"1 document is empty (c/empty.ann)."},
		},
		"one .ann given": {
			files: map[string]string{"c/a.txt": "Kyiv", "c/a.ann": "T1\tactor 0 4\tKyiv\n", "c/b.txt": "not read"},
			input: "c/a.ann",
			want:  "a.txt \"Kyiv\"\n  carol actor 0-4 \"\"\n",
		},
		"one .txt given as brat": {
			files:  map[string]string{"c/a.txt": "Kyiv", "c/a.ann": "T1\tactor 0 4\tKyiv\n"},
			input:  "c/a.txt",
			format: Brat,
			want:   "a.txt \"Kyiv\"\n  carol actor 0-4 \"\"\n",
		},
		"a zip of a folder": {
			files: map[string]string{"coll/alice/a.txt": "Kyiv", "coll/alice/a.ann": "T1\tactor 0 4\tKyiv\n",
				"__MACOSX/coll/alice/._a.txt": "resource fork"},
			zip:  true,
			want: "a.txt \"Kyiv\"\n  alice actor 0-4 \"\"\n",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var input string
			if tt.zip {
				input = writeZip(t, tt.files)
			} else {
				input = filepath.Join(writeFiles(t, tt.files), cmp.Or(tt.input, "c"))
			}
			p := openProject(t)
			r := Open([]string{input}, tt.format, nil)
			defer r.Close()
			rep, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "carol"})
			if err != nil {
				t.Fatal(err)
			}
			if got := describeBrat(t, p); got != tt.want {
				t.Errorf("documents:\n%s\nwant:\n%s", got, tt.want)
			}
			dir := filepath.ToSlash(filepath.Dir(input)) + "/"
			var notices []string
			for _, n := range rep.Notices {
				notices = append(notices, strings.ReplaceAll(filepath.ToSlash(n), dir, ""))
			}
			if !slices.Equal(notices, tt.wantNotices) {
				t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(notices, "\n"), strings.Join(tt.wantNotices, "\n"))
			}
		})
	}
}

// describeBrat lists p's documents with their names and texts, and their spans.
func describeBrat(t *testing.T, p *annotations.Project) string {
	t.Helper()
	var b strings.Builder
	err := p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		fmt.Fprintf(&b, "%s %q\n", d.Name, d.Text)
		for _, s := range d.Spans {
			fmt.Fprintf(&b, "  %s %s %d-%d %q\n", s.Annotator, s.Label, s.Start, s.End, s.Note)
		}
		b.WriteString(describeRelations(d))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// describeRelations renders the relations of d by their spans' labels and offsets, one a line, in
// the order of the lines.
func describeRelations(d *annotations.ExportDocument) string {
	var lines []string
	byID := map[int64]annotations.Span{}
	for _, s := range d.Spans {
		byID[s.ID] = s
	}
	for _, r := range d.Relations {
		f, t := byID[r.From], byID[r.To]
		lines = append(lines, fmt.Sprintf("  %s %s %d-%d -%s-> %s %d-%d\n", r.Annotator, f.Label, f.Start, f.End, r.Type, t.Label, t.Start, t.End))
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// TestBratWriter checks what the writer does with what brat cannot hold: spans over line breaks and
// tabs, notes with line breaks, labels with spaces or |, and names that are not safe file names or
// that collide.
func TestBratWriter(t *testing.T) {
	const text = "Foo\n  Bar\tbaz \n\nqux" // 19 characters
	dir := writeFiles(t, map[string]string{"in.jsonl": `{"name": "con.txt", "text": "Foo\n  Bar\tbaz \n\nqux", "spans": [` +
		`{"start": 0, "end": 19, "label": "place  name", "annotator": "a/b", "note": "line\nbreak\tand tab"},` +
		`{"start": 3, "end": 6, "label": "gap", "annotator": "a/b"},` +
		`{"start": 4, "end": 15, "label": "trimmed", "annotator": "a/b"},` +
		`{"start": 0, "end": 3, "label": "x|y", "annotator": "A_b"}],` +
		`"relations": [{"from": 1, "to": 0, "type": "said  by"}, {"from": 2, "to": 0, "type": "said  by"}]}` + "\n" +
		`{"name": "CON", "text": "another text"}` + "\n" +
		`{"name": "a/b.txt", "text": "third"}` + "\n" +
		`{"name": "a_b", "text": "fourth"}` + "\n"})
	p := openProject(t)
	importFiles(t, p, "", annotations.ImportOptions{}, filepath.Join(dir, "in.jsonl"))
	tree, notices := exportBrat(t, p, annotations.ExportQuery{}, WriterOptions{})
	want := memTree{}
	for name, content := range map[string]string{
		"A_b/con_.txt":   text,
		"A_b/con_.ann":   "T1\tx|y 0 3\tFoo\n",
		"a_b-2/con_.txt": text, // a/b, whose safe name a_b is A_b's on Windows and macOS
		"a_b-2/con_.ann": "T1\tplace_name 0 3;6 9;10 13;16 19\tFoo Bar baz qux\n" +
			"#1\tAnnotatorNotes T1\tline break and tab\n" +
			"T2\ttrimmed 4 9;10 13\t  Bar baz\n" + // the span 3-6 holds only a line break and spaces
			"R1\tsaid_by Arg1:T2 Arg2:T1\n",
		"CON_-2.txt": "another text", // CON_ is con_ on Windows and macOS
		"CON_-2.ann": "",
		"a_b.txt":    "third",
		"a_b.ann":    "",
		"a_b-2.txt":  "fourth",
		"a_b-2.ann":  "",
		"annotation.conf": "# Tagdesk's labels as brat entity types, its relation types, and the labels' flags and choices as attributes.\n" +
			"[entities]\nplace_name\ntrimmed\n\n[relations]\nsaid_by Arg1:<ENTITY>, Arg2:<ENTITY>\n\n[events]\n\n[attributes]\n",
		"visual.conf": "# How brat shows the types: the type, then the label.\n" +
			"[labels]\nplace_name | place  name\ntrimmed | trimmed\nsaid_by | said_by\n\n[drawing]\n",
	} {
		want[name] = bytes.NewBufferString(content)
	}
	if got, want := tree.String(), want.String(); got != want {
		t.Errorf("files:\n%s\nwant:\n%s", got, want)
	}
	wantNotices := []string{
		`annotator "a/b" was written in the folder "a_b-2", a name safe on every system: importing the collection back gives that name`,
		`label "place  name" was written as place_name: brat type names cannot hold spaces`,
		`relation type "said  by" was written as said_by: brat type names cannot hold spaces`,
		"the type x|y is not in annotation.conf: brat's configuration files read |, #, !, < and lines of hyphens specially",
		"1 note with line breaks or tabs was written on one line: a brat note is one line",
		"1 span that starts or ends with a line break was written without it: brat spans leave line breaks out",
		"1 span of only line breaks and white space was left out: brat cannot write it",
		"1 relation of such a span was left out with it",
	}
	if !slices.Equal(notices, wantNotices) {
		t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(notices, "\n"), strings.Join(wantNotices, "\n"))
	}
}

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes
	tests := map[string]string{
		"front.txt":          "front",
		"front.TXT":          "front",
		"notes.md":           "notes.md",
		"2024/mars/a.txt":    "2024_mars_a",
		`a\b:c*d?e"f<g>h|i`:  "a_b_c_d_e_f_g_h_i",
		"tab\there\n":        "tab_here_",
		"trailing. . ":       "trailing",
		" leading":           "leading",
		".hidden":            "_hidden",
		"..":                 "document",
		"":                   "document",
		".txt":               "document",
		"CON":                "CON_",
		"con.tar":            "con_.tar",
		"Lpt1":               "Lpt1_",
		"COM¹":               "COM¹_",
		"COM10":              "COM10",
		"CONSOLE":            "CONSOLE",
		"e\u0301te\u0301":    "été",
		"=injection.txt":     "=injection",
		"🇺🇦 Kyiv.txt":        "🇺🇦 Kyiv",
		long:                 strings.Repeat("é", 100),
		long + "x.txt":       strings.Repeat("é", 100),
		"Кириллица/файл.txt": "Кириллица_файл",
	}
	for in, want := range tests {
		if got := fileStem(in); got != want {
			t.Errorf("fileStem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteTree(t *testing.T) {
	boom := errors.New("boom")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	write := func(tr Tree) error {
		for _, name := range []string{"a.txt", "alice/a.ann"} {
			w, err := tr.Create(name)
			if err != nil {
				return err
			}
			io.WriteString(w, "content of "+name)
		}
		return nil
	}
	tests := map[string]struct {
		name    string // the output, in a new folder
		before  map[string]string
		ctx     context.Context
		write   func(Tree) error
		wantErr string // the error's text, if any
		want    []string
	}{
		"new folder":   {"out", nil, context.Background(), write, "", []string{"out/a.txt", "out/alice/a.ann"}},
		"empty folder": {"out", map[string]string{"out/": ""}, context.Background(), write, "", []string{"out/a.txt", "out/alice/a.ann"}},
		"folder not empty": {"out", map[string]string{"out/keep.txt": "mine"}, context.Background(), write,
			"OUT is not empty; export into a new or empty folder.", []string{"out/keep.txt"}},
		"a file": {"out", map[string]string{"out": "mine"}, context.Background(), write,
			"OUT is a file; export into a new or empty folder.", []string{"out"}},
		"write fails": {"out", nil, context.Background(), func(tr Tree) error { write(tr); return boom }, "boom", nil},
		"cancelled":   {"out", nil, cancelled, write, "context canceled", nil},
		"unsafe name": {"out", nil, context.Background(), func(tr Tree) error { _, err := tr.Create("../x"); return err },
			`unsafe file name "../x"`, nil},
		"two files of one name": {"out", nil, context.Background(), func(tr Tree) error { write(tr); return write(tr) },
			"Could not write OUT/a.txt: file exists.: open", nil},
		"zip":             {"out.zip", nil, context.Background(), write, "", []string{"out.zip"}},
		"zip fails":       {"out.zip", map[string]string{"out.zip": "old"}, context.Background(), func(tr Tree) error { write(tr); return boom }, "boom", []string{"out.zip"}},
		"zip cancelled":   {"out.zip", nil, cancelled, write, "context canceled", nil},
		"zip unsafe name": {"out.ZIP", nil, context.Background(), func(tr Tree) error { _, err := tr.Create("/x"); return err }, `zip: unsafe file name "/x"`, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.before {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if strings.HasSuffix(name, "/") {
					os.MkdirAll(p, 0o755)
					continue
				}
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(content), 0o644)
			}
			out := filepath.Join(dir, tt.name)
			err := WriteTree(tt.ctx, out, tt.write)
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), out, "OUT")
			}
			if !strings.HasPrefix(got, tt.wantErr) || (got == "") != (tt.wantErr == "") {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
			var ue *annotations.Error
			if strings.Contains(tt.wantErr, "folder.") && !errors.As(err, &ue) {
				t.Errorf("%v is not an *annotations.Error", err)
			}
			var files []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					files = append(files, filepath.ToSlash(rel))
				}
				return nil
			})
			if !slices.Equal(files, tt.want) {
				t.Errorf("files %q, want %q", files, tt.want)
			}
			if tt.before["out.zip"] != "" {
				if b, _ := os.ReadFile(out); string(b) != "old" {
					t.Errorf("the zip that was there holds %q", b)
				}
			}
			if strings.HasSuffix(strings.ToLower(out), ".zip") && err == nil {
				zr, err := zip.OpenReader(out)
				if err != nil {
					t.Fatal(err)
				}
				defer zr.Close()
				var names []string
				for _, f := range zr.File {
					names = append(names, f.Name)
				}
				if !slices.Equal(names, []string{"a.txt", "alice/a.ann"}) {
					t.Errorf("the zip holds %q", names)
				}
			}
		})
	}
}

func TestNewTreeWriter(t *testing.T) {
	tests := map[string]struct {
		format string
		opts   WriterOptions
		want   string
	}{
		"brat":                {Brat, WriterOptions{}, ""},
		"brat in code points": {Brat, WriterOptions{Offsets: CodePoints}, ""},
		"brat in UTF-16": {Brat, WriterOptions{Offsets: UTF16},
			"brat counts offsets in characters (code points) by definition; utf16 offsets apply only to the JSON formats (jsonl, doccano, spacy, prodigy, labelstudio)"},
		"a stream format": {CSV, WriterOptions{}, "csv writes one file, not a folder: use NewWriter"},
		"unknown":         {"xml", WriterOptions{}, `unknown export format "xml" (use csv, jsonl, doccano, spacy, prodigy, labelstudio, brat, conll, hf)`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := NewTreeWriter(tt.format, memTree{}, tt.opts)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := NewWriter(Brat, io.Discard, WriterOptions{}); err == nil || !strings.Contains(err.Error(), "NewTreeWriter") {
		t.Errorf("NewWriter(brat): %v", err)
	}
}

func TestCapReader(t *testing.T) {
	r := &capReader{r: strings.NewReader("0123456789"), max: 4}
	_, err := io.ReadAll(r)
	if !errors.Is(err, errTooLarge) {
		t.Errorf("reading 10 bytes with a cap of 4: %v", err)
	}
	r = &capReader{r: strings.NewReader("0123"), max: 4}
	if b, err := io.ReadAll(r); err != nil || string(b) != "0123" {
		t.Errorf("reading 4 bytes with a cap of 4: %q, %v", b, err)
	}
}

// memPair returns a reader of one brat pair held in memory.
func memPair(txt string, ann []byte) *bratReader {
	entry := func(name string, b []byte) *bratEntry {
		return &bratEntry{name: name, display: name, size: int64(len(b)),
			open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
	}
	return newBratReader([]*bratEntry{entry("fuzz.txt", []byte(txt)), entry("fuzz.ann", ann)}, nil)
}

func FuzzBratAnn(f *testing.F) {
	for _, s := range [][2]string{
		{"Sony and Ericsson", "T1\tOrg 0 4\tSony\nT2\tOrg 9 17\tEricsson\nR1\tPartner Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\tnote\n"},
		{"North\r\nAmerica", "\uFEFFT1\tLoc 0 5;7 14\tNorth America\r\n"},
		{"🇺🇦 e\u0301", "T1\tX 0 2;3 5\t🇺🇦 e\u0301\nT1\tX 9 1\t\n#2\tA T9\n"},
		{"", "*\tEquiv T1 T2\nE1\tA:T1\nA1\tNeg E1\nN1\tRef T1 W:1\tx\nX\t\n\t\n"},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, txt string, ann []byte) {
		fuzzReader(t, memPair(txt, ann))
	})
}
