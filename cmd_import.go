package main

import (
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

var importCommand = &command{
	name:    "import",
	summary: "add documents and spans from files",
	usage:   "FILE|FOLDER|- ...",
	about: `Adds documents (and the spans they carry) to the project, creating the project file if needed.
Formats:
  txt          plain text, one document per file
  jsonl        Tagdesk JSONL
  doccano      doccano sequence labelling JSONL, the "label" and the "entities" forms
  spacy        spaCy/displaCy JSONL: "spans" if a line has them, else "ents"
  prodigy      Prodigy JSONL (ner_manual, spans): accepted examples and those not answered yet;
               rejected and ignored ones bring their text only
  labelstudio  a Label Studio JSON export (a list of tasks): one annotator per annotation;
               predictions are counted, not imported
  brat         brat standoff: a folder or .zip of .txt and .ann pairs, or one .ann file; a
               subfolder's name is the annotator of the pairs inside it
The format comes from --format, else from the extension (.txt, .jsonl, .json, .ann, .zip) and,
for JSON, the first lines: a list is Label Studio, "tokens" with "answer" Prodigy, "ents" spaCy,
"label" or "entities" doccano, else Tagdesk JSONL. A folder holding .ann files is brat; other
folders are searched recursively for .txt, .json and .jsonl files. "-" reads standard input (with
--format). --offsets utf16 reads the offsets of the JSON formats as UTF-16 code units, as
JavaScript tools write them.

Texts are normalised (byte-order mark removed, CRLF and CR to LF, Unicode NFC) and span offsets
carried along. A text already in the project is not added again, but its new spans are.
Everything is one transaction: if any line has a problem, every problem is listed as FILE:LINE:
reason and nothing is imported.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		format := fs.String("format", "", "the input `FORMAT`: "+strings.Join(formats.ImportFormats, ", ")+" (default: from the extension)")
		annotator := fs.String("annotator", "", "the annotator `NAME` of spans that name none")
		strict := fs.Bool("strict-labels", false, "refuse labels that are not in the project's label set")
		dryRun := fs.BoolP("dry-run", "n", false, "check everything and report, but change nothing")
		asJSON := fs.Bool("json", false, "print the report as JSON")
		offsets := fs.String("offsets", "", "JSON formats: offsets count `UNIT`: codepoints (default) or utf16")
		return func(e *env, project string, args []string) error {
			if len(args) == 0 {
				return usagef("give at least one file or folder to import")
			}
			if *format != "" && !slices.Contains(formats.ImportFormats, *format) {
				return usagef("unknown format %q (use %s)", *format, strings.Join(formats.ImportFormats, ", "))
			}
			if *format == "" && slices.Contains(args, "-") {
				return usagef("give --format to read standard input")
			}
			if *format == formats.Brat && slices.Contains(args, "-") {
				return usagef("brat is read from a folder, a .zip or .ann files, not from standard input")
			}
			unit, ok := formats.ParseOffsets(*offsets)
			if !ok {
				return usagef("unknown offset unit %q (use codepoints or utf16)", *offsets)
			}
			path, _, err := resolveProject(e, project)
			if err != nil {
				return err
			}
			// An import streams: its live heap stays small (tens of MB for a million spans) while it
			// allocates gigabytes, so the collector would run every few MB. Letting the heap grow to
			// five times what is live takes 15% off a million-span import for about 150 MB more.
			defer debug.SetGCPercent(debug.SetGCPercent(400))
			var rep annotations.ImportReport
			err = intoProject(e, path, !*dryRun, func(p *annotations.Project) error {
				r := formats.OpenWith(args, formats.ReadOptions{Format: *format, Offsets: unit}, e.stdin)
				defer r.Close()
				var err error
				rep, err = p.Import(e.ctx, r, annotations.ImportOptions{
					Annotator: strings.TrimSpace(*annotator), StrictLabels: *strict, DryRun: *dryRun})
				return err
			})
			if err != nil {
				return err
			}
			if *asJSON {
				return printJSON(e, rep)
			}
			printImportReport(e, rep)
			return nil
		}
	},
}

func printImportReport(e *env, rep annotations.ImportReport) {
	fmt.Fprintln(e.stdout, rep.Summary())
	for _, line := range rep.Details() {
		fmt.Fprintln(e.stdout, line)
	}
}

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// intoProject runs fn on the project at path. A project that does not exist yet is built in a
// temporary file beside it and put in place only when fn succeeded and keep is set: a failed import
// or a dry run leaves nothing behind, and nothing another program writes meanwhile is ever removed.
func intoProject(e *env, path string, keep bool, fn func(*annotations.Project) error) error {
	path = followLink(path)
	if _, err := os.Lstat(path); err == nil {
		p, err := annotations.Open(e.ctx, path, annotations.OpenOptions{Create: true})
		if err != nil {
			return err
		}
		printWarnings(e, p)
		if keep {
			backupBeforeWriting(e, p)
		}
		return errors.Join(fn(p), p.Close())
	} else if !errors.Is(err, iofs.ErrNotExist) {
		return &annotations.Error{Message: fmt.Sprintf("Could not open %s: %v.", path, errors.Unwrap(err)), Err: err}
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return &annotations.Error{Message: fmt.Sprintf("Cannot create %s: the folder %s does not exist.", path, dir), Err: err}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.new")
	if err != nil {
		return &annotations.Error{Message: fmt.Sprintf("Could not create %s: %v.", path, errors.Unwrap(err)), Err: err}
	}
	tmp.Close()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp.Name() + suffix)
		}
	}()
	p, err := annotations.Open(e.ctx, tmp.Name(), annotations.OpenOptions{Create: true})
	if err != nil {
		return err
	}
	if err := errors.Join(fn(p), p.Close()); err != nil || !keep {
		return err
	}
	taken := &annotations.Error{Message: fmt.Sprintf(
		"%s was created by another program during the import, so nothing was imported; run the import again.", path)}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, iofs.ErrExist) {
			return taken
		}
		// no hard links on this file system: rename, after checking once more
		if _, err := os.Lstat(path); err == nil {
			return taken
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return &annotations.Error{Message: fmt.Sprintf("Could not create %s: %v.", path, errors.Unwrap(err)), Err: err}
		}
	}
	return nil
}
