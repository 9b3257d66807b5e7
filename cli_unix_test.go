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

// TestCLIExportThroughLink checks that exporting to a symbolic link replaces the file it points to,
// keeping that file's permissions, and leaves the link in place.
func TestCLIExportThroughLink(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	c.run("", "import", "--project", project, writeFile(t, filepath.Join(dir, "a.txt"), "Kyiv"))
	target := writeFile(t, filepath.Join(dir, "data", "export.jsonl"), "old\n")
	if err := os.Chmod(target, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := c.run("", "export", "--project", project, "-o", link); code != 0 {
		t.Fatalf("export through a link: %s", errs)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	b, _ := os.ReadFile(target)
	fi, _ := os.Stat(target)
	if !strings.Contains(string(b), `"text":"Kyiv"`) || fi.Mode().Perm() != 0o600 {
		t.Errorf("the target holds %q with mode %v; want the export with mode 0600", b, fi.Mode().Perm())
	}
}

// TestCLIDanglingLinks checks that a link to a file still to be made leads import and export to make
// that file, leaving the link.
func TestCLIDanglingLinks(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "p.tagdesk")
	os.MkdirAll(filepath.Dir(target), 0o755)
	link := filepath.Join(dir, "p.tagdesk")
	if err := os.Symlink("real/p.tagdesk", link); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := c.run("", "import", "--project", link, writeFile(t, filepath.Join(dir, "a.txt"), "Kyiv")); code != 0 {
		t.Fatalf("import through a dangling link: %s", errs)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the project link was replaced: %v", err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the project was not made where the link points: %v", err)
	}
	out := filepath.Join(dir, "real", "out.jsonl")
	outLink := filepath.Join(dir, "out.jsonl")
	os.Symlink(out, outLink)
	if code, _, errs := c.run("", "export", "--project", link, "-o", outLink); code != 0 {
		t.Fatalf("export through a dangling link: %s", errs)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), `"text":"Kyiv"`) {
		t.Errorf("the export did not reach the link's target: %q", b)
	}
	if fi, err := os.Lstat(outLink); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the export link was replaced: %v", err)
	}
}
