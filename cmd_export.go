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
	summary: "write documents and spans as training data, in Tagdesk's and the peer tools' formats",
	usage:   "",
	about: `Writes the project's spans as training data, streaming: memory does not grow with the project.
Formats:
  csv          one row per span: document_id,document_name,annotator,label,start,end,text,note
               (RFC 4180, UTF-8; cells a spreadsheet would run as formulas get a leading ')
  jsonl        Tagdesk JSONL, one document per line with its spans, sorted by start then end;
               importing it into an empty project gives back the same documents and spans
  doccano      doccano sequence labelling JSONL, one line per document and annotator; with
               --doccano-form entities, "entities" with ids and "relations" between them
  spacy        spaCy/displaCy JSONL, one line per document and annotator: "ents" (no overlaps,
               the outermost kept) and "spans" (every span, for a span group)
  prodigy      Prodigy ner_manual JSONL: "tokens" with "ws", "spans" with token_start and
               inclusive token_end; done is answered "accept"
  labelstudio  a Label Studio JSON task list, one annotation per annotator
  brat         brat standoff .txt and .ann pairs in a folder (-o DIR) or a zip (-o FILE.zip),
               one folder per annotator unless one annotator is exported
  conll        CoNLL-2003-style BIO, one token per line, -DOCSTART- per document and annotator
  hf           Hugging Face token classification JSONL, one sentence per line, with the tag
               list written beside the output as NAME.tags.json
Offsets are Unicode code points, half-open [start, end), over the stored text; with --offsets
utf16 the JSON formats count UTF-16 code units instead, as JavaScript does. document_id is the
document's original id, else the first 16 hex digits of the SHA-256 of its text. conll and hf
write tokens (Unicode word segments, split at span edges) and IOB2 tags: --labels chooses the
labels and --nested what happens to spans inside others (outer keeps the outermost, inner the
innermost, columns writes one tag column per label).

Without --annotator or --status every document is written, also those nobody annotated; with them,
only documents where a chosen annotator has spans or that status. --gold writes the gold layer that
review builds: every document under review, with the spans the reviewers accepted (none is an answer
too); with --status done, only the documents marked reviewed. The output is written completely or
not at all. What a format cannot carry is said on standard error.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		format := fs.String("format", "", "the output `FORMAT`: "+strings.Join(formats.ExportFormats, ", ")+" (default: from -o's extension, else jsonl)")
		annotators := fs.StringArray("annotator", nil, "only this annotator's spans (`NAME`; repeat for several)")
		gold := fs.Bool("gold", false, "only the gold layer: the reviewers' decisions (with --status done: reviewed documents only)")
		status := fs.String("status", "", "only documents the annotator marked `STATUS`: done, in_progress or new")
		output := fs.StringP("output", "o", "", "write to `FILE` (a folder or .zip for brat) instead of standard output")
		excel := fs.Bool("excel", false, "csv: start with a UTF-8 byte-order mark, for Excel")
		offsets := fs.String("offsets", "", "JSON formats: count offsets in `UNIT`: codepoints (default) or utf16")
		labels := fs.StringSlice("labels", nil, "conll, hf: the `LABELS` to write, in tag order (default: the label set)")
		nested := fs.String("nested", "", "conll, hf: nested spans: outer (default), inner or columns (`RULE`)")
		doccanoForm := fs.String("doccano-form", "", "doccano: label (default; no relations) or entities (with relations) (`FORM`)")
		return func(e *env, project string, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q (write to a file with -o FILE)", args[0])
			}
			f := *format
			if f == "" {
				f = formatOfPath(*output)
			}
			if !slices.Contains(formats.ExportFormats, f) {
				return usagef("unknown format %q (use %s)", f, strings.Join(formats.ExportFormats, ", "))
			}
			unit, ok := formats.ParseOffsets(*offsets)
			if !ok {
				return usagef("unknown offset unit %q (use codepoints or utf16)", *offsets)
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
			if slices.Contains(formats.TreeFormats, f) && (*output == "" || *output == "-") {
				return usagef("%s writes a folder or a zip: give -o DIR or -o FILE.zip", f)
			}
			p, err := openProject(e, project, false)
			if err != nil {
				return err
			}
			defer p.Close()
			x, err := formats.NewExport(e.ctx, p, f, q, formats.WriterOptions{Excel: *excel, Offsets: unit, Labels: *labels,
				Nested: *nested, DoccanoForm: *doccanoForm})
			if err != nil {
				var ae *annotations.Error
				if errors.As(err, &ae) {
					return usagef("%s", strings.TrimSuffix(lowerFirst(ae.Message), "."))
				}
				return err
			}
			if err := runExport(e, p, x, *output); err != nil {
				return err
			}
			for _, n := range x.Notices() {
				fmt.Fprintln(e.stderr, "tagdesk export: "+n)
			}
			return nil
		}
	},
}

// formatOfPath is the export format a file name suggests: csv for .csv, brat for .zip, conll for
// .conll, else jsonl.
func formatOfPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formats.CSV
	case ".zip":
		return formats.Brat
	case ".conll", ".conllu", ".bio", ".iob":
		return formats.CoNLL
	}
	return formats.JSONL
}

// lowerFirst lowers the first letter of a sentence, to use it as a usage message.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// runExport writes x to path: a file, standard output, or for tree formats a folder or zip.
func runExport(e *env, p *annotations.Project, x *formats.Export, path string) error {
	if x.Tree() {
		return exportTree(e, p, x, path)
	}
	if err := exportTo(e, p, path, func(w io.Writer) error { return x.Write(e.ctx, p, w, nil) }); err != nil {
		return err
	}
	companion := x.CompanionPath(path)
	if fi, err := os.Stat(path); companion == "" || err != nil || !fi.Mode().IsRegular() {
		return nil // standard output, a device or a pipe: the notice gives the tags
	}
	return exportTo(e, p, companion, x.WriteCompanion)
}

// exportTo runs write on standard output, or on a temporary file beside path that replaces path only
// when everything was written: a failed export leaves no half-written file. A path that exists and is
// not a regular file (/dev/null, a named pipe) is written to directly.
func exportTo(e *env, p *annotations.Project, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(e.stdout)
	}
	if err := refuseProjectFile(p, path); err != nil {
		return err
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

// refuseProjectFile refuses to export onto the project file or one of its journals, however path
// spells it (relative, through a link).
func refuseProjectFile(p *annotations.Project, path string) error {
	switch own := p.OwnFile(path); own {
	case "":
		return nil
	case annotations.ProjectFileItself:
		return &annotations.Error{Message: fmt.Sprintf("Refusing to export over the project file %s itself.", path)}
	default:
		return &annotations.Error{Message: fmt.Sprintf("Refusing to export over %s: it is %s.", path, own)}
	}
}

// exportTree writes x, a tree format, to the folder or .zip at path, completely or not at all.
func exportTree(e *env, p *annotations.Project, x *formats.Export, path string) error {
	if err := refuseProjectFile(p, path); err != nil {
		return err
	}
	return formats.WriteTree(e.ctx, followLink(path), func(t formats.Tree) error { return x.WriteTree(e.ctx, p, t, nil) })
}
