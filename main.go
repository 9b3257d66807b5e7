// Command tagdesk is a desktop tool for annotating spans of text, with a command line for the work
// leads script: import, export, stats and check.
//
//	tagdesk [--project FILE] [--annotator NAME]   open the app
//	tagdesk COMMAND [flags] [args]                 run a command; tagdesk --help lists them
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/spf13/pflag"

	gui "github.com/tagdesk/tagdesk/app"
	"github.com/tagdesk/tagdesk/assets"
	_ "github.com/tagdesk/tagdesk/internal/locale" // before Fyne reads the locale: see the package
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0"

// appID identifies Tagdesk to Fyne (preferences, settings folder).
const appID = "io.tagdesk.app"

// metadata is what FyneApp.toml says, for builds made with plain go build; the fyne packaging tool
// generates the same call from the file. TestMetadataMatchesFyneApp keeps the two in step.
func metadata() fyne.AppMetadata {
	return fyne.AppMetadata{
		ID:         appID,
		Name:       "Tagdesk",
		Version:    version,
		Build:      1,
		Icon:       fyne.NewStaticResource("icon.png", assets.Icon),
		Migrations: map[string]bool{"fyneDo": true},
	}
}

var commands = []*command{importCommand, exportCommand, mergeCommand, agreementCommand, statsCommand, checkCommand, labelsCommand,
	relationTypesCommand, suggestCommand, rulesCommand, backupCommand, restoreCommand}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(e, os.Args[1:]))
}

// run runs the command line args and returns the exit code.
func run(e *env, args []string) int {
	fs := pflag.NewFlagSet("tagdesk", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SetInterspersed(false) // flags after the command name belong to the command
	project := fs.String("project", "", "open the project `FILE` (default: $TAGDESK_PROJECT, else the default project)")
	annotator := fs.String("annotator", "", "annotate as `NAME` (default: $TAGDESK_ANNOTATOR, else ask)")
	help := fs.BoolP("help", "h", false, "show this help")
	showVersion := fs.Bool("version", false, "print the version")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(e.stderr, "tagdesk: %s\nRun 'tagdesk --help' for usage.\n", err)
		return exitUsage
	}
	switch {
	case *help:
		mainHelp(e.stdout, fs)
		return exitOK
	case *showVersion:
		fmt.Fprintln(e.stdout, "tagdesk", version)
		return exitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runGUI(e, *project, *annotator)
	}
	name := rest[0]
	if name == "help" {
		if len(rest) == 1 {
			mainHelp(e.stdout, fs)
			return exitOK
		}
		name, rest = rest[1], []string{rest[1], "--help"}
	}
	for _, c := range commands {
		if c.name == name {
			return runCommand(e, c, rest[1:], *project, *annotator)
		}
	}
	fmt.Fprintf(e.stderr, "tagdesk: unknown command %q\nRun 'tagdesk --help' for usage.\n", name)
	return exitUsage
}

func mainHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `Tagdesk annotates spans of text: actors, figures, weapons and claims in news articles.

Usage:
  tagdesk [--project FILE] [--annotator NAME]   open the app
  tagdesk COMMAND [flags] [args]                 run a command

Commands:
`)
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, `
Every command takes --project FILE; without it, $TAGDESK_PROJECT, else the default project
(created on first use). 'tagdesk COMMAND --help' tells more. Exit status: 0 success, 1 error,
2 wrong usage.

Flags:
%s`, fs.FlagUsages())
}

// runGUI opens the project and runs the app until its window closes.
func runGUI(e *env, projectFlag, annotator string) int {
	trace := startupTrace(e)
	p, err := openGUIProject(e, projectFlag)
	if err != nil {
		reportError(e, err)
		return exitError
	}
	defer p.Close()
	if trace != nil {
		trace.Mark("opened", "")
	}
	if annotator == "" {
		annotator = e.getenv("TAGDESK_ANNOTATOR")
	}
	fyneapp.SetMetadata(metadata())
	a := fyneapp.NewWithID(appID)
	w := gui.NewTracedWindow(a, p, strings.TrimSpace(annotator), trace)
	go func() {
		// after start-up: copying a large project competes with it for the disk and the CPU
		<-w.Loaded()
		<-w.Listed()
		// Listing a large project allocates several times what the list keeps (about 120 MB for
		// 100,000 documents, 34 MB kept): give the garbage back to the system now rather than
		// whenever the runtime gets to it, so that the app holds about what it uses.
		debug.FreeOSMemory()
		backupOnOpen(e.ctx, p, trace)
	}()
	w.ShowAndRun()
	return exitOK
}
