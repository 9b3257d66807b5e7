//go:build unix

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCLIExportToPipe checks that a path that is not a regular file (a named pipe here, /dev/null in
// use) is written to, not replaced by a file.
func TestCLIExportToPipe(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	c.run("", "import", "--project", project, writeFile(t, filepath.Join(dir, "a.txt"), "Kyiv"))
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if code, _, errs := c.run("", "export", "--project", project, "-o", fifo); code != 0 {
		t.Fatalf("export to a pipe: %d %s", code, errs)
	}
	select {
	case out := <-got:
		if !strings.Contains(out, `"text":"Kyiv"`) {
			t.Errorf("the pipe received %q", out)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was written to the pipe")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
}
