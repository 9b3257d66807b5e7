package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

var statsCommand = &command{
	name:    "stats",
	summary: "count documents, spans per label and annotator, and statuses",
	about: `Prints how many documents the project holds, its spans per label and per annotator, and how many
documents each annotator has not started, has in progress and has done, and how many relations link
spans, when there are any (by type in JSON).`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		asJSON := fs.Bool("json", false, "print JSON")
		return func(e *env, project string, args []string) error {
			return onProject(e, project, args, func(p *annotations.Project) error {
				st, err := p.Stats(e.ctx)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(e, st)
				}
				printStats(e, p.Path(), st)
				return nil
			})
		}
	},
}

func printStats(e *env, path string, st annotations.Stats) {
	relations := ""
	if st.Relations > 0 {
		relations = annotations.Plural(st.Relations, "relation") + ", "
	}
	fmt.Fprintf(e.stdout, "%s\n%s, %s, %s%s\n\n", path, annotations.Plural(st.Documents, "document"),
		annotations.Plural(st.Spans, "span"), relations, annotations.Plural(len(st.Annotators), "annotator"))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := []string{"label", "all"}
	for _, a := range st.Annotators {
		header = append(header, a.Name)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, l := range st.Labels {
		row := []string{l.Name, fmt.Sprint(l.Spans)}
		for _, a := range st.Annotators {
			row = append(row, fmt.Sprint(a.ByLabel[l.Name]))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	if len(st.Annotators) == 0 {
		return
	}
	fmt.Fprintln(e.stdout)
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "annotator\tnew\tin progress\tdone\tspans\t")
	for _, a := range st.Annotators {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", a.Name, a.Status[annotations.StatusNew],
			a.Status[annotations.StatusInProgress], a.Status[annotations.StatusDone], a.Spans)
	}
	tw.Flush()
}
