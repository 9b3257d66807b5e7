package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

var exportCommand = &command{
	name:    "export",
	summary: "write documents and spans as CSV, JSONL or doccano JSONL",
	usage:   "",
	about: `Writes the project's spans as training data, streaming: memory does not grow with the project.
Formats:
  csv      one row per span: document_id,document_name,annotator,label,start,end,text,note
           (RFC 4180, UTF-8; cells a spreadsheet would run as formulas get a leading ')
  jsonl    Tagdesk JSONL, one document per line with its spans, sorted by start then end;
           importing it into an empty project gives back the same documents and spans
  doccano  doccano sequence labelling JSONL, one line per document and annotator, with
           "document_id", "name" and "annotator" as extra keys doccano keeps as metadata
Offsets are Unicode code points, half-open [start, end), over the stored text. document_id is the
document's original id, else the first 16 hex digits of the SHA-256 of its text.

Without --annotator or --status every document is written, also those nobody annotated; with them,
only documents where a chosen annotator has spans or that status. --gold writes the gold layer that
review builds: every document under review, with the spans the reviewers accepted (none is an answer
too); with --status done, only the documents marked reviewed. The output file is written
completely or not at all.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		format := fs.String("format", "", "the output `FORMAT`: "+strings.Join(formats.ExportFormats, ", ")+" (default: from -o's extension, else jsonl)")
		annotators := fs.StringArray("annotator", nil, "only this annotator's spans (`NAME`; repeat for several)")
		gold := fs.Bool("gold", false, "only the gold layer: the reviewers' decisions (with --status done: reviewed documents only)")
		status := fs.String("status", "", "only documents the annotator marked `STATUS`: done, in_progress or new")
		output := fs.StringP("output", "o", "", "write to `FILE` instead of standard output")
		excel := fs.Bool("excel", false, "csv: start with a UTF-8 byte-order mark, for Excel")
		return func(e *env, project string, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q (write to a file with -o FILE)", args[0])
			}
			f := *format
			if f == "" {
				f = formats.JSONL
				if strings.EqualFold(filepath.Ext(*output), ".csv") {
					f = formats.CSV
				}
			}
			if !slices.Contains(formats.ExportFormats, f) {
				return usagef("unknown format %q (use %s)", f, strings.Join(formats.ExportFormats, ", "))
			}
			q := annotations.ExportQuery{Annotators: *annotators}
			if *gold {
				if len(*annotators) > 0 {
					return usagef("--gold and --annotator cannot be used together (--gold is the annotator %q)", annotations.Gold)
				}
				q.Annotators = []string{annotations.Gold}
			}
			if *status != "" {
				s, ok := annotations.ParseStatus(*status)
				if !ok {
					return usagef("unknown status %q (use done, in_progress or new)", *status)
				}
				q.Status = s
			}
			p, err := openProject(e, project, false)
			if err != nil {
				return err
			}
			defer p.Close()
			return exportTo(e, p, *output, func(w io.Writer) error {
				fw, err := formats.NewWriter(f, w, formats.WriterOptions{Excel: *excel})
				if err != nil {
					return err
				}
				if err := p.Export(e.ctx, q, fw.Write); err != nil {
					return err
				}
				return fw.Close()
			})
		}
	},
}

// exportTo runs write on standard output, or on a temporary file beside path that replaces path only
// when everything was written: a failed export leaves no half-written file. A path that exists and is
// not a regular file (/dev/null, a named pipe) is written to directly.
func exportTo(e *env, p *annotations.Project, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(e.stdout)
	}
	if same, _ := sameFile(path, p.Path()); same {
		return &annotations.Error{Message: fmt.Sprintf("Refusing to export over the project file %s itself.", path)}
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return &annotations.Error{Message: fmt.Sprintf("%s is a folder; give a file name to export to.", path)}
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return &annotations.Error{Message: fmt.Sprintf("Could not write %s: %v.", path, errors.Unwrap(err)), Err: err}
		}
		defer f.Close()
		return write(f)
	}
	// replace the file a link points to, not the link
	return formats.WriteFile(e.ctx, followLink(path), write)
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}
