package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

// Import and export from the GUI run the pipelines of `tagdesk import`, `tagdesk suggest import` and
// `tagdesk export` (formats.OpenWith and Project.Import or Project.ImportSuggestions; formats.NewWriter
// and Project.Export) off the UI goroutine, behind an options dialog, a progress dialog with Cancel,
// and a closing sentence.

// importExtensions are the files the import dialog offers.
var importExtensions = []string{".txt", ".jsonl", ".json", ".ndjson", ".ann", ".zip"}

// choice is one entry of a format menu.
type choice struct {
	name  string // the format name formats takes; "" detects it
	label string
}

var (
	importFormats = []choice{
		{"", "Detect from the file"},
		{formats.TXT, "Plain text (one document per .txt file)"},
		{formats.JSONL, "Tagdesk JSONL"},
		{formats.Doccano, "doccano JSONL"},
		{formats.SpaCy, "spaCy / displaCy JSONL (ents, spans)"},
		{formats.Prodigy, "Prodigy JSONL (ner_manual)"},
		{formats.LabelStudio, "Label Studio JSON export"},
		{formats.Brat, "brat standoff (.txt + .ann, folder or .zip)"},
	}
	// predictionFormats are the entries of importFormats that a model's predictions are read from.
	predictionFormats = slices.DeleteFunc(slices.Clone(importFormats), func(c choice) bool {
		return c.name != "" && !slices.Contains(formats.PredictionFormats, c.name)
	})
	exportFormats = []choice{
		{formats.CSV, "CSV (one row per span)"},
		{formats.JSONL, "Tagdesk JSONL"},
		{formats.Doccano, "doccano JSONL"},
		{formats.SpaCy, "spaCy / displaCy JSONL (ents, spans)"},
		{formats.Prodigy, "Prodigy JSONL (ner_manual)"},
		{formats.LabelStudio, "Label Studio JSON"},
		{formats.Brat, "brat standoff (.zip, or a folder)"},
		{formats.CoNLL, "CoNLL-2003 BIO (tokens and tags)"},
		{formats.HF, "Hugging Face token classification JSONL"},
	}
	// offsetUnits are the choices of unit for the offsets of the JSON formats.
	offsetUnits = []choice{
		{string(formats.CodePoints), "Code points (Python, spaCy, Tagdesk)"},
		{string(formats.UTF16), "UTF-16 units (JavaScript tools)"},
	}
	// doccanoForms are the choices of form of doccano lines.
	doccanoForms = []choice{
		{formats.DoccanoLabel, `"label" triples (no relations)`},
		{formats.DoccanoEntities, `"entities" and "relations"`},
	}
	// nestedRules are the choices of rule for nested spans in the token formats.
	nestedRules = []choice{
		{formats.NestedOuter, "Keep the outermost span"},
		{formats.NestedInner, "Keep the innermost spans"},
		{formats.NestedColumns, "One tag column per label (keeps all)"},
	}
)

// choiceLabels are the labels of a format menu's entries.
func choiceLabels(cs []choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.label
	}
	return out
}

// ShowImport asks for a file (.txt, .jsonl, .json, .ndjson), then for the import options, then
// imports it into p with a progress dialog and Cancel, and ends with a summary or what went wrong.
// The options import the file's spans, or a model's predictions as suggestions. annotator is the
// default owner of spans that name none. done, if not nil, is called on the UI goroutine after a
// successful import, so the caller can reload. A failed or cancelled import changes nothing.
func ShowImport(parent fyne.Window, p *annotations.Project, annotator string, done func()) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		var u fyne.URI
		if r != nil {
			r.Close()
			u = r.URI()
		}
		importChosen(parent, p, annotator, done, "file", u, err)
	}, parent)
	fd.SetFilter(storage.NewExtensionFileFilter(importExtensions))
	showFileDialog(fd, filepath.Dir(p.Path()))
}

// ShowImportFolder is ShowImport for a folder: every .txt file in it and its subfolders is one
// document (and .json and .jsonl files there are read too, unless the options choose plain text
// only). A folder holding .ann files is a brat collection.
func ShowImportFolder(parent fyne.Window, p *annotations.Project, annotator string, done func()) {
	fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		importChosen(parent, p, annotator, done, "folder", u, err)
	}, parent)
	showFileDialog(fd, filepath.Dir(p.Path()))
}

// importChosen opens the import options for the file or folder u a file dialog returned; a nil u
// with no error means the user changed their mind.
func importChosen(parent fyne.Window, p *annotations.Project, annotator string, done func(), what string, u fyne.URI, err error) {
	if err == nil && u == nil {
		return
	}
	var path string
	if err == nil {
		path, err = localPath(u)
	}
	if err != nil {
		showProblem(parent, "Import", "open the "+what+" to import", err)
		return
	}
	newImportDialog(parent, p, annotator, done, []string{path}).showOptions()
}

// ShowExport asks for the export options and the file to write, then exports p with a progress
// dialog and Cancel, and ends with "Exported N documents, M spans to FILE." or what went wrong.
// annotator, if not empty, is offered as "only my spans"; labels are the project's, offered to the
// token formats. The file is written completely or not at all: an existing file is replaced only
// once the new one is whole, and the project file is refused.
func ShowExport(parent fyne.Window, p *annotations.Project, annotator string, labels []string) {
	newExportDialog(parent, p, annotator, labels).showOptions()
}

// importJob is what one import does.
type importJob struct {
	Paths   []string // files and folders
	Format  string   // "" detects each file's format
	Offsets formats.Offsets
	Options annotations.ImportOptions // the spans (runImport)

	// Predictions says that the files hold a model's predictions, stored as suggestions with
	// Suggestions (runSuggestionImport).
	Predictions bool
	Suggestions annotations.SuggestionImportOptions
}

// importProgress is how far an import got: Read bytes of the Total size of its files, and the
// documents read so far. Done says every file has been read: what is left is checking and saving.
type importProgress struct {
	Records     int
	Read, Total int64
	Done        bool
}

// runImport imports job into p, as `tagdesk import` does. progress, if not nil, is called on the
// calling goroutine as reading advances, at most about a thousand times, and last, once every file has
// been read, with Done set and Read equal to Total. Cancelling ctx stops the import, which then changes nothing
// and returns an error matching context.Canceled.
func runImport(ctx context.Context, p *annotations.Project, job importJob, progress func(importProgress)) (annotations.ImportReport, error) {
	r := openJob(job, progress)
	defer r.Close()
	return p.Import(ctx, r, job.Options)
}

// runSuggestionImport stores the model's predictions job reads as suggestions of p, as `tagdesk
// suggest import` does: it reads a Label Studio file's predictions whatever job.Predictions says.
// progress and cancelling are as for runImport.
func runSuggestionImport(ctx context.Context, p *annotations.Project, job importJob, progress func(importProgress)) (annotations.SuggestionImportReport, error) {
	job.Predictions = true
	r := openJob(job, progress)
	defer r.Close()
	return p.ImportSuggestions(ctx, r, job.Suggestions)
}

// openJob returns the reader of job's files, which calls progress (if not nil) as reading advances.
func openJob(job importJob, progress func(importProgress)) formats.Reader {
	fr := formats.OpenWith(job.Paths, formats.ReadOptions{Format: job.Format, Offsets: job.Offsets, Predictions: job.Predictions}, nil)
	if progress == nil {
		return fr
	}
	return &progressReader{Reader: fr, report: progress, step: -1}
}

// progressReader reports progress after each record it passes on.
type progressReader struct {
	formats.Reader
	report  func(importProgress)
	records int
	step    int64 // the thousandth last reported
}

func (r *progressReader) Next() (*annotations.Record, error) {
	rec, err := r.Reader.Next()
	if err == nil {
		r.records++
	}
	read, total := r.Progress()
	end := errors.Is(err, io.EOF)
	if step := thousandths(read, total); step != r.step || end {
		r.step = step
		r.report(importProgress{Records: r.records, Read: read, Total: total, Done: end})
	}
	return rec, err
}

// thousandths is done of total in thousandths; an empty total is complete.
func thousandths(done, total int64) int64 {
	if total <= 0 {
		return 1000
	}
	return done * 1000 / total
}

// exportJob is what one export does.
type exportJob struct {
	Path    string // the file (or, for brat, the folder or .zip) to write; relative to the project's folder if not absolute
	Format  string
	Query   annotations.ExportQuery
	Excel   bool            // CSV: a byte-order mark first
	Offsets formats.Offsets // the JSON formats: the unit of offsets
	Labels  []string        // the token formats: the labels to write ("" : the project's)
	Nested  string          // the token formats: the rule for nested spans
	Doccano string          // doccano: the form of its lines ("" is formats.DoccanoLabel)
}

// exportResult is what an export wrote.
type exportResult struct {
	Path      string // absolute
	Companion string // a file written beside it (the tag list of hf), or ""
	Documents int
	Spans     int
	Notices   []string // what the format could not carry, or how it carried it
}

// runExport writes the documents job selects from p to job.Path, as `tagdesk export -o` does. It
// writes a temporary file (or folder) beside the path and renames it onto the path only when
// everything was written: a failed or cancelled export (an error matching context.Canceled) leaves
// nothing behind and what was there untouched. It refuses the project file and its companions, and
// what is not a regular file (for brat, a folder that is not empty). progress, if not nil, is called
// on the calling goroutine after documents are written, at most about a thousand times, and last
// with written equal to total.
func runExport(ctx context.Context, p *annotations.Project, job exportJob, progress func(written, total int)) (exportResult, error) {
	res := exportResult{}
	x, err := formats.NewExport(ctx, p, job.Format, job.Query,
		formats.WriterOptions{Excel: job.Excel, Offsets: job.Offsets, Labels: job.Labels, Nested: job.Nested, DoccanoForm: job.Doccano})
	if err != nil {
		return res, err
	}
	path, err := exportTarget(job.Path, p.Path(), x.Tree() && !isZip(job.Path))
	if err != nil {
		return res, err
	}
	res.Path = path
	step := int64(-1)
	each := func(d *annotations.ExportDocument) {
		res.Documents++
		res.Spans += len(d.Spans)
		if s := thousandths(int64(d.Index), int64(d.Total)); progress != nil && (s != step || d.Index == d.Total) {
			step = s
			progress(d.Index, d.Total)
		}
	}
	if x.Tree() {
		err = formats.WriteTree(ctx, path, func(t formats.Tree) error { return x.WriteTree(ctx, p, t, each) })
	} else {
		err = formats.WriteFile(ctx, path, func(out io.Writer) error { return x.Write(ctx, p, out, each) })
	}
	if err != nil {
		return res, err
	}
	if companion := x.CompanionPath(path); companion != "" {
		if err := formats.WriteFile(ctx, companion, x.WriteCompanion); err != nil {
			return res, err
		}
		res.Companion = companion
	}
	res.Notices = x.Notices()
	return res, nil
}

// isZip reports whether path names a .zip file.
func isZip(path string) bool { return strings.EqualFold(filepath.Ext(strings.TrimSpace(path)), ".zip") }

// exportTarget returns the absolute path an export to path writes, following a link to the file it
// points to, or says why it cannot be written: the project file and its journals, a folder, what is
// not a regular file, a missing folder. With folder set the export writes a folder (brat): path may
// be a folder, if it is empty.
func exportTarget(path, project string, folder bool) (string, error) {
	path = strings.TrimSpace(path)
	if path == "" || strings.HasSuffix(path, string(filepath.Separator)) || strings.HasSuffix(path, "/") {
		return "", &annotations.Error{Message: "Give a file name to export to."}
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(project), path)
	}
	path = filepath.Clean(path)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // replace the file a link points to, not the link
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", &annotations.Error{Message: fmt.Sprintf("Cannot export to %s: the folder %s does not exist.", path, dir), Err: err}
	}
	switch annotations.ProjectFile(project, path) {
	case "":
	case annotations.ProjectFileItself:
		return "", &annotations.Error{Message: fmt.Sprintf("Refusing to export over the project file %s itself; choose another name.", path)}
	default:
		return "", &annotations.Error{Message: fmt.Sprintf("Refusing to export over %s, which belongs to the project; choose another name.", path)}
	}
	if fi, err := os.Stat(path); err == nil {
		switch {
		case folder && fi.IsDir():
			if entries, err := os.ReadDir(path); err != nil || len(entries) > 0 {
				return "", &annotations.Error{Message: fmt.Sprintf("%s is not empty; export into a new or empty folder, or to a .zip.", path), Err: err}
			}
		case folder:
			return "", &annotations.Error{Message: fmt.Sprintf("%s is a file; brat writes a folder (or give a name ending in .zip).", path)}
		case fi.IsDir():
			return "", &annotations.Error{Message: fmt.Sprintf("%s is a folder; give a file name to export to.", path)}
		case !fi.Mode().IsRegular():
			return "", &annotations.Error{Message: fmt.Sprintf("%s is not a regular file; choose another name.", path)}
		}
	}
	return path, nil
}

// What an import from the GUI stores: the file's spans, or a model's predictions as suggestions.
const (
	importSpans       = "annotations (spans)"
	importPredictions = "model predictions (suggestions)"
)

// importDialog is one import from the GUI: its options, the work with its progress, and the result.
// Its widgets are fields so that tests can drive it without the file dialog.
type importDialog struct {
	parent  fyne.Window
	project *annotations.Project
	done    func()
	paths   []string

	as        *widget.RadioGroup // importSpans or importPredictions
	format    *widget.Select     // importFormats; predictionFormats for predictions
	offsets   *widget.Select     // offsetUnits
	annotator *widget.Entry      // spans: who owns the spans that name no one
	strict    *widget.Check      // spans: refuse labels not in the project's set
	source    *widget.Entry      // predictions: the source name of the suggestions
	minScore  *widget.Entry      // predictions: spans scoring below are skipped; empty is 0
	addDocs   *widget.Check      // predictions: add the documents the project lacks
	options   *dialog.FormDialog

	task
	report annotations.ImportReport // what a span import that worked did
}

func newImportDialog(parent fyne.Window, p *annotations.Project, annotator string, done func(), paths []string) *importDialog {
	d := &importDialog{parent: parent, project: p, done: done, paths: paths, task: newTask(parent)}
	d.format = widget.NewSelect(choiceLabels(importFormats), func(string) { d.formatChanged() })
	d.offsets = widget.NewSelect(choiceLabels(offsetUnits), nil)
	d.offsets.SetSelectedIndex(0)
	d.format.SetSelectedIndex(0)
	d.annotator = widget.NewEntry()
	d.annotator.SetText(annotator)
	d.annotator.Validator = d.only(importSpans, func(s string) error {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		if msg := annotations.CheckAnnotatorName(s); msg != "" {
			return errors.New(msg)
		}
		return nil
	})
	d.strict = widget.NewCheck("Refuse labels that are not in the project's label set", nil)
	d.source = widget.NewEntry()
	d.source.SetPlaceHolder("ner-v2")
	d.source.Validator = d.only(importPredictions, func(s string) error {
		if msg := annotations.CheckSource(s); msg != "" {
			return errors.New(msg)
		}
		return nil
	})
	d.minScore = widget.NewEntry()
	d.minScore.SetPlaceHolder("0")
	d.minScore.Validator = d.only(importPredictions, func(s string) error {
		_, err := parseScore(s)
		return err
	})
	d.addDocs = widget.NewCheck("Add documents the project lacks", nil)
	d.as = widget.NewRadioGroup([]string{importSpans, importPredictions}, func(string) { d.asChanged() })
	d.as.Required = true
	d.as.SetSelected(importSpans)
	return d
}

func (d *importDialog) showOptions() {
	source := widget.NewLabel(strings.Join(d.paths, "\n"))
	source.Wrapping = fyne.TextWrapBreak
	items := []*widget.FormItem{
		{Text: "Import", Widget: source},
		{Text: "Import as", Widget: d.as},
		{Text: "Format", Widget: d.format},
		{Text: "Offsets", Widget: d.offsets, HintText: "how the file counts characters (JSON formats)"},
		{Text: "Annotator", Widget: d.annotator, HintText: "owns the spans that name no annotator"},
		{Text: "Labels", Widget: d.strict},
		{Text: "Source", Widget: d.source, HintText: "predictions: the name the suggestions go under, such as the model's"},
		{Text: "Minimum score", Widget: d.minScore, HintText: "predictions: spans scoring below are skipped; empty is 0"},
		{Text: "Documents", Widget: d.addDocs, HintText: "predictions: else they are counted and skipped"},
	}
	d.options = dialog.NewForm("Import", "Import", "Cancel", items, func(ok bool) {
		if ok {
			d.submit()
		}
	}, d.parent)
	d.options.Resize(fyne.NewSize(600, d.options.MinSize().Height))
	d.options.Show()
}

// predictions reports whether the options import a model's predictions as suggestions.
func (d *importDialog) predictions() bool { return d.as != nil && d.as.Selected == importPredictions }

// only returns v for the entries of the kind of import kind: for the other kind, which disables
// them, any text passes.
func (d *importDialog) only(kind string, v fyne.StringValidator) fyne.StringValidator {
	return func(s string) error {
		if d.as == nil || d.as.Selected != kind {
			return nil
		}
		return v(s)
	}
}

// asChanged enables the options of the kind of import chosen, offers its formats, and validates the
// entries again, which enables the Import button or not.
func (d *importDialog) asChanged() {
	pred := d.predictions()
	if pred {
		d.format.SetOptions(choiceLabels(predictionFormats)) // a choice no longer offered stays, for submit to refuse
	} else {
		d.format.SetOptions(choiceLabels(importFormats))
	}
	for _, w := range []fyne.Disableable{d.annotator, d.strict} {
		enable(w, !pred)
	}
	for _, w := range []fyne.Disableable{d.source, d.minScore, d.addDocs} {
		enable(w, pred)
	}
	for _, e := range []*widget.Entry{d.annotator, d.source, d.minScore} {
		e.Validate()
	}
	if d.options != nil {
		d.options.Refresh() // the form greys the names of disabled options only when refreshed
	}
}

// formatName is the format chosen, as formats names it; "" detects it.
func (d *importDialog) formatName() string {
	i := slices.IndexFunc(importFormats, func(c choice) bool { return c.label == d.format.Selected })
	return importFormats[max(i, 0)].name
}

// formatChanged offers the choice of offsets to the formats that take it: the JSON ones, or a
// format to detect.
func (d *importDialog) formatChanged() {
	if d.offsets == nil {
		return // still being built
	}
	f := d.formatName()
	if f == "" || slices.Contains(formats.UTF16Formats, f) {
		d.offsets.Enable()
	} else {
		d.offsets.SetSelectedIndex(0)
		d.offsets.Disable()
	}
}

// job is the import the options describe, or why they describe none.
func (d *importDialog) job() (importJob, error) {
	job := importJob{
		Paths:   d.paths,
		Format:  d.formatName(),
		Offsets: formats.Offsets(offsetUnits[max(d.offsets.SelectedIndex(), 0)].name),
	}
	if !d.predictions() {
		job.Options = annotations.ImportOptions{
			Annotator:    strings.TrimSpace(d.annotator.Text),
			StrictLabels: d.strict.Checked,
		}
		return job, nil
	}
	if job.Format != "" && !slices.Contains(formats.PredictionFormats, job.Format) {
		return job, &annotations.Error{Message: fmt.Sprintf("Predictions are read from Tagdesk JSONL or a Label Studio JSON export, not from %s: choose one of those, or Detect from the file.", d.format.Selected)}
	}
	if msg := annotations.CheckSource(d.source.Text); msg != "" {
		return job, &annotations.Error{Message: msg}
	}
	score, err := parseScore(d.minScore.Text)
	if err != nil {
		return job, &annotations.Error{Message: fmt.Sprintf("The minimum score %q is not a number.", d.minScore.Text), Err: err}
	}
	job.Predictions = true
	job.Suggestions = annotations.SuggestionImportOptions{Source: d.source.Text, MinScore: score, AddDocuments: d.addDocs.Checked}
	return job, nil
}

// parseScore reads a minimum score: a number, with a decimal point or comma, or nothing for 0.
func parseScore(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errors.New("give a number, such as 0.5, or nothing for 0")
	}
	return f, nil
}

// submit starts the import the options describe, or says why it cannot and shows them again.
func (d *importDialog) submit() {
	job, err := d.job()
	if err != nil {
		d.refuse("Import", err, d.options.Show)
		return
	}
	d.start(job)
}

// start runs job off the UI goroutine.
func (d *importDialog) start(job importJob) {
	what := displayName(d.paths)
	if job.Predictions {
		what = "predictions from " + what
	}
	ctx, cancel := d.begin("Importing "+what, "Reading…", "Cancel stops the import and leaves the project as it was.")
	go func() {
		progress := func(pr importProgress) {
			d.tick()
			fyne.Do(func() { d.showProgress(pr) })
		}
		var rep jobReport
		var err error
		if job.Predictions {
			rep, err = runSuggestionImport(ctx, d.project, job, progress)
		} else {
			rep, err = runImport(ctx, d.project, job, progress)
		}
		cancel()
		if err != nil {
			log.Printf("import %q: %v", job.Paths, err)
		}
		fyne.Do(func() { d.finish(rep, err) })
	}()
}

func (d *importDialog) showProgress(pr importProgress) {
	text := annotations.Plural(pr.Records, "document") + " read"
	if pr.Done {
		text += "; saving…"
	}
	d.advance(float64(thousandths(pr.Read, pr.Total))/1000, text)
}

// finish shows what the import did, and calls done, or what went wrong.
func (d *importDialog) finish(rep jobReport, err error) {
	if err != nil {
		var details []string
		var ie *annotations.ImportErrors
		if errors.As(err, &ie) && (len(ie.Problems) > 1 || ie.More > 0) {
			details = strings.Split(ie.Error(), "\n")
		}
		d.end("Nothing was imported", importFailure(err), details, nil)
		return
	}
	if r, ok := rep.(annotations.ImportReport); ok {
		d.report = r
	}
	d.end("Import finished", rep.Summary(), rep.Details(), d.done)
}

// importFailure is the sentence for a failed import, which always says that nothing was imported.
func importFailure(err error) string {
	if errors.Is(err, context.Canceled) {
		return "The import was cancelled; nothing was imported and the project is unchanged."
	}
	msg := annotations.Message(err)
	if !strings.Contains(strings.ToLower(msg), "nothing was") {
		msg += " Nothing was imported."
	}
	return msg
}

// exportDialog is one export from the GUI: its options and target file, the work with its progress,
// and the result. Its widgets are fields so that tests can drive it.
type exportDialog struct {
	parent    fyne.Window
	project   *annotations.Project
	annotator string

	format    *widget.Select     // exportFormats
	whose     *widget.RadioGroup // mine (if there is an annotator), all
	which     *widget.RadioGroup // all, done, in progress
	excel     *widget.Check
	offsets   *widget.Select     // offsetUnits, for the JSON formats
	doccano   *widget.Select     // doccanoForms, for doccano
	labels    *widget.CheckGroup // the labels the token formats write
	nested    *widget.Select     // nestedRules, for the token formats
	path      *widget.Entry      // the file to write
	options   *dialog.FormDialog
	suggested string // the file name last suggested; the options replace it until the user types another

	replace *dialog.ConfirmDialog // asks before replacing an existing file

	task
}

const (
	allAnnotators = "All annotators"
	goldLayer     = "The gold layer (review's decisions)"
	allDocuments  = "All documents"
	doneDocuments = "Done"
	inProgress    = "In progress"
)

func newExportDialog(parent fyne.Window, p *annotations.Project, annotator string, labels []string) *exportDialog {
	d := &exportDialog{parent: parent, project: p, annotator: annotator, task: newTask(parent)}
	d.format = widget.NewSelect(choiceLabels(exportFormats), func(string) { d.optionsChanged() })
	var whose []string
	if annotator != "" {
		whose = append(whose, d.mine())
	}
	d.whose = widget.NewRadioGroup(append(whose, allAnnotators, goldLayer), func(string) { d.optionsChanged() })
	d.whose.Required = true
	d.which = widget.NewRadioGroup([]string{allDocuments, doneDocuments, inProgress}, func(string) { d.optionsChanged() })
	d.which.Required = true
	d.excel = widget.NewCheck("For Excel (a byte-order mark first)", nil)
	d.offsets = widget.NewSelect(choiceLabels(offsetUnits), nil)
	d.offsets.SetSelectedIndex(0)
	d.doccano = widget.NewSelect(choiceLabels(doccanoForms), nil)
	d.doccano.SetSelectedIndex(0)
	d.labels = widget.NewCheckGroup(labels, nil)
	d.labels.Horizontal = true
	d.labels.SetSelected(labels)
	d.nested = widget.NewSelect(choiceLabels(nestedRules), nil)
	d.nested.SetSelectedIndex(0)
	d.path = widget.NewEntry()
	d.path.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("give a file name")
		}
		return nil
	}
	d.path.SetText(filepath.Dir(p.Path()) + string(filepath.Separator))

	d.format.SetSelectedIndex(1) // JSONL, as the command line
	d.whose.SetSelected(d.whose.Options[0])
	d.which.SetSelected(allDocuments)
	d.optionsChanged()
	return d
}

func (d *exportDialog) mine() string { return "Only mine (" + d.annotator + ")" }

func (d *exportDialog) showOptions() {
	choose := widget.NewButton("Folder…", d.chooseFolder)
	items := []*widget.FormItem{
		{Text: "Format", Widget: d.format},
		{Text: "Spans", Widget: d.whose},
		{Text: "Documents", Widget: d.which, HintText: "done or in progress for the chosen annotators"},
		{Text: "CSV", Widget: d.excel},
		{Text: "Offsets", Widget: d.offsets, HintText: "JSON formats: how characters are counted"},
		{Text: "doccano", Widget: d.doccano, HintText: "doccano: the entities form carries relations"},
		{Text: "Labels", Widget: d.labels, HintText: "CoNLL and Hugging Face: the labels to tag"},
		{Text: "Nested spans", Widget: d.nested, HintText: "CoNLL and Hugging Face: spans inside or across others"},
		{Text: "Save as", Widget: container.NewBorder(nil, nil, nil, choose, d.path)},
	}
	d.options = dialog.NewForm("Export", "Export", "Cancel", items, func(ok bool) {
		if ok {
			d.submit()
		}
	}, d.parent)
	d.options.Resize(fyne.NewSize(640, d.options.MinSize().Height))
	d.options.Show()
}

// job is the export the options describe.
func (d *exportDialog) job() exportJob {
	j := exportJob{
		Path:   strings.TrimSpace(d.path.Text),
		Format: exportFormats[max(d.format.SelectedIndex(), 0)].name,
	}
	j.Excel = j.Format == formats.CSV && d.excel.Checked
	if slices.Contains(formats.UTF16Formats, j.Format) {
		j.Offsets = formats.Offsets(offsetUnits[max(d.offsets.SelectedIndex(), 0)].name)
	}
	if j.Format == formats.Doccano && d.doccano.SelectedIndex() > 0 {
		j.Doccano = doccanoForms[d.doccano.SelectedIndex()].name
	}
	if slices.Contains(formats.TokenFormats, j.Format) {
		j.Labels = d.labels.Selected
		j.Nested = nestedRules[max(d.nested.SelectedIndex(), 0)].name
	}
	switch {
	case d.whose.Selected == goldLayer:
		j.Query.Annotators = []string{annotations.Gold}
	case d.annotator != "" && d.whose.Selected == d.mine():
		j.Query.Annotators = []string{d.annotator}
	}
	switch d.which.Selected {
	case doneDocuments:
		j.Query.Status = annotations.StatusDone
	case inProgress:
		j.Query.Status = annotations.StatusInProgress
	}
	return j
}

// optionsChanged enables each option for the formats it applies to and suggests a file name for
// the options, unless the user typed one of their own.
func (d *exportDialog) optionsChanged() {
	if d.excel == nil || d.path == nil {
		return // still being built
	}
	j := d.job()
	enable(d.excel, j.Format == formats.CSV)
	enable(d.offsets, slices.Contains(formats.UTF16Formats, j.Format))
	enable(d.doccano, j.Format == formats.Doccano)
	token := slices.Contains(formats.TokenFormats, j.Format)
	enable(d.labels, token)
	enable(d.nested, token)
	if d.options != nil {
		d.options.Refresh() // the form greys the names of disabled options only when refreshed
	}
	name := suggestName(d.project.Path(), j)
	dir, current := filepath.Split(d.path.Text)
	if current == "" || current == d.suggested {
		d.path.SetText(dir + name)
	}
	d.suggested = name
}

// enable enables w when on, else disables it.
func enable(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// suggestName is the file name an export of project for j suggests: the project's name, whose spans
// and which documents, and the format's extension.
func suggestName(project string, j exportJob) string {
	parts := []string{strings.TrimSuffix(filepath.Base(project), filepath.Ext(project))}
	for _, a := range j.Query.Annotators {
		parts = append(parts, a)
	}
	if j.Query.Status != "" {
		parts = append(parts, strings.ReplaceAll(string(j.Query.Status), "_", "-"))
	}
	ext := map[string]string{formats.CSV: ".csv", formats.JSONL: ".jsonl", formats.Doccano: ".doccano.jsonl",
		formats.SpaCy: ".spacy.jsonl", formats.Prodigy: ".prodigy.jsonl", formats.LabelStudio: ".labelstudio.json",
		formats.Brat: ".brat.zip", formats.CoNLL: ".conll", formats.HF: ".hf.jsonl"}[j.Format]
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, strings.Join(parts, "-"))
	return name + ext
}

// chooseFolder lets the user pick the folder to export to, keeping the file name. Fyne's save
// dialog is not used: it creates (and empties) the chosen file before returning it, which would
// destroy an existing file before the export even starts, and the project itself if chosen.
func (d *exportDialog) chooseFolder() {
	fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		dir, err := localPath(u)
		if err != nil {
			showProblem(d.parent, "Export", "use that folder", err)
			return
		}
		d.path.SetText(filepath.Join(dir, filepath.Base(strings.TrimSpace(d.path.Text))))
	}, d.parent)
	showFileDialog(fd, filepath.Dir(strings.TrimSpace(d.path.Text)))
}

// submit checks the target file, asks before replacing one, and starts the export.
func (d *exportDialog) submit() {
	job := d.job()
	folder := slices.Contains(formats.TreeFormats, job.Format) && !isZip(job.Path)
	path, err := exportTarget(job.Path, d.project.Path(), folder)
	if err == nil && slices.Contains(formats.TokenFormats, job.Format) && len(job.Labels) == 0 {
		err = &annotations.Error{Message: "Choose at least one label to tag."}
	}
	if err != nil {
		d.refuse("Export", err, d.options.Show)
		return
	}
	job.Path = path
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		d.replace = dialog.NewConfirm("Replace file?", fmt.Sprintf("%s already exists. Replace it?", path), func(ok bool) {
			if ok {
				d.start(job)
			} else {
				d.options.Show()
			}
		}, d.parent)
		d.replace.SetConfirmText("Replace")
		d.replace.Show()
		return
	}
	d.start(job)
}

// start runs the export off the UI goroutine.
func (d *exportDialog) start(job exportJob) {
	ctx, cancel := d.begin("Exporting to "+filepath.Base(job.Path), "Reading the project…", "Cancel stops the export and writes nothing.")
	go func() {
		res, err := runExport(ctx, d.project, job, func(written, total int) {
			d.tick()
			fyne.Do(func() { d.showProgress(written, total) })
		})
		cancel()
		if err != nil {
			log.Printf("export to %s: %v", job.Path, err)
		}
		fyne.Do(func() { d.finish(res, err) })
	}()
}

func (d *exportDialog) showProgress(written, total int) {
	d.advance(float64(thousandths(int64(written), int64(total)))/1000,
		fmt.Sprintf("%d of %s written", written, annotations.Plural(total, "document")))
}

func (d *exportDialog) finish(res exportResult, err error) {
	title, msg := "Export finished", ""
	var details []string
	switch {
	case err == nil:
		msg = fmt.Sprintf("Exported %s, %s to %s.", annotations.Plural(res.Documents, "document"), annotations.Plural(res.Spans, "span"), res.Path)
		if res.Companion != "" {
			msg += fmt.Sprintf(" The tag list is in %s.", res.Companion)
		}
		details = res.Notices
	case errors.Is(err, context.Canceled):
		title, msg = "Export cancelled", "The export was cancelled; no file was written."
	default:
		title, msg = "Export failed", annotations.Message(err)
	}
	d.end(title, msg, details, nil)
}

// progressDialog returns a dialog showing what runs, a hint, the bar and a status line, with a
// Cancel button that calls stop.
func progressDialog(parent fyne.Window, title, hint string, bar *widget.ProgressBar, status *widget.Label, stop func()) (*dialog.CustomDialog, *widget.Button) {
	h := widget.NewLabel(hint)
	h.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(bar, status, h), parent)
	cancel := widget.NewButton("Cancel", stop)
	d.SetButtons([]fyne.CanvasObject{cancel})
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	return d, cancel
}

// resultDialog shows message and, if details has text, details in a scrollable area.
func resultDialog(parent fyne.Window, title string, message, details *widget.Label) *dialog.CustomDialog {
	message.Wrapping = fyne.TextWrapWord
	content := fyne.CanvasObject(message)
	if details != nil && details.Text != "" {
		details.Selectable = true // to copy the problems
		details.Wrapping = fyne.TextWrapBreak
		scroll := container.NewVScroll(details)
		scroll.SetMinSize(fyne.NewSize(560, 220))
		content = container.NewBorder(message, nil, nil, nil, scroll)
	}
	d := dialog.NewCustom(title, "OK", content, parent)
	d.Resize(fyne.NewSize(600, d.MinSize().Height))
	return d
}

// showProblem tells the user in one sentence that something could not be done; the error goes to
// the log.
func showProblem(parent fyne.Window, title, what string, err error) {
	log.Printf("%s: %s: %v", strings.ToLower(title), what, err)
	msg := annotations.Message(err)
	var ue *annotations.Error
	if !errors.As(err, &ue) {
		msg = fmt.Sprintf("Could not %s.", what)
	}
	l := widget.NewLabel(msg)
	resultDialog(parent, title, l, nil).Show()
}

// localPath returns the file path of u, which must be on this computer.
func localPath(u fyne.URI) (string, error) {
	if u.Scheme() != "file" {
		return "", &annotations.Error{Message: fmt.Sprintf("%s is not a file on this computer; Tagdesk reads and writes local files only.", u)}
	}
	return filepath.FromSlash(u.Path()), nil
}

// showFileDialog shows fd, large enough to browse, starting in the folder dir.
func showFileDialog(fd *dialog.FileDialog, dir string) {
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		fd.SetLocation(l)
	}
	fd.Resize(fyne.NewSize(800, 560))
	fd.Show()
}

// displayName is how a progress title names what is imported.
func displayName(paths []string) string {
	if len(paths) == 1 {
		return filepath.Base(paths[0])
	}
	return annotations.Plural(len(paths), "file")
}
