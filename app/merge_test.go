package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
)

// copyOf writes a project file dir/name.tagdesk holding the Tagdesk JSONL lines, as an annotator's
// copy, and returns its path.
func copyOf(t *testing.T, dir, name, jsonl string) string {
	t.Helper()
	path := filepath.Join(dir, name+annotations.Extension)
	p, err := annotations.Open(context.Background(), path, annotations.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Import(context.Background(), formats.NewJSONLReader(strings.NewReader(jsonl), name+".jsonl"), annotations.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMergeDialog(t *testing.T) {
	dir := t.TempDir()
	alice := copyOf(t, dir, "alice", `{"id": "a1", "text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "alice"}]}`+"\n")
	bob := copyOf(t, dir, "bob", `{"id": "a1", "text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 10, "end": 19, "label": "figure", "annotator": "bob"}]}`+"\n")
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("not a project"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := map[string]struct {
		add         []string
		remove      int // the index to remove, or -1
		wantMessage string
		wantDetails []string
		want        string // contents after
	}{
		"two copies": {
			add: []string{alice, bob, alice}, remove: -1,
			wantMessage: "Merged 2 files: 1 document added, 1 document already present; 2 spans added, 0 spans already present; 2 statuses changed.",
			wantDetails: []string{"alice.tagdesk: 1 document added", "bob.tagdesk: 0 documents added", "New annotators: alice, bob"},
			want:        "a1: actor alice, figure bob",
		},
		"one removed": {
			add: []string{alice, notes, bob}, remove: 1,
			wantMessage: "Merged 2 files",
			want:        "a1: actor alice, figure bob",
		},
		"not a project": {
			add: []string{alice, notes}, remove: -1,
			wantMessage: notes + " is not a Tagdesk project (it is not a SQLite database). Nothing was merged.",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := testWindow(t)
			p := openProject(t)
			var reports []annotations.MergeReport
			d := newMergeDialog(w, p, func(r annotations.MergeReport) { reports = append(reports, r) })
			d.show()
			if !d.mergeButton.Disabled() || !d.removeButton.Disabled() {
				t.Error("Merge or Remove is enabled before any file is chosen")
			}
			for _, path := range tt.add {
				d.add(path)
			}
			if tt.remove >= 0 {
				d.list.Select(tt.remove)
				if d.removeButton.Disabled() {
					t.Fatal("Remove is disabled with a file selected")
				}
				test.Tap(d.removeButton)
			}
			if d.list.Length() != 2 || d.mergeButton.Disabled() {
				t.Fatalf("files %q; want two, and Merge enabled", d.paths)
			}
			test.Tap(d.mergeButton)
			wait(t, d.finished, "the end of the merge")

			checkResult(t, &d.task, tt.wantMessage, tt.wantDetails)
			if tt.want == "" {
				if len(reports) != 0 {
					t.Errorf("done was called after a failed merge: %+v", reports)
				}
				if c := contents(t, p); c != "" {
					t.Errorf("a failed merge left:\n%s", c)
				}
				return
			}
			if len(reports) != 1 || reports[0].Total.Spans != d.report.Total.Spans {
				t.Errorf("done got %+v", reports)
			}
			if c := contents(t, p); c != tt.want {
				t.Errorf("project after the merge:\n%s\nwant:\n%s", c, tt.want)
			}
			if d.bar.Value != 1 {
				t.Errorf("the progress stopped at %v", d.bar.Value)
			}
		})
	}
}

func TestMergeDialogCancel(t *testing.T) {
	dir := t.TempDir()
	alice := copyOf(t, dir, "alice", `{"text": "one", "spans": [{"start": 0, "end": 3, "label": "actor", "annotator": "alice"}]}`+"\n"+`{"text": "two"}`+"\n")
	w := testWindow(t)
	p := openProject(t)
	called := false
	d := newMergeDialog(w, p, func(annotations.MergeReport) { called = true })
	hold, reached, release := holdOnce()
	d.hold = hold
	d.show()
	d.add(alice)
	test.Tap(d.mergeButton)
	cancelTask(t, &d.task, reached, release, "the end of the merge")
	if want := "The merge was cancelled; nothing was merged and the project is unchanged."; d.message.Text != want {
		t.Errorf("message %q, want %q", d.message.Text, want)
	}
	if called {
		t.Error("done was called after a cancelled merge")
	}
	if c := contents(t, p); c != "" {
		t.Errorf("a cancelled merge left:\n%s", c)
	}
}

func TestShowMerge(t *testing.T) {
	w := testWindow(t)
	ShowMerge(w, openProject(t), nil)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}

	// Add file… opens a file dialog over the list
	w = testWindow(t)
	d := newMergeDialog(w, openProject(t), nil)
	d.show()
	before := len(w.Canvas().Overlays().List())
	test.Tap(d.addButton)
	if after := len(w.Canvas().Overlays().List()); after != before+1 {
		t.Errorf("Add file… left %d overlays, was %d; want a file dialog more", after, before)
	}
}
