package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/annotations"
)

// TestCLIHelper is the tagdesk command line in a process of its own for TestConcurrentUse: the test
// binary runs itself with the arguments in TAGDESK_CLI_ARGS (a JSON array).
func TestCLIHelper(t *testing.T) {
	raw := os.Getenv("TAGDESK_CLI_ARGS")
	if raw == "" {
		t.Skip("run by TestConcurrentUse")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(exitUsage)
	}
	e := &env{ctx: context.Background(), stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(run(e, args))
}

// busyMessage starts the sentence of a write that gave up waiting for another program's.
const busyMessage = "Another program is writing to "

// TestConcurrentUse works on one project from two app instances (two Histories on two handles, each
// adding, relabelling and noting spans as the GUI does) while tagdesk processes export, import and
// merge into it. Every error but the busy sentence (retried) and a refused stale edit of the span
// both instances edit fails the test; afterwards the project passes check, holds every edit that was
// acknowledged, and every import and merge whole.
func TestConcurrentUse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts tagdesk processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	project := filepath.Join(dir, "shared.tagdesk")
	const (
		edits   = 150 // per app instance: each adds a span, relabels it and notes the shared span
		imports = 12  // tagdesk import runs, each of 2 documents with 2 spans
		merges  = 6   // tagdesk merge runs, each of its own project of 1 document with 1 span
		exports = 12  // tagdesk export runs
	)
	var (
		busy  atomic.Int64 // writes retried after the busy sentence
		stale atomic.Int64 // edits of the shared span refused as changed elsewhere
	)

	// the project, with a document for the app instances and a span they both edit
	p, err := annotations.Open(ctx, project, annotations.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	doc, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: "gui", Text: strings.Repeat("word ", edits)})
	if err != nil {
		t.Fatal(err)
	}
	shared, _, err := p.AddSpan(ctx, annotations.NewSpan{DocumentID: doc.ID, Annotator: "shared", Label: "actor", Start: 0, End: 4})
	if err != nil {
		t.Fatal(err)
	}
	var importFiles, mergeFiles []string
	for i := range imports {
		var b strings.Builder
		for j := range 2 {
			fmt.Fprintf(&b, `{"id": "imp-%d-%d", "text": "Import %d.%d: Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 6, "label": "claim"}, {"start": 23, "end": 32, "label": "figure"}]}`+"\n", i, j, i, j)
		}
		importFiles = append(importFiles, writeFile(t, filepath.Join(dir, fmt.Sprintf("imp-%d.jsonl", i)), b.String()))
	}
	for i := range merges {
		path := filepath.Join(dir, fmt.Sprintf("laptop-%d.tagdesk", i))
		q, err := annotations.Open(ctx, path, annotations.OpenOptions{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := q.AddDocument(ctx, annotations.NewDocument{Name: "m", Text: fmt.Sprintf("Merged %d: Kyiv said so.", i)})
		if err == nil {
			_, _, err = q.AddSpan(ctx, annotations.NewSpan{DocumentID: d.ID, Annotator: "laptop", Label: "actor", Start: 11, End: 15})
		}
		if err := errors.Join(err, q.Close()); err != nil {
			t.Fatal(err)
		}
		mergeFiles = append(mergeFiles, path)
	}

	var (
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	// retry runs a write until it does not find the project busy.
	retry := func(write func() error) error {
		for {
			err := write()
			if err == nil || !strings.HasPrefix(annotations.Message(err), busyMessage) {
				return err
			}
			busy.Add(1)
		}
	}
	// tagdesk runs the command line in a process of its own until it does not find the project busy.
	tagdesk := func(args ...string) (stdout string, ok bool) {
		raw, _ := json.Marshal(args)
		for {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCLIHelper$")
			cmd.Env = append(os.Environ(), "TAGDESK_CLI_ARGS="+string(raw), "HOME="+dir, "XDG_CONFIG_HOME="+dir)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			if err != nil && strings.Contains(errb.String(), busyMessage) {
				busy.Add(1)
				continue
			}
			if err != nil {
				fail("tagdesk %s: %v: %s", strings.Join(args, " "), err, errb.String())
				return "", false
			}
			return out.String(), true
		}
	}

	start := time.Now()
	var wg sync.WaitGroup
	for _, name := range []string{"gui-a", "gui-b"} {
		wg.Add(1)
		go func() { // one app instance: its own handle and history, edits from what it last read
			defer wg.Done()
			q, err := annotations.Open(ctx, project, annotations.OpenOptions{})
			if err != nil {
				fail("%s: open: %v", name, err)
				return
			}
			defer q.Close()
			h := annotations.NewHistory(q)
			for i := range edits {
				var s annotations.Span
				err := retry(func() (err error) {
					s, _, err = h.AddSpan(ctx, annotations.NewSpan{DocumentID: doc.ID, Annotator: name, Label: "actor", Start: 5 * i, End: 5*i + 4})
					return err
				})
				if err == nil {
					err = retry(func() (err error) { _, err = h.RelabelSpan(ctx, s, "claim"); return err })
				}
				if err != nil {
					fail("%s: edit %d: %v", name, i, err)
					return
				}
				seen, err := q.Span(ctx, shared.ID)
				if err == nil {
					err = retry(func() (err error) { _, err = h.SetNote(ctx, seen, fmt.Sprintf("%s %d", name, i)); return err })
				}
				if errors.Is(err, annotations.ErrChangedElsewhere) {
					stale.Add(1) // the other instance noted it since this one read it
				} else if err != nil {
					fail("%s: note %d: %v", name, i, err)
					return
				}
			}
		}()
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		for _, f := range importFiles {
			tagdesk("import", "--project", project, "--annotator", "cli", f)
		}
	}()
	go func() {
		defer wg.Done()
		for _, f := range mergeFiles {
			tagdesk("merge", "--project", project, f)
		}
	}()
	go func() {
		defer wg.Done()
		for i := range exports {
			out := filepath.Join(dir, fmt.Sprintf("export-%d.jsonl", i))
			if _, ok := tagdesk("export", "--project", project, "-o", out); !ok {
				continue
			}
			b, err := os.ReadFile(out)
			if err != nil {
				fail("export %d: %v", i, err)
				continue
			}
			for n, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
				if !json.Valid([]byte(line)) {
					fail("export %d, line %d is not JSON: %.80s", i, n+1, line)
				}
			}
		}
	}()
	wg.Wait()
	wall := time.Since(start)
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("%d app edits (2 instances × %d × add, relabel, note) and %d tagdesk runs (%d imports, %d merges, %d exports) in %s; %d writes retried on the busy message; %d stale notes refused",
		2*edits*3, edits, imports+merges+exports, imports, merges, exports, wall.Round(10*time.Millisecond), busy.Load(), stale.Load())

	if out, ok := tagdesk("check", "--project", project); !ok || !strings.HasSuffix(out, "ok\n") {
		t.Errorf("check: %q", out)
	}
	counts := map[string]int{} // spans by annotator and label
	docs := 0
	err = p.Export(ctx, annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		docs++
		for _, s := range d.Spans {
			counts[s.Annotator+" "+s.Label]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"gui-a claim": edits, "gui-b claim": edits, "shared actor": 1, // every acknowledged edit
		"cli claim": 2 * imports, "cli figure": 2 * imports, // every import whole
		"laptop actor": merges, // every merge
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("spans by annotator and label: %v, want %v", counts, want)
	}
	if want := 1 + 2*imports + merges; docs != want {
		t.Errorf("%d documents, want %d", docs, want)
	}
}
