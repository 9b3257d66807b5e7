package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

var relationTypesCommand = &command{
	name:    "relation-types",
	summary: "list or edit the project's relation types",
	usage:   "[--add NAME [--color #RRGGBB] | --rename OLD [NEW] [--color #RRGGBB] | --delete NAME]",
	about: `Without a flag, lists the relation types (such as attributed_to, which links a claim to its
source) with the number of relations of each. The flags change them:
  --add NAME             add a relation type (a free colour is chosen when --color is not given)
  --rename OLD NEW       rename a relation type; its relations keep it. With --color, NEW may be
                         left out to change the colour only
  --delete NAME          delete a relation type no relation uses`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		asJSON := fs.Bool("json", false, "list as JSON")
		add := fs.String("add", "", "add a relation type called `NAME`")
		rename := fs.String("rename", "", "rename (or recolour) the relation type `OLD`; the new name follows")
		remove := fs.String("delete", "", "delete the relation type `NAME`")
		color := fs.String("color", "", "with --add or --rename: the colour, `#RRGGBB`")
		return func(e *env, project string, args []string) error {
			var actions []string
			for _, f := range []string{"add", "rename", "delete"} {
				if fs.Changed(f) {
					actions = append(actions, "--"+f)
				}
			}
			switch {
			case len(actions) > 1:
				return usagef("%s do not go together", strings.Join(actions, " and "))
			case fs.Changed("color") && !fs.Changed("add") && !fs.Changed("rename"):
				return usagef("--color goes with --add or --rename")
			case fs.Changed("json") && len(actions) > 0:
				return usagef("--json goes with the list only")
			case fs.Changed("rename") && (len(args) > 1 || len(args) == 0 && !fs.Changed("color")):
				return usagef("--rename OLD takes the new name after it")
			case !fs.Changed("rename") && len(args) > 0:
				return usagef("unexpected argument %q", args[0])
			}
			p, err := openProject(e, project, fs.Changed("add"))
			if err != nil {
				return err
			}
			defer p.Close()
			switch {
			case fs.Changed("add"):
				t, err := p.AddRelationType(e.ctx, annotations.RelationType{Name: *add, Color: *color})
				if err == nil {
					fmt.Fprintf(e.stdout, "Added relation type %q (%s).\n", t.Name, t.Color)
				}
				return err
			case fs.Changed("rename"):
				t, err := findRelationType(e, p, *rename)
				if err != nil {
					return err
				}
				if len(args) == 1 {
					t.Name = args[0]
				}
				if fs.Changed("color") {
					t.Color = *color
				}
				if err := p.UpdateRelationType(e.ctx, t); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Changed relation type %q.\n", t.Name)
				return nil
			case fs.Changed("delete"):
				t, err := findRelationType(e, p, *remove)
				if err != nil {
					return err
				}
				if err := p.DeleteRelationType(e.ctx, t.ID); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Deleted relation type %q.\n", t.Name)
				return nil
			}
			return listRelationTypes(e, p, *asJSON)
		}
	},
}

func findRelationType(e *env, p *annotations.Project, name string) (annotations.RelationType, error) {
	types, err := p.RelationTypes(e.ctx)
	if err != nil {
		return annotations.RelationType{}, err
	}
	return findNamed(types, func(t annotations.RelationType) string { return t.Name }, name, "relation type")
}

func listRelationTypes(e *env, p *annotations.Project, asJSON bool) error {
	types, err := p.RelationTypes(e.ctx)
	if err != nil {
		return err
	}
	counts, err := p.RelationCounts(e.ctx)
	if err != nil {
		return err
	}
	if asJSON {
		type out struct {
			Name      string `json:"name"`
			Color     string `json:"color"`
			Relations int    `json:"relations"`
		}
		list := make([]out, len(types))
		for i, t := range types {
			list[i] = out{t.Name, t.Color, counts[t.Name]}
		}
		return printJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tcolour\trelations")
	for _, t := range types {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", t.Name, t.Color, counts[t.Name])
	}
	return tw.Flush()
}
