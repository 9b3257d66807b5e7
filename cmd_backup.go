package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

var backupCommand = &command{
	name:    "backup",
	summary: "back the project up now, or list its backups",
	about: `Writes a consistent copy of the project, as of its last committed edit, while others go on
working: by default into the backup folder beside the project (NAME.tagdesk-backups/), else to
--to FILE, which is replaced only once the copy is complete. --list lists the backups in the
folder, newest first, with when and why each was taken and its size.

Tagdesk also backs up on its own into that folder: before a newer Tagdesk updates a project's
schema (the newest 3 kept, named with the old schema version), and after the app opens a project
that changed since the last backup, at most once an hour (the newest 5 kept); tagdesk restore
saves the project's content before replacing it (the newest 3 kept). Backups made with tagdesk
backup are never removed by Tagdesk.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		to := fs.String("to", "", "write the backup to `FILE` instead of the backup folder")
		list := fs.Bool("list", false, "list the backups instead of making one")
		return func(e *env, project string, args []string) error {
			if *list && *to != "" {
				return usagef("--list and --to cannot be used together")
			}
			if *list {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				path, _, err := resolveProject(e, project)
				if err != nil {
					return err
				}
				return listBackups(e, path)
			}
			return onProject(e, project, args, func(p *annotations.Project) error {
				start := time.Now()
				path := *to
				var err error
				if path == "" {
					path, err = p.BackupNow(e.ctx, annotations.BackupManual)
				} else {
					path = followLink(path)
					err = p.Backup(e.ctx, path)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Backed up %s to %s (%s, %s).\n", p.Path(), path, fileSize(path),
					time.Since(start).Round(time.Millisecond))
				return nil
			})
		}
	},
}

var restoreCommand = &command{
	name:    "restore",
	summary: "replace the project's content with a backup's",
	usage:   "BACKUP",
	about: `Replaces everything in the project with the content of BACKUP, a project file or one of the
backups tagdesk backup --list lists. It first checks the backup (a Tagdesk project, not damaged,
not from a newer Tagdesk) and saves the project's current content in the backup folder, so that a
restore can itself be undone; an older backup's schema is then brought up to date. The copy goes
through SQLite's online backup API, into the open project: other programs that have it open see
the restored content. When another program is writing to the project, the restore fails after a
few seconds and changes nothing.`,
	flags: func(fs *pflag.FlagSet) func(*env, string, []string) error {
		return func(e *env, project string, args []string) error {
			if len(args) != 1 {
				return usagef("give the one backup file to restore")
			}
			return onProject(e, project, nil, func(p *annotations.Project) error {
				saved, err := p.Restore(e.ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Restored %s from %s.\nWhat it held before is in %s.\n", p.Path(), args[0], saved)
				return nil
			})
		}
	},
}

// listBackups prints the backups of the project at path, newest first.
func listBackups(e *env, path string) error {
	backups, err := annotations.ListBackups(path)
	if err != nil {
		return err
	}
	if len(backups) == 0 {
		fmt.Fprintf(e.stdout, "No backups of %s yet (the folder %s is empty or missing).\n", path, annotations.BackupFolder(path))
		return nil
	}
	for _, b := range backups {
		fmt.Fprintf(e.stdout, "%s  %-28s  %9s  %s\n", b.Time.Local().Format("2006-01-02 15:04:05"), backupKind(b), fileSize(b.Path), b.Path)
	}
	return nil
}

// backupKind says in words why a backup was taken.
func backupKind(b annotations.BackupInfo) string {
	switch b.Kind {
	case annotations.BackupOnOpen:
		return "on open"
	case annotations.BackupBeforeMigration:
		return fmt.Sprintf("before migration (schema %d)", b.Schema)
	case annotations.BackupBeforeRestore:
		return "before restore"
	case annotations.BackupManual:
		return "tagdesk backup"
	}
	return "other"
}

// fileSize returns the size of the file at path for a person: "1.2 MB".
func fileSize(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "?"
	}
	n := float64(fi.Size())
	for _, unit := range []string{"B", "kB", "MB", "GB"} {
		if n < 1000 || unit == "GB" {
			if unit == "B" {
				return fmt.Sprintf("%d B", fi.Size())
			}
			return strings.TrimSuffix(fmt.Sprintf("%.1f", n), ".0") + " " + unit
		}
		n /= 1000
	}
	return ""
}
