package formats

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
)

// Export is one export: a format, what the query selects and the writer's options, completed from
// the project. The command line and the app both run exports through it.
type Export struct {
	Format  string
	Query   annotations.ExportQuery
	Options WriterOptions
	notices []string
}

// NewExport checks format and opts and completes them from p: the token formats get the project's
// labels, in the label set's order, when none are given, and refuse a label the project does not
// have; brat writes its files flat when q names exactly one annotator. Problems are *annotations.Error
// with a sentence for the user.
func NewExport(ctx context.Context, p *annotations.Project, format string, q annotations.ExportQuery, opts WriterOptions) (*Export, error) {
	bad := func(format string, args ...any) (*Export, error) {
		return nil, &annotations.Error{Message: fmt.Sprintf(format, args...)}
	}
	if !slices.Contains(ExportFormats, format) {
		return bad("Unknown export format %q (use %s).", format, strings.Join(ExportFormats, ", "))
	}
	if opts.Offsets == "" {
		opts.Offsets = CodePoints
	}
	if opts.Offsets != CodePoints && !slices.Contains(UTF16Formats, format) {
		return bad("%s offsets apply only to the JSON formats (%s); %s has none or counts code points by definition.",
			opts.Offsets, strings.Join(UTF16Formats, ", "), format)
	}
	token := slices.Contains(TokenFormats, format)
	if !token && (len(opts.Labels) > 0 || opts.Nested != "") {
		return bad("Choosing labels and a rule for nested spans applies only to %s.", strings.Join(TokenFormats, " and "))
	}
	if opts.DoccanoForm != "" && format != Doccano {
		return bad("Choosing the doccano form applies only to doccano.")
	}
	if opts.DoccanoForm != "" && !slices.Contains(DoccanoForms, opts.DoccanoForm) {
		return bad("Unknown doccano form %q (use %s).", opts.DoccanoForm, strings.Join(DoccanoForms, " or "))
	}
	if opts.Nested != "" && !slices.Contains(NestedRules, opts.Nested) {
		return bad("Unknown rule for nested spans %q (use %s).", opts.Nested, strings.Join(NestedRules, ", "))
	}
	if opts.LabelSet == nil {
		var err error
		if opts.LabelSet, err = p.Labels(ctx); err != nil {
			return nil, err
		}
	}
	if token {
		names := make([]string, len(opts.LabelSet))
		for i, l := range opts.LabelSet {
			names[i] = l.Name
		}
		if len(opts.Labels) == 0 {
			opts.Labels = names
		}
		for _, l := range opts.Labels {
			if !slices.Contains(names, l) {
				return bad("The project has no label %q (its labels: %s).", l, strings.Join(names, ", "))
			}
		}
	}
	if slices.Contains(TreeFormats, format) {
		opts.Flat = len(q.Annotators) == 1
	}
	return &Export{Format: format, Query: q, Options: opts}, nil
}

// Tree reports whether the export writes a folder or a zip (WriteTree) rather than one file.
func (x *Export) Tree() bool { return slices.Contains(TreeFormats, x.Format) }

// Write writes the export to w; each, if not nil, is called after every document is written.
func (x *Export) Write(ctx context.Context, p *annotations.Project, w io.Writer, each func(*annotations.ExportDocument)) error {
	fw, err := NewWriter(x.Format, w, x.Options)
	if err != nil {
		return err
	}
	return x.run(ctx, p, fw, each)
}

func (x *Export) run(ctx context.Context, p *annotations.Project, fw Writer, each func(*annotations.ExportDocument)) error {
	err := p.Export(ctx, x.Query, func(d *annotations.ExportDocument) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fw.Write(d); err != nil {
			return err
		}
		if each != nil {
			each(d)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	if n, ok := fw.(Noticer); ok {
		x.notices = n.Notices()
	}
	return nil
}

// Notices are what the writer had to tell once the export was written.
func (x *Export) Notices() []string { return x.notices }

// CompanionPath is the file an export to path writes beside it, or "": the tag list of hf
// (export.jsonl → export.tags.json).
func (x *Export) CompanionPath(path string) string {
	if x.Format != HF || path == "" || path == "-" {
		return ""
	}
	base := strings.TrimSuffix(path, filepath.Ext(path))
	return base + ".tags.json"
}

// WriteTree writes the export of a tree format (brat) into t; each, if not nil, is called after
// every document is written.
func (x *Export) WriteTree(ctx context.Context, p *annotations.Project, t Tree, each func(*annotations.ExportDocument)) error {
	fw, err := NewTreeWriter(x.Format, t, x.Options)
	if err != nil {
		return err
	}
	return x.run(ctx, p, fw, each)
}

// WriteCompanion writes the file CompanionPath names: the tag list of hf.
func (x *Export) WriteCompanion(w io.Writer) error { return WriteHFTags(w, x.Options) }
