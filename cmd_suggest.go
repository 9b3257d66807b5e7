package main

import (
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

var suggestCommand = &command{
	name:    "suggest",
	summary: "run the rules, import a model's predictions, list or clear suggestions",
	usage:   "run | import FILE | list | clear",
	about: `Suggestions are spans proposed to annotators, never anyone's work until accepted in the app.
  run                   run the enabled rules on every document (or --documents NAME...),
                        replacing the rules' earlier suggestions
  import FILE           store a model's predictions as suggestions of --source NAME:
                        Tagdesk JSONL with an optional "score" per span, or a Label Studio
                        export whose predictions are read (--format labelstudio); documents
                        are found by their text, else by id; --add-documents adds the others
  list                  count the suggestions of each source (--source one, --json)
  clear                 delete the suggestions of --source NAME, or all`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		docs := fs.StringSlice("documents", nil, "run: only the documents with these `NAME`s")
		source := fs.String("source", "", "import, list, clear: the source `NAME`")
		minScore := fs.Float64("min-score", 0, "import: skip spans scoring below `X`")
		format := fs.String("format", "", "import: jsonl or labelstudio (default: from the file)")
		addDocs := fs.Bool("add-documents", false, "import: add the documents the project lacks")
		asJSON := fs.Bool("json", false, "list as JSON")
		return func(e *env, project string, args []string) error {
			if len(args) == 0 {
				return usagef("give an action: run, import, list or clear")
			}
			action, rest := args[0], args[1:]
			want := map[string]int{"run": 0, "import": 1, "list": 0, "clear": 0}
			n, known := want[action]
			switch {
			case !known:
				return usagef("unknown action %q (use run, import, list or clear)", action)
			case len(rest) != n:
				return usagef("%s takes %d argument(s)", action, n)
			case action == "import" && *format != "" && !slices.Contains(formats.PredictionFormats, *format):
				return usagef("--format is jsonl or labelstudio")
			}
			p, err := openProject(e, project, false)
			if err != nil {
				return err
			}
			defer p.Close()
			switch action {
			case "run":
				ids, err := documentIDs(e, p, *docs)
				if err != nil {
					return err
				}
				rep, err := p.RunRules(e.ctx, ids)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Ran %s on %s: %s.\n", annotations.Plural(rep.Rules, "rule"),
					annotations.Plural(rep.Documents, "document"), annotations.Plural(rep.Suggestions, "suggestion"))
			case "import":
				r := formats.OpenWith(rest, formats.ReadOptions{Format: *format, Predictions: true}, e.stdin)
				defer r.Close()
				rep, err := p.ImportSuggestions(e.ctx, r, annotations.SuggestionImportOptions{Source: *source, MinScore: *minScore, AddDocuments: *addDocs})
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, rep.Summary())
				for _, line := range rep.Details() {
					fmt.Fprintln(e.stdout, line)
				}
			case "list":
				counts, err := p.SuggestionSources(e.ctx, *source)
				if err != nil {
					return err
				}
				if *asJSON {
					return printJSON(e, append([]annotations.SourceCount{}, counts...))
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "source\tsuggestions\tdocuments")
				for _, c := range counts {
					fmt.Fprintf(tw, "%s\t%d\t%d\n", c.Source, c.Suggestions, c.Documents)
				}
				return tw.Flush()
			case "clear":
				n, err := p.ClearSuggestions(e.ctx, *source)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Deleted %s.\n", annotations.Plural(n, "suggestion"))
			}
			return nil
		}
	},
}

// documentIDs returns the ids of the documents named names, or nil (every document) when there are
// none.
func documentIDs(e *env, p *annotations.Project, names []string) ([]int64, error) {
	if len(names) == 0 {
		return nil, nil
	}
	byName := map[string]int64{}
	for after := int64(0); ; {
		page, err := p.ListDocuments(e.ctx, annotations.DocumentQuery{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			if _, seen := byName[d.Name]; !seen {
				byName[d.Name] = d.ID
			}
		}
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	ids := make([]int64, 0, len(names))
	for _, n := range names {
		id, ok := byName[n]
		if !ok {
			return nil, &annotations.Error{Message: fmt.Sprintf("There is no document named %q.", n), Err: annotations.ErrNotFound}
		}
		ids = append(ids, id)
	}
	return ids, nil
}
