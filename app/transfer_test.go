package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

// importInput is a folder with files to import:
// news.jsonl holds two documents, one span naming its annotator and one that names none;
// corpus/ holds two .txt documents (one in a subfolder) and a file that is not imported;
// bad.jsonl has a span that ends before it starts on line 2, and a line that is not JSON on line 3;
// bad1.jsonl has only the first of those problems.
func importInput(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"news.jsonl": `{"id": "a1", "text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "alice"}]}` + "\n" +
			`{"id": "a2", "text": "Moscow denied it.", "spans": [{"start": 0, "end": 6, "label": "actor"}]}` + "\n",
		"corpus/une.txt":           "« Nous tenons Bakhmout », dit l’état-major.",
		"corpus/2024/deux.txt":     "Second report.\r\n",
		"corpus/notes.md":          "not a document",
		"bad.jsonl":                `{"text": "fine"}` + "\n" + `{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "x", "annotator": "a"}]}` + "\n" + "{oops\n",
		"bad1.jsonl":               `{"text": "fine"}` + "\n" + `{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "x", "annotator": "a"}]}` + "\n",
		"unknown-label.jsonl":      `{"text": "Kyiv", "spans": [{"start": 0, "end": 4, "label": "city", "annotator": "a"}]}` + "\n",
		"folder-of-nothing/readme": "nothing to import",
	}
	writeFiles(t, dir, files)
	return dir
}

// writeFiles writes files, by their slash-separated names below dir, making the folders they need.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// contents summarises the documents and spans of p: "name: label annotator start-end, …" per line.
func contents(t *testing.T, p *annotations.Project) string {
	t.Helper()
	var lines []string
	err := p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		var spans []string
		for _, s := range d.Spans {
			spans = append(spans, s.Label+" "+s.Annotator)
		}
		lines = append(lines, d.Name+": "+strings.Join(spans, ", "))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// wait fails the test if ch is not closed soon.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not happen", what)
	}
}

// holdOnce returns a hold function that stops the first progress report until release is closed,
// and a channel closed when it got there.
func holdOnce() (hold func(), reached chan struct{}, release chan struct{}) {
	reached, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	return func() {
		once.Do(func() {
			close(reached)
			<-release
		})
	}, reached, release
}

func testWindow(t *testing.T) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("main window"))
	w.Resize(fyne.NewSize(1000, 700))
	return w
}

func TestRunImport(t *testing.T) {
	dir := importInput(t)
	tests := map[string]struct {
		paths    []string
		format   string
		opts     annotations.ImportOptions
		want     string // contents after
		wantErr  string // the sentence shown
		problems int
	}{
		"jsonl file": {
			paths: []string{"news.jsonl"},
			opts:  annotations.ImportOptions{Annotator: "bob"},
			want:  "a1: actor alice\na2: actor bob",
		},
		"folder of txt": {
			paths: []string{"corpus"},
			want:  "2024/deux.txt: \nune.txt: ",
		},
		"folder and file, as txt": {
			paths: []string{"corpus", "news.jsonl"}, format: formats.TXT,
			want: "2024/deux.txt: \nune.txt: \nnews.jsonl: ",
		},
		"a bad line": {
			paths:   []string{"bad1.jsonl"},
			wantErr: `bad1.jsonl:2: span 1 ("x"): `,
		},
		"two bad lines": {
			paths:    []string{"bad.jsonl", "news.jsonl"},
			opts:     annotations.ImportOptions{Annotator: "bob"},
			wantErr:  "2 problems found; nothing was imported and the project is unchanged.",
			problems: 2,
		},
		"spans with no annotator": {
			paths:   []string{"news.jsonl"},
			wantErr: "news.jsonl:2: span 1 (\"actor\") has no annotator",
		},
		"unknown label refused": {
			paths:   []string{"unknown-label.jsonl"},
			opts:    annotations.ImportOptions{StrictLabels: true},
			wantErr: `is not in the project's label set`,
		},
		"a folder with nothing to import": {
			paths:   []string{"folder-of-nothing"},
			wantErr: "the folder has no .txt, .json or .jsonl files; nothing was imported.",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := openProject(t)
			var paths []string
			var size int64
			for _, path := range tt.paths {
				path = filepath.Join(dir, path)
				paths = append(paths, path)
				filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
					ext := strings.ToLower(filepath.Ext(p))
					if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() && slices.Contains(importExtensions, ext) &&
						(tt.format == "" || ext == ".txt" || p == path) {
						size += fi.Size()
					}
					return nil
				})
			}
			var got []importProgress
			rep, err := runImport(context.Background(), p, importJob{Paths: paths, Format: tt.format, Options: tt.opts},
				func(pr importProgress) { got = append(got, pr) })

			if len(got) == 0 {
				t.Fatal("no progress was reported")
			}
			for i, pr := range got {
				if pr.Total != size || pr.Read > pr.Total || i > 0 && (pr.Read < got[i-1].Read || pr.Records < got[i-1].Records) {
					t.Fatalf("progress %+v; want up to %d bytes, never going back", got, size)
				}
			}
			for i, pr := range got {
				if pr.Done != (i == len(got)-1) {
					t.Errorf("progress %d of %d says done: %v", i+1, len(got), pr.Done)
				}
			}
			if last := got[len(got)-1]; last.Read != last.Total {
				t.Errorf("the last progress is %+v; want all read", last)
			}

			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("the import succeeded: %+v", rep)
				}
				msg := importFailure(err)
				if !strings.Contains(msg, tt.wantErr) || !strings.Contains(strings.ToLower(msg), "nothing was imported") {
					t.Errorf("message %q; want it to hold %q and say that nothing was imported", msg, tt.wantErr)
				}
				var ie *annotations.ImportErrors
				if tt.problems > 0 && (!errors.As(err, &ie) || len(ie.Problems) != tt.problems) {
					t.Errorf("problems: %v; want %d", err, tt.problems)
				}
				if c := contents(t, p); c != "" {
					t.Errorf("a failed import left:\n%s", c)
				}
				return
			}
			if err != nil {
				t.Fatalf("import: %v (%s)", err, importFailure(err))
			}
			if c := contents(t, p); c != tt.want {
				t.Errorf("project after the import:\n%s\nwant:\n%s", c, tt.want)
			}
			if got[len(got)-1].Records != rep.Records {
				t.Errorf("the progress counted %d documents, the report %d", got[len(got)-1].Records, rep.Records)
			}
		})
	}
}

func TestRunImportCancelled(t *testing.T) {
	dir := importInput(t)
	p := openProject(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := 0
	_, err := runImport(ctx, p, importJob{Paths: []string{filepath.Join(dir, "corpus")}}, func(importProgress) {
		reports++
		cancel() // as the Cancel button, while the import runs
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import = %v; want cancelled", err)
	}
	if reports == 0 {
		t.Error("no progress was reported")
	}
	if c := contents(t, p); c != "" {
		t.Errorf("a cancelled import left:\n%s", c)
	}
	if got, want := importFailure(err), "The import was cancelled; nothing was imported and the project is unchanged."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestImportDialog(t *testing.T) {
	dir := importInput(t)
	tests := map[string]struct {
		path        string
		format      int // in importFormats
		annotator   string
		strict      bool
		wantMessage string
		wantDetails []string
		want        string // contents after
	}{
		"jsonl": {
			path: "news.jsonl", format: 2, annotator: "bob",
			wantMessage: "Imported 2 records: 2 documents added, 0 documents already present; 2 spans added, 0 spans already present.",
			wantDetails: []string{"New annotators: alice, bob"},
			want:        "a1: actor alice\na2: actor bob",
		},
		"folder of txt": {
			path: "corpus", format: 1,
			wantMessage: "Imported 2 records: 2 documents added, 0 documents already present; 0 spans added, 0 spans already present.",
			want:        "2024/deux.txt: \nune.txt: ",
		},
		"one problem": {
			path: "bad1.jsonl", annotator: "bob",
			wantMessage: `bad1.jsonl:2: span 1 ("x"): `,
		},
		"problems": {
			path: "bad.jsonl", annotator: "bob",
			wantMessage: "2 problems found; nothing was imported and the project is unchanged.",
			wantDetails: []string{"bad.jsonl:2: span 1", "bad.jsonl:3: "},
		},
		"strict labels": {
			path: "unknown-label.jsonl", strict: true,
			wantMessage: `unknown-label.jsonl:1: span 1 ("city"): the label "city" is not in the project's label set`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := testWindow(t)
			p := openProject(t)
			calls := 0
			d := newImportDialog(w, p, "someone", func() { calls++ }, []string{filepath.Join(dir, tt.path)})
			d.showOptions()
			if d.annotator.Text != "someone" || d.format.SelectedIndex() != 0 || d.strict.Checked {
				t.Errorf("defaults: annotator %q, format %d, strict %v", d.annotator.Text, d.format.SelectedIndex(), d.strict.Checked)
			}
			d.format.SetSelectedIndex(tt.format)
			d.annotator.SetText(tt.annotator)
			d.strict.SetChecked(tt.strict)
			d.options.Submit()
			wait(t, d.finished, "the end of the import")

			if !strings.Contains(d.message.Text, tt.wantMessage) {
				t.Errorf("message %q; want it to hold %q", d.message.Text, tt.wantMessage)
			}
			for _, s := range tt.wantDetails {
				if !strings.Contains(d.details.Text, s) {
					t.Errorf("details %q; want them to hold %q", d.details.Text, s)
				}
			}
			if tt.want == "" {
				if !strings.Contains(strings.ToLower(d.message.Text), "nothing was imported") {
					t.Errorf("message %q does not say that nothing was imported", d.message.Text)
				}
				if calls != 0 {
					t.Errorf("done was called %d times after a failed import", calls)
				}
				if c := contents(t, p); c != "" {
					t.Errorf("a failed import left:\n%s", c)
				}
				return
			}
			if calls != 1 {
				t.Errorf("done was called %d times, want once", calls)
			}
			if c := contents(t, p); c != tt.want {
				t.Errorf("project after the import:\n%s\nwant:\n%s", c, tt.want)
			}
			if want := annotations.Plural(d.report.Records, "document") + " read; saving…"; d.bar.Value != 1 || d.status.Text != want {
				t.Errorf("the progress stopped at %v, %q; want 1, %q", d.bar.Value, d.status.Text, want)
			}
		})
	}
}

func TestImportDialogRefusesBadAnnotator(t *testing.T) {
	w := testWindow(t)
	d := newImportDialog(w, openProject(t), "", nil, []string{"news.jsonl"})
	d.showOptions()
	d.annotator.SetText("tab\there")
	d.options.Submit()
	if d.progress != nil {
		t.Error("the import started with an annotator name that cannot be")
	}
}

func TestImportDialogCancel(t *testing.T) {
	dir := importInput(t)
	w := testWindow(t)
	p := openProject(t)
	called := false
	d := newImportDialog(w, p, "bob", func() { called = true }, []string{filepath.Join(dir, "news.jsonl")})
	hold, reached, release := holdOnce()
	d.hold = hold
	d.showOptions()
	d.options.Submit()
	cancelTask(t, &d.task, reached, release, "the end of the import")

	if want := "The import was cancelled; nothing was imported and the project is unchanged."; d.message.Text != want {
		t.Errorf("message %q, want %q", d.message.Text, want)
	}
	if called {
		t.Error("done was called after a cancelled import")
	}
	if c := contents(t, p); c != "" {
		t.Errorf("a cancelled import left:\n%s", c)
	}
}

// exportProject is a project with three documents: alice finished a and started b, bob started a,
// and c is untouched.
func exportProject(t *testing.T) *annotations.Project {
	t.Helper()
	ctx := context.Background()
	p := openProject(t)
	add := func(name, text string) int64 {
		d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: name, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	a := add("a", "Kyiv said 40 drones were shot down, =SUM(1).")
	b := add("b", "« Moscou a démenti », selon l’agence.")
	add("c", "Nobody annotated this.")
	for _, s := range []annotations.NewSpan{
		{DocumentID: a, Annotator: "alice", Label: "actor", Start: 0, End: 4},
		{DocumentID: a, Annotator: "alice", Label: "claim", Start: 10, End: 34},
		{DocumentID: a, Annotator: "alice", Label: "figure", Start: 10, End: 19, Note: "a note, with \"quotes\""},
		{DocumentID: a, Annotator: "bob", Label: "actor", Start: 0, End: 4},
		{DocumentID: b, Annotator: "alice", Label: "actor", Start: 2, End: 8},
	} {
		if _, _, err := p.AddSpan(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.SetStatus(ctx, a, "alice", annotations.StatusDone); err != nil {
		t.Fatal(err)
	}
	return p
}

// cliExport is what `tagdesk export` writes for job: the same writer over the same export.
func cliExport(t *testing.T, p *annotations.Project, job exportJob) []byte {
	t.Helper()
	var b bytes.Buffer
	labels, err := p.Labels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fw, err := formats.NewWriter(job.Format, &b, formats.WriterOptions{Excel: job.Excel, LabelSet: labels}) // as NewExport does
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Export(context.Background(), job.Query, fw.Write); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// leftovers lists the files of dir whose names start with a dot: temporary files an export left.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestRunExport(t *testing.T) {
	p := exportProject(t)
	alice := []string{"alice"}
	tests := map[string]struct {
		job             exportJob
		documents, span int
	}{
		"jsonl, everything":          {exportJob{Format: formats.JSONL}, 3, 5},
		"csv for Excel, alice":       {exportJob{Format: formats.CSV, Excel: true, Query: annotations.ExportQuery{Annotators: alice}}, 2, 4},
		"csv, in progress":           {exportJob{Format: formats.CSV, Query: annotations.ExportQuery{Status: annotations.StatusInProgress}}, 2, 2},
		"doccano, alice done":        {exportJob{Format: formats.Doccano, Query: annotations.ExportQuery{Annotators: alice, Status: annotations.StatusDone}}, 1, 3},
		"jsonl, nothing matches":     {exportJob{Format: formats.JSONL, Query: annotations.ExportQuery{Annotators: []string{"bob"}, Status: annotations.StatusDone}}, 0, 0},
		"relative to the project":    {exportJob{Format: formats.JSONL, Path: "relative.jsonl"}, 3, 5},
		"replaces an existing file":  {exportJob{Format: formats.CSV, Path: "existing.csv"}, 3, 5},
		"through a link to the file": {exportJob{Format: formats.CSV, Path: "link.csv"}, 3, 5},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Dir(p.Path())
			job := tt.job
			if job.Path == "" {
				job.Path = filepath.Join(t.TempDir(), "out")
			}
			target := job.Path
			if !filepath.IsAbs(target) {
				target = filepath.Join(dir, target)
			}
			switch job.Path {
			case "existing.csv":
				if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
			case "link.csv":
				if err := os.WriteFile(filepath.Join(dir, "linked.csv"), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("linked.csv", target); err != nil {
					t.Skip(err)
				}
			}
			var written, totals []int
			res, err := runExport(context.Background(), p, job, func(n, total int) {
				written, totals = append(written, n), append(totals, total)
			})
			if err != nil {
				t.Fatalf("export: %v (%s)", err, annotations.Message(err))
			}
			if res.Documents != tt.documents || res.Spans != tt.span {
				t.Errorf("exported %d documents, %d spans; want %d, %d", res.Documents, res.Spans, tt.documents, tt.span)
			}
			got, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if want := cliExport(t, p, job); !bytes.Equal(got, want) {
				t.Errorf("wrote:\n%s\nthe command line writes:\n%s", got, want)
			}
			if tt.documents == 0 {
				if len(written) != 0 {
					t.Errorf("progress %v for an empty export", written)
				}
			} else if len(written) == 0 || written[len(written)-1] != tt.documents || !slices.IsSorted(written) ||
				slices.Min(totals) != tt.documents || slices.Max(totals) != tt.documents {
				t.Errorf("progress %v of %v; want it to end at %d of %d", written, totals, tt.documents, tt.documents)
			}
			switch job.Path {
			case "existing.csv":
				if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
					t.Errorf("the replaced file's mode is %v; want it kept", fi.Mode())
				}
			case "link.csv":
				if fi, err := os.Lstat(target); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Error("the link was replaced by a file; want the file it points to replaced")
				}
			}
			if l := leftovers(t, filepath.Dir(target)); len(l) != 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

func TestRunExportRefuses(t *testing.T) {
	p := exportProject(t)
	dir := filepath.Dir(p.Path())
	if err := os.Symlink(p.Path(), filepath.Join(dir, "project-link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		path, want string
	}{
		"the project file":       {p.Path(), "Refusing to export over the project file " + p.Path() + " itself; choose another name."},
		"the project, relative":  {"./" + filepath.Base(p.Path()), "Refusing to export over the project file " + p.Path() + " itself; choose another name."},
		"a link to the project":  {filepath.Join(dir, "project-link.csv"), "Refusing to export over the project file " + p.Path() + " itself; choose another name."},
		"the project's WAL":      {p.Path() + "-wal", "Refusing to export over " + p.Path() + "-wal, which belongs to the project; choose another name."},
		"the project's journal":  {p.Path() + "-journal", "Refusing to export over " + p.Path() + "-journal, which belongs to the project; choose another name."},
		"a folder":               {filepath.Join(dir, "folder.csv"), filepath.Join(dir, "folder.csv") + " is a folder; give a file name to export to."},
		"a folder that is not":   {filepath.Join(dir, "missing", "out.csv"), "Cannot export to " + filepath.Join(dir, "missing", "out.csv") + ": the folder " + filepath.Join(dir, "missing") + " does not exist."},
		"no name":                {"  ", "Give a file name to export to."},
		"a name ending in slash": {dir + "/", "Give a file name to export to."},
	}
	before, err := os.ReadFile(p.Path())
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			called := false
			_, err := runExport(context.Background(), p, exportJob{Path: tt.path, Format: formats.CSV}, func(int, int) { called = true })
			if got := annotations.Message(err); got != tt.want {
				t.Errorf("message %q\nwant    %q", got, tt.want)
			}
			if called {
				t.Error("the export ran")
			}
		})
	}
	if after, err := os.ReadFile(p.Path()); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the project file changed (%v)", err)
	}
	if c := contents(t, p); !strings.HasPrefix(c, "a: actor alice, actor bob") {
		t.Errorf("the project reads:\n%s", c)
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestExportDialog(t *testing.T) {
	w := testWindow(t)
	p := exportProject(t)
	dir := filepath.Dir(p.Path())
	d := newExportDialog(w, p, "alice", nil)
	d.showOptions()
	if want := filepath.Join(dir, "gui-alice.jsonl"); d.path.Text != want || !d.excel.Disabled() {
		t.Errorf("defaults: path %q (want %q), Excel option enabled %v", d.path.Text, want, !d.excel.Disabled())
	}
	d.format.SetSelectedIndex(0) // CSV
	d.which.SetSelected(doneDocuments)
	if want := filepath.Join(dir, "gui-alice-done.csv"); d.path.Text != want || d.excel.Disabled() {
		t.Errorf("after choosing CSV and done: path %q (want %q), Excel option enabled %v", d.path.Text, want, !d.excel.Disabled())
	}
	d.excel.SetChecked(true)
	d.options.Submit()
	wait(t, d.finished, "the end of the export")

	target := filepath.Join(dir, "gui-alice-done.csv")
	if want := "Exported 1 document, 3 spans to " + target + "."; d.message.Text != want {
		t.Errorf("message %q, want %q", d.message.Text, want)
	}
	got, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	want := cliExport(t, p, exportJob{Format: formats.CSV, Excel: true,
		Query: annotations.ExportQuery{Annotators: []string{"alice"}, Status: annotations.StatusDone}})
	if !bytes.Equal(got, want) {
		t.Errorf("wrote:\n%s\nwant:\n%s", got, want)
	}
	if d.bar.Value != 1 || d.status.Text != "1 of 1 document written" {
		t.Errorf("progress at the end: %v, %q", d.bar.Value, d.status.Text)
	}
}

func TestExportDialogNames(t *testing.T) {
	w := testWindow(t)
	p := exportProject(t)
	tests := map[string]struct {
		annotator     string
		format        int
		whose, which  string
		typed         string // a name the user typed before changing the options
		want          string
		wantAnnotator []string
	}{
		"no annotator: all":     {format: 1, which: allDocuments, want: "gui.jsonl"},
		"mine, doccano":         {annotator: "alice", format: 2, which: allDocuments, want: "gui-alice.doccano.jsonl", wantAnnotator: []string{"alice"}},
		"all annotators":        {annotator: "alice", format: 0, whose: allAnnotators, which: inProgress, want: "gui-in-progress.csv"},
		"odd characters":        {annotator: `a/b:c`, format: 0, which: allDocuments, want: "gui-a_b_c.csv", wantAnnotator: []string{"a/b:c"}},
		"typed name is kept":    {annotator: "alice", format: 0, which: doneDocuments, typed: "mine.csv", want: "mine.csv", wantAnnotator: []string{"alice"}},
		"no annotator, no mine": {format: 0, whose: allAnnotators, which: doneDocuments, want: "gui-done.csv"},
		"mine is the default":   {annotator: "bob", format: 1, which: allDocuments, want: "gui-bob.jsonl", wantAnnotator: []string{"bob"}},
		"the gold layer":        {annotator: "bob", format: 1, whose: goldLayer, which: doneDocuments, want: "gui-gold-done.jsonl", wantAnnotator: []string{"gold"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := newExportDialog(w, p, tt.annotator, nil)
			if tt.annotator == "" && len(d.whose.Options) != 2 {
				t.Errorf("without an annotator the choices are %q", d.whose.Options)
			}
			if tt.typed != "" {
				d.path.SetText(filepath.Join(filepath.Dir(p.Path()), tt.typed))
			}
			d.format.SetSelectedIndex(tt.format)
			if tt.whose != "" {
				d.whose.SetSelected(tt.whose)
			}
			d.which.SetSelected(tt.which)
			if got := filepath.Base(d.path.Text); got != tt.want {
				t.Errorf("suggested %q, want %q", got, tt.want)
			}
			if got := d.job().Query.Annotators; !slices.Equal(got, tt.wantAnnotator) {
				t.Errorf("annotators %q, want %q", got, tt.wantAnnotator)
			}
		})
	}
}

func TestExportDialogRefusesProject(t *testing.T) {
	w := testWindow(t)
	p := exportProject(t)
	before, _ := os.ReadFile(p.Path())
	d := newExportDialog(w, p, "alice", nil)
	d.showOptions()
	options := w.Canvas().Overlays().Top()
	d.path.SetText(p.Path())
	d.options.Submit()
	if want := "Refusing to export over the project file " + p.Path() + " itself; choose another name."; d.message == nil || d.message.Text != want {
		t.Fatalf("message %v; want %q", d.message, want)
	}
	if d.progress != nil || d.replace != nil {
		t.Error("the export went on")
	}
	if after, _ := os.ReadFile(p.Path()); !bytes.Equal(before, after) {
		t.Error("the project file changed")
	}
	d.result.Hide() // back to the options, to choose another file
	if w.Canvas().Overlays().Top() != options {
		t.Error("the options did not come back")
	}
}

func TestExportDialogReplace(t *testing.T) {
	tests := map[string]struct {
		cancel bool
		want   string // the message
	}{
		"replaced":  {want: "Exported 3 documents, 5 spans to %s."},
		"cancelled": {cancel: true, want: "The export was cancelled; no file was written."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := testWindow(t)
			p := exportProject(t)
			target := filepath.Join(t.TempDir(), "existing.jsonl")
			if err := os.WriteFile(target, []byte("old content"), 0o644); err != nil {
				t.Fatal(err)
			}
			d := newExportDialog(w, p, "alice", nil)
			d.showOptions()
			d.whose.SetSelected(allAnnotators)
			d.path.SetText(target)
			hold, reached, release := holdOnce()
			d.hold = hold
			d.options.Submit()
			if d.replace == nil || d.progress != nil {
				t.Fatal("no question before replacing the file")
			}
			d.replace.Confirm()
			wait(t, reached, "the first progress report")
			if tt.cancel {
				test.Tap(d.cancelButton)
			}
			close(release)
			wait(t, d.finished, "the end of the export")

			want := tt.want
			if strings.Contains(want, "%s") {
				want = strings.Replace(want, "%s", target, 1)
			}
			if d.message.Text != want {
				t.Errorf("message %q, want %q", d.message.Text, want)
			}
			got, _ := os.ReadFile(target)
			if tt.cancel && string(got) != "old content" {
				t.Errorf("a cancelled export changed the file to %q", got)
			}
			if !tt.cancel && !bytes.Equal(got, cliExport(t, p, exportJob{Format: formats.JSONL})) {
				t.Errorf("wrote %q", got)
			}
			if l := leftovers(t, filepath.Dir(target)); len(l) != 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

func TestExportDialogCancelNewFile(t *testing.T) {
	w := testWindow(t)
	p := exportProject(t)
	target := filepath.Join(t.TempDir(), "new.csv")
	d := newExportDialog(w, p, "", nil)
	d.showOptions()
	d.path.SetText(target)
	hold, reached, release := holdOnce()
	d.hold = hold
	d.options.Submit()
	wait(t, reached, "the first progress report")
	test.Tap(d.cancelButton)
	close(release)
	wait(t, d.finished, "the end of the export")
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled export left %s (%v)", target, err)
	}
	if l := leftovers(t, filepath.Dir(target)); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
}

// TestShowDialogs checks that the entry points open their first dialog over the window.
func TestShowDialogs(t *testing.T) {
	tests := map[string]func(w fyne.Window, p *annotations.Project){
		"import":        func(w fyne.Window, p *annotations.Project) { ShowImport(w, p, "alice", nil) },
		"import folder": func(w fyne.Window, p *annotations.Project) { ShowImportFolder(w, p, "alice", nil) },
		"export":        func(w fyne.Window, p *annotations.Project) { ShowExport(w, p, "alice", nil) },
	}
	for name, show := range tests {
		t.Run(name, func(t *testing.T) {
			w := testWindow(t)
			show(w, openProject(t))
			if w.Canvas().Overlays().Top() == nil {
				t.Error("no dialog")
			}
		})
	}
}

// TestRunExportPeerFormats exports in the peer tools' formats from the app, as the export dialog
// does, and imports each export back into an empty project as the import dialog does: brat to a zip
// and to a folder, Hugging Face with its tag list beside it, spaCy with UTF-16 offsets.
func TestRunExportPeerFormats(t *testing.T) {
	p := exportProject(t)
	tests := map[string]struct {
		job       exportJob
		file      string // the name to export to
		companion string // the file written beside it, if any
		back      bool   // the format can be imported back
		notice    string // a notice the export gives
	}{
		"brat to a zip":         {job: exportJob{Format: formats.Brat}, file: "out.zip", back: true},
		"brat to a folder":      {job: exportJob{Format: formats.Brat}, file: "brat", back: true},
		"spacy in UTF-16 units": {job: exportJob{Format: formats.SpaCy, Offsets: formats.UTF16}, file: "out.jsonl", back: true, notice: `1 span nested in or overlapping another is only in "spans"`},
		"prodigy":               {job: exportJob{Format: formats.Prodigy}, file: "out.jsonl", back: true},
		"doccano entities":      {job: exportJob{Format: formats.Doccano, Doccano: formats.DoccanoEntities}, file: "out.jsonl", back: true},
		"hf, actors only":       {job: exportJob{Format: formats.HF, Labels: []string{"actor"}}, file: "out.jsonl", companion: "out.tags.json", notice: "claim"},
		"conll, columns":        {job: exportJob{Format: formats.CoNLL, Nested: formats.NestedColumns}, file: "out.conll"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			job := tt.job
			job.Path = filepath.Join(dir, tt.file)
			res, err := runExport(context.Background(), p, job, nil)
			if err != nil {
				t.Fatalf("export: %v (%s)", err, annotations.Message(err))
			}
			if res.Documents != 3 || res.Spans != 5 {
				t.Errorf("exported %d documents, %d spans; want 3, 5", res.Documents, res.Spans)
			}
			if want := filepath.Join(dir, tt.companion); tt.companion != "" && res.Companion != want {
				t.Errorf("companion %q, want %q", res.Companion, want)
			}
			if tt.companion != "" {
				if b, err := os.ReadFile(res.Companion); err != nil || !strings.Contains(string(b), `"B-actor"`) {
					t.Errorf("the tag list: %s, %v", b, err)
				}
			}
			if tt.notice != "" && !strings.Contains(strings.Join(res.Notices, "\n"), tt.notice) {
				t.Errorf("notices %q; want one with %q", res.Notices, tt.notice)
			}
			if l := leftovers(t, dir); len(l) != 0 {
				t.Errorf("left behind: %v", l)
			}
			if !tt.back {
				return
			}
			q := openProject(t)
			rep, err := runImport(context.Background(), q, importJob{Paths: []string{job.Path}, Offsets: job.Offsets}, nil)
			if err != nil {
				t.Fatalf("import of the export: %v", err)
			}
			if rep.Documents != 3 || rep.Spans != 5 {
				t.Errorf("imported %d documents, %d spans; want 3, 5", rep.Documents, rep.Spans)
			}
		})
	}
}

// TestExportDialogFormatOptions checks that each option is offered to the formats it applies to, and
// that a brat export into a folder that is not empty is refused before anything is written.
func TestExportDialogFormatOptions(t *testing.T) {
	w := testWindow(t)
	p := exportProject(t)
	d := newExportDialog(w, p, "alice", []string{"actor", "figure", "weapon", "claim"})
	d.showOptions()
	d.whose.SetSelected(allAnnotators)
	formatIndex := func(name string) int {
		return slices.IndexFunc(exportFormats, func(c choice) bool { return c.name == name })
	}
	tests := []struct {
		format                                  string
		excel, offsets, labels, nested, doccano bool
		ext                                     string
	}{
		{formats.CSV, true, false, false, false, false, ".csv"},
		{formats.SpaCy, false, true, false, false, false, ".spacy.jsonl"},
		{formats.Doccano, false, true, false, false, true, ".doccano.jsonl"},
		{formats.LabelStudio, false, true, false, false, false, ".labelstudio.json"},
		{formats.Brat, false, false, false, false, false, ".brat.zip"},
		{formats.CoNLL, false, false, true, true, false, ".conll"},
		{formats.HF, false, false, true, true, false, ".hf.jsonl"},
	}
	for _, tt := range tests {
		d.format.SetSelectedIndex(formatIndex(tt.format))
		got := [5]bool{!d.excel.Disabled(), !d.offsets.Disabled(), !d.labels.Disabled(), !d.nested.Disabled(), !d.doccano.Disabled()}
		if want := [5]bool{tt.excel, tt.offsets, tt.labels, tt.nested, tt.doccano}; got != want {
			t.Errorf("%s: excel, offsets, labels, nested, doccano enabled %v; want %v", tt.format, got, want)
		}
		if !strings.HasSuffix(d.path.Text, tt.ext) {
			t.Errorf("%s: suggested %q; want a name ending in %s", tt.format, d.path.Text, tt.ext)
		}
	}
	d.format.SetSelectedIndex(formatIndex(formats.Doccano))
	d.doccano.SetSelectedIndex(1)
	if j := d.job(); j.Doccano != formats.DoccanoEntities {
		t.Errorf("job doccano form %q", j.Doccano)
	}
	d.format.SetSelectedIndex(formatIndex(formats.JSONL))
	if j := d.job(); j.Doccano != "" {
		t.Errorf("jsonl job with doccano form %q", j.Doccano)
	}
	d.format.SetSelectedIndex(formatIndex(formats.CoNLL))
	d.labels.SetSelected([]string{"actor", "figure"})
	d.nested.SetSelectedIndex(2)
	if j := d.job(); !slices.Equal(j.Labels, []string{"actor", "figure"}) || j.Nested != formats.NestedColumns {
		t.Errorf("job labels %q, nested %q", j.Labels, j.Nested)
	}

	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.format.SetSelectedIndex(formatIndex(formats.Brat))
	d.path.SetText(full)
	d.options.Submit()
	if want := full + " is not empty; export into a new or empty folder, or to a .zip."; d.message == nil || d.message.Text != want {
		t.Fatalf("message %v; want %q", d.message, want)
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("the folder now holds %d entries", len(entries))
	}
}
