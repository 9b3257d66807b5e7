package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

var rulesCommand = &command{
	name:    "rules",
	summary: "list, add, test or delete the rules that suggest spans",
	usage:   "",
	about: `Without flags, lists the rules: id, label, kind, whether enabled, and the pattern. Rules
suggest spans (tagdesk suggest run, or the app when a document opens if --on-open is true):
  --add LABEL --regex P        a Go regular expression; a group named span, (?P<span>...),
                               suggests only its part of the match
  --add LABEL --words FILE     a word list, one entry a line (# starts a comment; - reads stdin)
  --case-sensitive, --note     with --add
  --delete ID                  delete a rule
  --test FILE|-                print what the enabled rules match in a text
  --add-defaults               add Tagdesk's default rules the project lacks
  --on-open true|false         run the rules when the app opens a document
Matches start and end on whole words.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		add := fs.String("add", "", "add a rule suggesting `LABEL`")
		regex := fs.String("regex", "", "with --add: the regular expression `P`")
		words := fs.String("words", "", "with --add: the word list `FILE`")
		caseSensitive := fs.Bool("case-sensitive", false, "with --add: match case")
		note := fs.String("note", "", "with --add: a `NOTE` on the rule")
		del := fs.Int64("delete", 0, "delete the rule with `ID`")
		test := fs.String("test", "", "print the matches of the enabled rules in `FILE` (- for standard input)")
		defaults := fs.Bool("add-defaults", false, "add the default rules the project lacks")
		onOpen := fs.String("on-open", "", "run the rules when a document opens: `true` or false")
		return func(e *env, project string, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			actions := 0
			for _, f := range []string{"add", "delete", "test", "add-defaults", "on-open"} {
				if fs.Changed(f) {
					actions++
				}
			}
			switch {
			case actions > 1:
				return usagef("give one of --add, --delete, --test, --add-defaults, --on-open")
			case fs.Changed("add") && (*regex == "") == (*words == ""):
				return usagef("--add takes --regex P or --words FILE")
			case fs.Changed("on-open") && *onOpen != "true" && *onOpen != "false":
				return usagef("--on-open is true or false")
			}
			p, err := openProject(e, project, false)
			if err != nil {
				return err
			}
			defer p.Close()
			switch {
			case fs.Changed("add"):
				r := annotations.Rule{Label: *add, Kind: annotations.RuleRegex, Pattern: *regex, CaseSensitive: *caseSensitive,
					Enabled: true, Note: *note}
				if *words != "" {
					b, err := readInput(e, *words)
					if err != nil {
						return err
					}
					r.Kind, r.Pattern = annotations.RuleWords, string(b)
				}
				if r, err = p.AddRule(e.ctx, r); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Added rule %d (%s, %s).\n", r.ID, r.Label, r.Kind)
			case fs.Changed("delete"):
				if err := p.DeleteRule(e.ctx, *del); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Deleted rule %d.\n", *del)
			case fs.Changed("test"):
				b, err := readInput(e, *test)
				if err != nil {
					return err
				}
				return testRules(e, p, string(b))
			case *defaults:
				n, err := p.AddDefaultRules(e.ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Added %s.\n", annotations.Plural(n, "default rule"))
			case fs.Changed("on-open"):
				if err := p.SetSetting(e.ctx, annotations.SettingRulesOnOpen, *onOpen); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Rules on open: %s.\n", *onOpen)
			default:
				return listRules(e, p)
			}
			return nil
		}
	},
}

// readInput reads the file at path, or standard input for "-".
func readInput(e *env, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(path)
}

func listRules(e *env, p *annotations.Project) error {
	rules, err := p.Rules(e.ctx)
	if err != nil {
		return err
	}
	on, err := p.RulesOnOpen(e.ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tlabel\tkind\tenabled\tpattern")
	for _, r := range rules {
		pat := strings.ReplaceAll(r.Pattern, "\n", " | ")
		if rs := []rune(pat); len(rs) > 60 {
			pat = string(rs[:59]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.ID, r.Label, r.Kind, strconv.FormatBool(r.Enabled), pat)
	}
	fmt.Fprintf(tw, "\nRules on open: %t.\n", on)
	return tw.Flush()
}

// testRules prints what the enabled rules match in s: offsets, label and text.
func testRules(e *env, p *annotations.Project, s string) error {
	rules, err := p.Rules(e.ctx)
	if err != nil {
		return err
	}
	enabled := rules[:0]
	for _, r := range rules {
		if r.Enabled {
			enabled = append(enabled, r)
		}
	}
	norm, _ := text.Normalize(s)
	matches, err := annotations.MatchRules(enabled, norm)
	if err != nil {
		return err
	}
	x := text.NewIndex(norm)
	for _, m := range matches {
		fmt.Fprintf(e.stdout, "%d-%d\t%s\t%s\n", m.Start, m.End, m.Label, x.Slice(m.Start, m.End))
	}
	if len(matches) == 1 {
		fmt.Fprintln(e.stdout, "1 match.")
	} else {
		fmt.Fprintf(e.stdout, "%d matches.\n", len(matches))
	}
	return nil
}
