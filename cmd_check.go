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
something is wrong, and says what to do: for a damaged project, restore the newest backup (the
command names it); for a project of a newer Tagdesk, update Tagdesk.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		asJSON := fs.Bool("json", false, "print JSON")
		return func(e *env, project string, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			p, err := openProject(e, project, false)
			if annotations.Damaged(err) {
				path, _, _ := resolveProject(e, project)
				return &annotations.Error{Message: annotations.Message(err) + " " + damagedAdvice(path, false), Err: err}
			}
			if err != nil {
				return err
			}
			defer p.Close()
			r, err := p.Check(e.ctx)
			if annotations.Damaged(err) {
				return &annotations.Error{Message: annotations.Message(err) + " " + damagedAdvice(p.Path(), true), Err: err}
			}
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
				return &annotations.Error{Message: fmt.Sprintf("%s found in %s; keep a copy of the file before changing anything. %s",
					annotations.Plural(len(r.Problems), "problem"), p.Path(), damagedAdvice(p.Path(), true))}
			}
			return nil
		}
	},
}

// damagedAdvice says what to do about the damaged project at path: restore its newest backup, with
// tagdesk restore when the project still opens, else by putting the backup in the file's place.
func damagedAdvice(path string, opens bool) string {
	backups, err := annotations.ListBackups(path)
	if err != nil || len(backups) == 0 {
		return fmt.Sprintf("There is no backup in %s: export what you can with tagdesk export, import it into a new project, and check that.",
			annotations.BackupFolder(path))
	}
	b := backups[0]
	taken := fmt.Sprintf("taken %s, %s", b.Time.Local().Format("2006-01-02 15:04"), backupKind(b))
	if opens {
		return fmt.Sprintf("To go back to the newest backup (%s), run: tagdesk restore --project %s %s", taken, path, b.Path)
	}
	return fmt.Sprintf("It cannot be opened, so restore the newest backup (%s) by hand: move the damaged file and its -wal and -shm files aside, then copy %s to %s.",
		taken, b.Path, path)
}
