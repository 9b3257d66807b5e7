package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

var checkCommand = &command{
	name:    "check",
	summary: "check the project file's integrity and schema version",
	about: `Runs SQLite's integrity and foreign key checks and Tagdesk's own (every text matches its hash and
length, every span lies within its text), and prints the schema version. Exits with 1 when
something is wrong.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		asJSON := fs.Bool("json", false, "print JSON")
		return func(e *env, project string, args []string) error {
			return onProject(e, project, args, func(p *annotations.Project) error {
				r, err := p.Check(e.ctx)
				if err != nil {
					return err
				}
				if *asJSON {
					if r.Problems == nil {
						r.Problems = []string{}
					}
					if err := printJSON(e, r); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(e.stdout, "%s\nschema version %d (this Tagdesk writes %d)\n", p.Path(), r.SchemaVersion, r.Latest)
					for _, problem := range r.Problems {
						fmt.Fprintln(e.stdout, "problem:", problem)
					}
					if r.OK() {
						fmt.Fprintln(e.stdout, "ok")
					}
				}
				if !r.OK() {
					return &annotations.Error{Message: fmt.Sprintf(
						"%s found in %s; keep a copy of the file before changing anything.", annotations.Plural(len(r.Problems), "problem"), p.Path())}
				}
				return nil
			})
		}
	},
}
