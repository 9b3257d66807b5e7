package formats

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// openProject opens a new project in a temporary folder.
func openProject(t testing.TB) *annotations.Project {
	t.Helper()
	p, err := annotations.Open(context.Background(), filepath.Join(t.TempDir(), "p.tagdesk"), annotations.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// importFiles imports paths into p and fails the test on any error.
func importFiles(t testing.TB, p *annotations.Project, format string, opts annotations.ImportOptions, paths ...string) annotations.ImportReport {
	t.Helper()
	r := Open(paths, format, nil)
	defer r.Close()
	rep, err := p.Import(context.Background(), r, opts)
	if err != nil {
		t.Fatalf("import %v: %v", paths, err)
	}
	return rep
}

// corpusProject is a project holding testdata/corpus.jsonl: French and English reporting with
// decomposed accents, CRLF, a byte-order mark, an emoji flag, Cyrillic, nested and overlapping spans
// of two annotators, notes with commas, quotes and line breaks, cells that look like formulas, and an
// empty document.
func corpusProject(t testing.TB) *annotations.Project {
	t.Helper()
	p := openProject(t)
	importFiles(t, p, "", annotations.ImportOptions{}, "testdata/corpus.jsonl")
	return p
}

func export(t testing.TB, p *annotations.Project, format string, q annotations.ExportQuery, opts WriterOptions) []byte {
	t.Helper()
	out, _ := exportWriter(t, p, format, q, opts)
	return out
}

// exportWriter is export that also returns the writer, closed, for what it has to tell.
func exportWriter(t testing.TB, p *annotations.Project, format string, q annotations.ExportQuery, opts WriterOptions) ([]byte, Writer) {
	t.Helper()
	var b bytes.Buffer
	if opts.LabelSet == nil { // as NewExport does
		opts.LabelSet, _ = p.Labels(context.Background())
	}
	w, err := NewWriter(format, &b, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Export(context.Background(), q, w.Write); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write the golden files, then review them)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestExportGolden(t *testing.T) {
	p := corpusProject(t)
	tests := map[string]struct {
		format string
		q      annotations.ExportQuery
		opts   WriterOptions
	}{
		"export.csv":                    {CSV, annotations.ExportQuery{}, WriterOptions{}},
		"export-excel.csv":              {CSV, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{Excel: true}},
		"export.jsonl":                  {JSONL, annotations.ExportQuery{}, WriterOptions{}},
		"export-done.jsonl":             {JSONL, annotations.ExportQuery{Status: annotations.StatusDone}, WriterOptions{}},
		"export.doccano.jsonl":          {Doccano, annotations.ExportQuery{}, WriterOptions{}},
		"export-entities.doccano.jsonl": {Doccano, annotations.ExportQuery{}, WriterOptions{DoccanoForm: DoccanoEntities}},
		"export-bob.doccano.jsonl":      {Doccano, annotations.ExportQuery{Annotators: []string{"bob"}}, WriterOptions{}},
		"export.spacy.jsonl":            {SpaCy, annotations.ExportQuery{}, WriterOptions{}},
		"export-utf16.spacy.jsonl":      {SpaCy, annotations.ExportQuery{}, WriterOptions{Offsets: UTF16}},
		"export.prodigy.jsonl":          {Prodigy, annotations.ExportQuery{}, WriterOptions{}},
		"export-utf16.jsonl":            {JSONL, annotations.ExportQuery{}, WriterOptions{Offsets: UTF16}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			golden(t, name, export(t, p, tt.format, tt.q, tt.opts))
		})
	}
}

// TestCSV reads the CSV export back with encoding/csv and checks each row against the project.
func TestCSV(t *testing.T) {
	p := corpusProject(t)
	out := export(t, p, CSV, annotations.ExportQuery{}, WriterOptions{})
	if !bytes.HasSuffix(out, []byte("\r\n")) || bytes.Count(out, []byte("\r\n")) < 17 {
		t.Errorf("rows do not end with CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v", err)
	}
	if got := strings.Join(rows[0], ","); got != "document_id,document_name,annotator,label,start,end,text,note,attributes" {
		t.Errorf("header %s", got)
	}
	withAttrs := 0
	for _, row := range rows[1:] {
		if row[8] == "" {
			continue
		}
		var a map[string]any
		if err := json.Unmarshal([]byte(row[8]), &a); err != nil || len(a) == 0 {
			t.Errorf("row %v: attributes %q are not a JSON object with values", row[:6], row[8])
		}
		withAttrs++
	}
	if withAttrs == 0 {
		t.Errorf("no row has attributes")
	}
	st, _ := p.Stats(context.Background())
	if len(rows)-1 != st.Spans {
		t.Errorf("%d rows for %d spans", len(rows)-1, st.Spans)
	}
	texts := map[string]string{}
	p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		texts[d.Key()] = d.Text
		return nil
	})
	formula := func(s string) bool { return s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) }
	for _, row := range rows[1:] {
		for i, cell := range row {
			if formula(cell) {
				t.Errorf("cell %d of %v would run as a formula: %q", i, row, cell)
			}
		}
		start, _ := strconv.Atoi(row[4])
		end, _ := strconv.Atoi(row[5])
		txt := texts[strings.TrimPrefix(row[0], "'")]
		want := string([]rune(txt)[start:end])
		got := row[6]
		if formula(want) {
			got = strings.TrimPrefix(got, "'")
		}
		if got != want {
			t.Errorf("row %v: text %q, but the document has %q at %d-%d", row[:6], got, want, start, end)
		}
	}
}

func TestCSVInjection(t *testing.T) {
	tests := map[string]string{
		"=1+1":          "'=1+1",
		"+33 6 12":      "'+33 6 12",
		"-40 °C":        "'-40 °C",
		"@SUM(A1)":      "'@SUM(A1)",
		"\tcmd":         "'\tcmd",
		"\rcmd":         "'\rcmd",
		"1.100 soldats": "1.100 soldats",
		"a=b":           "a=b",
		"":              "",
		"« =citation »": "« =citation »",
	}
	for in, want := range tests {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	w := &csvWriter{w: newBuf(&b)}
	w.writeRow([]string{"'=1+1", `say "hi", then`, "line\nbreak", "plain"})
	w.Close()
	if got, want := b.String(), "\"'=1+1\",\"say \"\"hi\"\", then\",\"line\nbreak\",plain\r\n"; got != want {
		t.Errorf("row %q, want %q", got, want)
	}
}

// TestExcelBOM checks the byte-order mark option and that without it there is none.
func TestExcelBOM(t *testing.T) {
	p := corpusProject(t)
	if out := export(t, p, CSV, annotations.ExportQuery{}, WriterOptions{Excel: true}); !bytes.HasPrefix(out, []byte("\xEF\xBB\xBFdocument_id,")) {
		t.Errorf("--excel output starts %q", out[:20])
	}
	if out := export(t, p, CSV, annotations.ExportQuery{}, WriterOptions{}); !bytes.HasPrefix(out, []byte("document_id,")) {
		t.Errorf("plain output starts %q", out[:20])
	}
}

// TestJSONLRoundTrip exports the corpus, imports the export into an empty project and checks that
// the documents and spans come back exactly: same texts, names, ids, metadata, spans, notes and
// statuses, and the same export byte for byte.
func TestJSONLRoundTrip(t *testing.T) {
	p := corpusProject(t)
	// bob keeps his spans but sets the document back to new: the round trip must keep that too
	docs, _ := p.ListDocuments(context.Background(), annotations.DocumentQuery{Annotator: "bob"})
	if err := p.SetStatus(context.Background(), docs[0].ID, "bob", annotations.StatusNew); err != nil || docs[0].Spans == 0 {
		t.Fatalf("set bob's status of %s (%d spans) to new: %v", docs[0].Name, docs[0].Spans, err)
	}
	first := export(t, p, JSONL, annotations.ExportQuery{}, WriterOptions{})
	path := filepath.Join(t.TempDir(), "export.jsonl")
	if err := os.WriteFile(path, first, 0o644); err != nil {
		t.Fatal(err)
	}
	q := openProject(t)
	rep := importFiles(t, q, "", annotations.ImportOptions{}, path)
	st, _ := p.Stats(context.Background())
	if rep.Documents != st.Documents || rep.Spans != st.Spans || rep.DocumentsPresent != 0 || rep.SpansPresent != 0 {
		t.Errorf("re-import report %+v for %d documents and %d spans", rep, st.Documents, st.Spans)
	}
	if second := export(t, q, JSONL, annotations.ExportQuery{}, WriterOptions{}); !bytes.Equal(first, second) {
		t.Errorf("the round trip changed the export:\n--- first\n%s\n--- second\n%s", first, second)
	}
	if a, b := describe(t, p), describe(t, q); a != b {
		t.Errorf("the projects differ:\n--- original\n%s\n--- round trip\n%s", a, b)
	}
}

// describe renders a project's documents and spans field by field, ids and times left out.
func describe(t *testing.T, p *annotations.Project) string {
	t.Helper()
	return describeKept(t, p, carried{notes: true, statuses: true, names: true, exact: true})
}

// TestDoccanoRoundTrip exports doccano JSONL and imports it into an empty project: texts, spans per
// annotator, names and ids come back (doccano has no notes or statuses).
func TestDoccanoRoundTrip(t *testing.T) {
	p := corpusProject(t)
	out := export(t, p, Doccano, annotations.ExportQuery{}, WriterOptions{})
	path := filepath.Join(t.TempDir(), "doccano.jsonl")
	os.WriteFile(path, out, 0o644)
	q := openProject(t)
	importFiles(t, q, "", annotations.ImportOptions{}, path) // detected as doccano from its keys
	spansOnly := func(p *annotations.Project) string {
		var b strings.Builder
		p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
			b.WriteString(d.Hash + " " + d.Name + " " + d.Key() + " " + string(d.Meta) + "\n")
			for _, s := range d.Spans {
				b.WriteString("  " + s.Annotator + " " + s.Label + " " + strconv.Itoa(s.Start) + "-" + strconv.Itoa(s.End) + "\n")
			}
			return nil
		})
		return b.String()
	}
	if a, b := spansOnly(p), spansOnly(q); a != b {
		t.Errorf("doccano round trip differs:\n--- original\n%s\n--- round trip\n%s", a, b)
	}
}

// TestExportSpanTextsMatchOffsets checks every span text of the JSONL export against the code points
// of its document text, the convention every format shares.
func TestExportSpanTextsMatchOffsets(t *testing.T) {
	p := corpusProject(t)
	p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		if !utf8.ValidString(d.Text) || strings.ContainsAny(d.Text, "\r\uFEFF") {
			t.Errorf("document %s was not normalised: %q", d.Name, d.Text)
		}
		return nil
	})
	out := export(t, p, JSONL, annotations.ExportQuery{}, WriterOptions{})
	r := NewJSONLReader(bytes.NewReader(out), "export.jsonl")
	checked := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the export back: %v", err)
		}
		runes := []rune(rec.Text)
		for _, s := range rec.Spans {
			if got := string(runes[s.Start:s.End]); got != *s.Text {
				t.Errorf("%s: span %d-%d says %q, text has %q", rec.Name, s.Start, s.End, *s.Text, got)
			}
			checked++
		}
	}
	if st, _ := p.Stats(context.Background()); checked != st.Spans {
		t.Errorf("checked %d spans of %d", checked, st.Spans)
	}
}

func newBuf(w io.Writer) *bufio.Writer { return bufio.NewWriter(w) }

// TestCSVInjectionExport exports, through the path the command line and the app take (NewExport,
// then Write), documents whose every text cell (document id, name, annotator, label, span text and
// note) starts with a character a spreadsheet runs as a formula (= + - @ TAB CR), in the plain and
// the Excel variant, the only CSV Tagdesk writes: every such cell must come out neutralised with an
// apostrophe, and nothing else changed.
func TestCSVInjectionExport(t *testing.T) {
	dir := writeFiles(t, map[string]string{"evil.jsonl": `{"id": "=HYPERLINK(\"http://x\",\"y\")", "name": "+cmd|' /C calc'!A0", "text": "\tTab, =SUM(A1) and -40 °C", "spans": [` +
		`{"start": 0, "end": 4, "label": "@lab", "annotator": "-ann", "note": "\rnote"},` +
		`{"start": 6, "end": 14, "label": "=lab", "annotator": "+ann", "note": "@note"},` +
		`{"start": 19, "end": 22, "label": "+lab", "annotator": "@ann", "note": "\tnote"}]}` + "\n" +
		`{"id": "-2", "name": "\rname", "text": "@here", "spans": [{"start": 0, "end": 5, "label": "-lab", "annotator": "=ann", "note": "-note"}]}` + "\n"})
	p := openProject(t)
	importFiles(t, p, "", annotations.ImportOptions{}, filepath.Join(dir, "evil.jsonl"))
	textCells := []int{0, 1, 2, 3, 6, 7} // document_id, document_name, annotator, label, text, note
	for _, excel := range []bool{false, true} {
		x, err := NewExport(context.Background(), p, CSV, annotations.ExportQuery{}, WriterOptions{Excel: excel})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := x.Write(context.Background(), p, &b, nil); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\uFEFF")))).ReadAll()
		if err != nil || len(rows) != 5 {
			t.Fatalf("excel %v: %d rows, %v:\n%s", excel, len(rows), err, b.Bytes())
		}
		for _, row := range rows[1:] {
			for _, i := range textCells {
				cell := row[i]
				if !strings.HasPrefix(cell, "'") || !strings.ContainsAny(cell[1:2], "=+-@\t\r\n") {
					t.Errorf("excel %v: cell %s %q is not neutralised", excel, csvHeader[i], cell)
				}
			}
		}
	}
}
