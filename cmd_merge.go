package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

var mergeCommand = &command{
	name:    "merge",
	summary: "bring annotators' copies of the project into it",
	usage:   "FILE.tagdesk ...",
	about: `Brings the documents, spans, notes, statuses and review decisions of annotators' copies of the
project into it. The files are only read. Documents are matched by their text, labels by name (a new
label keeps its colour and guideline, and its hotkey if free). For each document and annotator:
spans the project already has add nothing; a copy that holds everything the project has and more
adds the rest and fills in empty notes; a copy with other spans under the same name is kept beside
them as "NAME (from FILE)", and reported. Statuses are only ever raised; the further review status
and every rejection are kept. Merging the same file twice adds nothing.
Everything is one transaction: if any file cannot be merged, nothing is.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		dryRun := fs.BoolP("dry-run", "n", false, "merge and report, but change nothing")
		asJSON := fs.Bool("json", false, "print the report as JSON")
		return func(e *env, project string, args []string) error {
			if len(args) == 0 {
				return usagef("give at least one project file to merge")
			}
			p, err := openProject(e, project, false)
			if err != nil {
				return err
			}
			defer p.Close()
			if !*dryRun {
				backupBeforeWriting(e, p)
			}
			rep, err := p.Merge(e.ctx, args, annotations.MergeOptions{DryRun: *dryRun})
			if err != nil {
				return err
			}
			if *asJSON {
				return printJSON(e, rep)
			}
			fmt.Fprintln(e.stdout, rep.Summary())
			for _, line := range rep.Details() {
				fmt.Fprintln(e.stdout, line)
			}
			return nil
		}
	},
}
