package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
)

var agreementCommand = &command{
	name:    "agreement",
	summary: "measure how far annotators agree: span F1, Cohen, Fleiss, Krippendorff",
	about: `Compares every pair of annotators (all but gold, unless --annotators names them) over the
documents both marked done, or with --all every document both touched. For each pair it prints span
F1 in four modes (exact: same start, end and label; exact_span: same start and end; overlap: at least
one character in common, same label; overlap_span: overlap, any label) and Cohen's kappa per label
over word tokens, and relation F1 (a relation matches when its type and both its spans match
exactly); then Fleiss' kappa (documents all annotators qualify for) and Krippendorff's alpha
(documents two or more qualify for) per label. A measure that would divide zero by zero is printed
as "undefined" (null in JSON). When no two annotators share a document, it says so and exits 0.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		annotators := fs.StringSlice("annotators", nil, "compare these `NAMES` (comma-separated; default: all but gold)")
		labels := fs.StringSlice("labels", nil, "compare these `LABELS` only (comma-separated; default: all)")
		all := fs.Bool("all", false, "compare the documents both annotators touched, not only those both marked done")
		asJSON := fs.Bool("json", false, "print JSON")
		return func(e *env, project string, args []string) error {
			if len(*annotators) == 1 {
				return usagef("give at least two annotators to compare")
			}
			return onProject(e, project, args, func(p *annotations.Project) error {
				r, err := agreement.Compute(e.ctx, p, agreement.Options{Annotators: *annotators, Labels: *labels, All: *all})
				var ne *agreement.NameError
				if errors.As(err, &ne) {
					return usagef("%s", ne.Error())
				}
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(e, r)
				}
				printAgreement(e.stdout, r)
				return nil
			})
		}
	},
}

// printAgreement prints r as tables: one per pair, then Fleiss and Krippendorff.
func printAgreement(w io.Writer, r *agreement.Report) {
	which := "marked done"
	if r.All {
		which = "touched"
	}
	compared := 0
	for _, pr := range r.Pairs {
		compared += pr.Documents
	}
	if compared == 0 {
		if len(r.Annotators) < 2 {
			fmt.Fprintf(w, "Nothing to compare: agreement needs two annotators, and this project has %s (gold not counted).\n",
				annotations.Plural(len(r.Annotators), "annotator"))
			return
		}
		fmt.Fprintf(w, "Nothing to compare: no two of %s have both %s a document.", strings.Join(r.Annotators, ", "), which)
		if !r.All {
			fmt.Fprint(w, " Mark documents done, or use --all to compare the documents both touched.")
		}
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "Each pair is compared over the documents both annotators %s.\n", which)
	for _, pr := range r.Pairs {
		fmt.Fprintf(w, "\n%s and %s: %s\n", pr.Annotators[0], pr.Annotators[1], annotations.Plural(pr.Documents, "document"))
		if pr.Documents == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "\t")
		for _, m := range agreement.Modes {
			fmt.Fprintf(tw, "F1 %s\t", m)
		}
		fmt.Fprintln(tw, "Cohen κ\t")
		fmt.Fprint(tw, "all labels\t")
		for _, m := range agreement.Modes {
			fmt.Fprintf(tw, "%s\t", pr.SpanF1[m].Overall)
		}
		fmt.Fprintln(tw, "\t")
		for _, l := range r.Labels {
			fmt.Fprintf(tw, "%s\t", l)
			for _, m := range agreement.Modes {
				fmt.Fprintf(tw, "%s\t", pr.SpanF1[m].ByLabel[l])
			}
			fmt.Fprintf(tw, "%s\t\n", pr.CohenKappa[l])
		}
		tw.Flush()
		fmt.Fprintf(w, "relation F1 (same type, both spans exact): %s\n", pr.RelationF1)
	}
	fmt.Fprintf(w, "\nAll %s, over word tokens: Fleiss' κ on %s all of them %s, Krippendorff's α on %s two or more %s.\n",
		strings.Join(r.Annotators, ", "), annotations.Plural(r.FleissDocuments, "document"), which,
		annotations.Plural(r.KrippendorffDocuments, "document"), which)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tFleiss κ\tKrippendorff α\t")
	for _, l := range r.Labels {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", l, r.FleissKappa[l], r.KrippendorffAlpha[l])
	}
	tw.Flush()
}
