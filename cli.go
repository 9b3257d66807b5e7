package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tagdesk/tagdesk/annotations"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// env is what a command runs with, so that tests can run commands in-process.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // the arguments after "tagdesk NAME [flags]"
	about   string // a paragraph for --help
	flags   func(fs *pflag.FlagSet) func(e *env, project string, args []string) error
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// runCommand parses the flags of c and runs it. project and annotator are the values of the flags
// given before the command name; the command's own flags win over them.
func runCommand(e *env, c *command, args []string, project, annotator string) int {
	fs := pflag.NewFlagSet("tagdesk "+c.name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.StringVar(&project, "project", project, "the project `FILE` (default: $TAGDESK_PROJECT, else the default project)")
	run := c.flags(fs)
	help := fs.BoolP("help", "h", false, "show this help")
	err := fs.Parse(args)
	if err == nil && annotator != "" && c.name == "import" && !fs.Changed("annotator") {
		// "annotate as NAME" means the same for import: the annotator of the spans it adds. The other
		// commands ignore it (export's --annotator, a filter, has to be given after the command).
		err = fs.Set("annotator", annotator)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tagdesk %s: %s\n", c.name, err)
		fmt.Fprintf(e.stderr, "Run 'tagdesk %s --help' for usage.\n", c.name)
		return exitUsage
	}
	if *help {
		commandHelp(e.stdout, c, fs)
		return exitOK
	}
	err = run(e, project, fs.Args())
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "tagdesk %s: %s\n", c.name, ue.msg)
		fmt.Fprintf(e.stderr, "Run 'tagdesk %s --help' for usage.\n", c.name)
		return exitUsage
	}
	reportError(e, err)
	return exitError
}

// reportError prints err for a person: the list of problems of an import, else one sentence. With
// TAGDESK_DEBUG set, the full error follows.
func reportError(e *env, err error) {
	var is *annotations.ImportErrors
	if errors.As(err, &is) && (len(is.Problems) > 1 || is.More > 0) {
		fmt.Fprintln(e.stderr, is.Error())
		fmt.Fprintln(e.stderr, "tagdesk: "+is.Summary())
	} else {
		fmt.Fprintln(e.stderr, "tagdesk: "+annotations.Message(err))
	}
	if e.getenv("TAGDESK_DEBUG") != "" {
		fmt.Fprintf(e.stderr, "debug: %v\n", err)
	}
}

func commandHelp(w io.Writer, c *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n%s", strings.TrimSpace("tagdesk "+c.name+" [flags] "+c.usage), c.about, fs.FlagUsages())
}

// resolveProject returns the project file to use: the flag, else $TAGDESK_PROJECT, else the default
// project in the user's configuration folder, whose folder it creates.
func resolveProject(e *env, flag string) (path string, isDefault bool, err error) {
	if flag != "" {
		return flag, false, nil
	}
	if p := e.getenv("TAGDESK_PROJECT"); p != "" {
		return p, false, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", false, fmt.Errorf("find the default project: %w", err)
	}
	dir = filepath.Join(dir, "tagdesk")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false, fmt.Errorf("create %s: %w", dir, err)
	}
	return filepath.Join(dir, "default"+annotations.Extension), true, nil
}

// openProject opens the project a command names. The default project is created on first use, and
// create makes any other missing project file too. Commands get a new default project empty: only the
// app adds the sample articles (openGUIProject).
func openProject(e *env, flag string, create bool) (*annotations.Project, error) {
	path, isDefault, err := resolveProject(e, flag)
	if err != nil {
		return nil, err
	}
	p, err := annotations.Open(e.ctx, path, annotations.OpenOptions{Create: create || isDefault})
	if err != nil {
		return nil, err
	}
	printWarnings(e, p)
	return p, nil
}

// printWarnings prints what Open found worth telling (a project on a network share) to standard error.
func printWarnings(e *env, p *annotations.Project) {
	for _, w := range p.Warnings() {
		fmt.Fprintln(e.stderr, "tagdesk: warning: "+w)
	}
}

// backupBeforeWriting takes the on-open backup of p when it is due, before a command changes many
// things at once (import, merge). A failed backup is said, and the command goes on.
func backupBeforeWriting(e *env, p *annotations.Project) {
	if _, err := p.BackupOnOpen(e.ctx); err != nil {
		fmt.Fprintln(e.stderr, "tagdesk: warning: the backup before writing failed: "+annotations.Message(err))
	}
}

// onProject runs fn on the existing project a command without arguments names.
func onProject(e *env, project string, args []string, fn func(*annotations.Project) error) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	p, err := openProject(e, project, false)
	if err != nil {
		return err
	}
	defer p.Close()
	return fn(p)
}

// followLink returns the file a symbolic link at path points to, even when that file does not exist
// yet, or path itself when it is not a link.
func followLink(path string) string {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return path
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		return target
	}
	target, err := os.Readlink(path) // a link to a file still to be made
	if err != nil {
		return path
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return target
}
