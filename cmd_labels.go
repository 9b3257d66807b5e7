package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

// labelActions are what "tagdesk labels" can do: how many arguments each takes (the action included)
// and which flags go with it.
var labelActions = map[string]struct {
	args     int
	argsHelp string
	flags    []string
}{
	"list":     {1, "nothing", []string{"json"}},
	"add":      {2, "a label name", []string{"color", "hotkey", "guideline", "attributes"}},
	"edit":     {2, "a label name", []string{"rename", "color", "hotkey", "guideline", "attributes"}},
	"move":     {3, "a label name and a position", nil},
	"remove":   {2, "a label name", nil},
	"defaults": {1, "nothing", nil},
}

var labelsCommand = &command{
	name:    "labels",
	summary: "list or edit the project's label set",
	usage:   "[add NAME | edit NAME | move NAME POSITION | remove NAME | defaults]",
	about: `Without an action, lists the label set in panel order: position, name, colour, hotkey,
attributes and guideline (--json gives the attributes in full). The actions change it:
  add NAME              add a label at the end (--color, --hotkey, --guideline, --attributes; a
                        free colour is chosen when --color is not given)
  edit NAME             change a label (--rename, --color, --hotkey, --guideline, --attributes);
                        spans keep their label through a rename
  move NAME POSITION    move a label to POSITION (from 1), which also sets its number key
  remove NAME           remove a label no span uses
  defaults              give figure and claim, when they define no attributes, those of the
                        default label set (value, unit, approximate; stance): projects made
                        before attributes existed lack them
Hotkeys are one character, not a digit (1 to 9 pick labels by position); --hotkey "" removes one.
--attributes FILE sets the label's attributes from a JSON array (- reads standard input), as
--json lists them: [{"name": "unit", "type": "choice", "values": ["casualties", "troops"],
"cues": {"casualties": ["pertes", "killed"]}}]; types are number, choice, flag and text, and a
flag's cues go under "true". [] removes them all.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		asJSON := fs.Bool("json", false, "list as JSON")
		rename := fs.String("rename", "", "edit: the new `NAME`")
		color := fs.String("color", "", "add, edit: the colour, `#RRGGBB`")
		hotkey := fs.String("hotkey", "", "add, edit: the hotkey, one `CHARACTER`")
		guideline := fs.String("guideline", "", "add, edit: the guideline `TEXT` annotators read")
		attributes := fs.String("attributes", "", "add, edit: the attributes, a JSON `FILE` (- for standard input)")
		return func(e *env, project string, args []string) error {
			action := "list"
			if len(args) > 0 {
				action = args[0]
			}
			a, known := labelActions[action]
			if !known {
				return usagef("unknown action %q (use add, edit, move, remove or defaults)", action)
			}
			if len(args) != a.args && !(action == "list" && len(args) == 0) {
				return usagef("%s takes %s", action, a.argsHelp)
			}
			var bad string
			fs.Visit(func(f *pflag.Flag) {
				if f.Name != "project" && f.Name != "help" && !slices.Contains(a.flags, f.Name) {
					bad = f.Name
				}
			})
			if bad != "" {
				return usagef("--%s does not go with %s", bad, action)
			}
			create := action == "add"
			p, err := openProject(e, project, create)
			if err != nil {
				return err
			}
			defer p.Close()
			switch action {
			case "list":
				return listLabels(e, p, *asJSON)
			case "defaults":
				changed, err := p.AddDefaultAttributes(e.ctx)
				if err != nil {
					return err
				}
				if len(changed) == 0 {
					fmt.Fprintln(e.stdout, "No label was changed: the labels of the default set that the project has already define attributes.")
					return nil
				}
				fmt.Fprintf(e.stdout, "Gave the default attributes to %s.\n", strings.Join(changed, ", "))
				return nil
			}
			name := args[1]
			var attrs []annotations.Attribute
			if fs.Changed("attributes") {
				if attrs, err = readAttributes(e, *attributes); err != nil {
					return err
				}
			}
			if action == "add" {
				l, err := p.AddLabel(e.ctx, annotations.Label{Name: name, Color: *color, Hotkey: *hotkey, Guideline: *guideline, Attributes: attrs})
				if err == nil {
					fmt.Fprintf(e.stdout, "Added label %q (%s) at position %d.\n", l.Name, l.Color, l.Position+1)
				}
				return err
			}
			l, err := findLabel(e, p, name)
			if err != nil {
				return err
			}
			switch action {
			case "edit":
				for _, f := range []struct {
					flag     string
					from, to *string
				}{{"rename", rename, &l.Name}, {"color", color, &l.Color}, {"hotkey", hotkey, &l.Hotkey}, {"guideline", guideline, &l.Guideline}} {
					if fs.Changed(f.flag) {
						*f.to = *f.from
					}
				}
				if fs.Changed("attributes") {
					l.Attributes = attrs
				}
				if _, err := p.UpdateLabel(e.ctx, l); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Changed label %q.\n", l.Name)
			case "move":
				pos, err := strconv.Atoi(args[2])
				if err != nil || pos < 1 {
					return usagef("the position %q is not a number from 1", args[2])
				}
				if err := p.MoveLabel(e.ctx, l.ID, pos-1); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Moved label %q.\n", l.Name)
			case "remove":
				if err := p.DeleteLabel(e.ctx, l.ID); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Removed label %q.\n", l.Name)
			}
			return nil
		}
	},
}

func findLabel(e *env, p *annotations.Project, name string) (annotations.Label, error) {
	labels, err := p.Labels(e.ctx)
	if err != nil {
		return annotations.Label{}, err
	}
	return findNamed(labels, func(l annotations.Label) string { return l.Name }, name, "label")
}

// findNamed returns the entry of list called name; the error lists the names there are, calling
// the entries what ("label").
func findNamed[T any](list []T, nameOf func(T) string, name, what string) (T, error) {
	names := make([]string, len(list))
	for i, x := range list {
		if nameOf(x) == name {
			return x, nil
		}
		names[i] = nameOf(x)
	}
	var zero T
	return zero, &annotations.Error{Message: fmt.Sprintf("There is no %s named %q (the %ss are: %s).",
		what, name, what, strings.Join(names, ", ")), Err: annotations.ErrNotFound}
}

func listLabels(e *env, p *annotations.Project, asJSON bool) error {
	labels, err := p.Labels(e.ctx)
	if err != nil {
		return err
	}
	if asJSON {
		type out struct {
			Position  int    `json:"position"`
			Name      string `json:"name"`
			Color     string `json:"color"`
			Hotkey    string `json:"hotkey"`
			Guideline string `json:"guideline"`
			// Attributes are the label's attribute definitions, [] when it has none.
			Attributes []annotations.Attribute `json:"attributes"`
		}
		list := make([]out, len(labels))
		for i, l := range labels {
			list[i] = out{l.Position + 1, l.Name, l.Color, l.Hotkey, l.Guideline, l.Attributes}
			if l.Attributes == nil {
				list[i].Attributes = []annotations.Attribute{}
			}
		}
		return printJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tname\tcolour\thotkey\tattributes\tguideline")
	for _, l := range labels {
		g := l.Guideline
		if r := []rune(g); len(r) > 60 {
			g = string(r[:59]) + "…"
		}
		names := make([]string, len(l.Attributes))
		for i, a := range l.Attributes {
			names[i] = a.Name
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Position+1, l.Name, l.Color, l.Hotkey, strings.Join(names, ", "), g)
	}
	return tw.Flush()
}

// readAttributes reads a label's attribute definitions from the JSON file at path, or from standard
// input for "-". The label's validation checks them.
func readAttributes(e *env, path string) ([]annotations.Attribute, error) {
	b, err := readInput(e, path)
	if err != nil {
		return nil, &annotations.Error{Message: fmt.Sprintf("Could not read the attributes from %s.", path), Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	attrs := []annotations.Attribute{}
	if err := dec.Decode(&attrs); err != nil {
		return nil, &annotations.Error{Message: fmt.Sprintf(
			"%s does not hold attributes as a JSON array of {\"name\", \"type\", \"values\", \"cues\"} objects.", path), Err: err}
	}
	return attrs, nil
}
