package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/tagdesk/tagdesk/annotations"
	gui "github.com/tagdesk/tagdesk/app"
)

// startupTrace returns the start-up trace that TAGDESK_STARTUP_TRACE=FILE asks for, writing to
// FILE (see app.StartupTrace and .ci/bench-startup), or nil. With TAGDESK_STARTUP_PROFILE=PREFIX too,
// it writes a CPU profile of start-up to PREFIX.cpu.pprof, from now until start-up has settled, and
// a heap profile to PREFIX.heap.pprof then. A trace or profile that cannot be written is reported
// and skipped: it never stops the app.
func startupTrace(e *env) *gui.StartupTrace {
	name := e.getenv("TAGDESK_STARTUP_TRACE")
	if name == "" {
		return nil
	}
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "tagdesk: no start-up trace: %v\n", err)
		return nil
	}
	t := gui.NewStartupTrace(f, "backup")
	t.Mark("start", fmt.Sprintf("pid=%d", os.Getpid()))
	prefix := e.getenv("TAGDESK_STARTUP_PROFILE")
	if prefix == "" {
		return t
	}
	cpu, err := os.Create(prefix + ".cpu.pprof")
	if err == nil {
		err = pprof.StartCPUProfile(cpu)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tagdesk: no start-up profile: %v\n", err)
		return t
	}
	t.OnSettled = func() {
		pprof.StopCPUProfile()
		cpu.Close()
		heap, err := os.Create(prefix + ".heap.pprof")
		if err == nil {
			runtime.GC() // the heap profile shows what is live after the last collection
			err = pprof.WriteHeapProfile(heap)
			heap.Close()
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "tagdesk: no heap profile: %v\n", err)
		}
		t.Mark("profiled", "")
	}
	return t
}

// backupOnOpen takes the on-open backup (in the background: opening never waits for it; a failure
// only skips it) and marks its end in t, if any.
func backupOnOpen(ctx context.Context, p *annotations.Project, t *gui.StartupTrace) {
	began := time.Now()
	path, err := p.BackupOnOpen(ctx)
	if t != nil {
		t.Mark("backup", fmt.Sprintf("took=%s written=%t err=%v", time.Since(began).Round(time.Millisecond), path != "", err))
	}
}
