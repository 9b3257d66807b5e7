package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIMerge(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	laptop := filepath.Join(dir, "laptop.tagdesk")
	doc := `{"id": "d1", "text": "Kyiv said 40 drones were shot down.", "spans": [{"start": 0, "end": 4, "label": "actor", "annotator": "alice"}`
	for path, jsonl := range map[string]string{
		project: doc + `]}` + "\n",
		laptop: doc + `, {"start": 10, "end": 19, "label": "figure", "annotator": "alice"}], "status": {"alice": "done"}}` + "\n" +
			`{"id": "d2", "text": "Only on the laptop.", "spans": [{"start": 0, "end": 4, "label": "claim", "annotator": "alice"}]}` + "\n",
	} {
		in := writeFile(t, path+".jsonl", jsonl)
		if code, _, errs := c.run("", "import", "--project", path, in); code != 0 {
			t.Fatal(errs)
		}
	}
	stats := func() string {
		_, out, _ := c.run("", "stats", "--project", project, "--json")
		return out
	}
	before := stats()

	tests := []struct { // in order: each runs on what the one before left
		name   string
		args   []string
		code   int
		stdout string // the first line, exactly, with dir replaced by DIR
		stderr string // exactly
	}{
		{"no file", []string{"merge", "--project", project}, 2, "",
			"tagdesk merge: give at least one project file to merge\nRun 'tagdesk merge --help' for usage.\n"},
		{"the project itself", []string{"merge", "--project", project, laptop, project}, 1, "",
			"tagdesk: DIR/p.tagdesk is this project itself; choose the annotators' copies to merge into it.\n"},
		{"not a project", []string{"merge", "--project", project, laptop, project + ".jsonl"}, 1, "",
			"tagdesk: DIR/p.tagdesk.jsonl is not a Tagdesk project (it is not a SQLite database).\n"},
		{"no such project", []string{"merge", "--project", filepath.Join(dir, "none.tagdesk"), laptop}, 1, "",
			"tagdesk: There is no project at DIR/none.tagdesk (tagdesk import creates one).\n"},
		{"dry run", []string{"merge", "--project", project, "--dry-run", laptop}, 0,
			"Checked (dry run, nothing changed) 1 file: 1 document added, 1 document already present; 2 spans added, 1 span already present; 2 statuses changed.", ""},
		{"merge", []string{"merge", "--project", project, laptop}, 0,
			"Merged 1 file: 1 document added, 1 document already present; 2 spans added, 1 span already present; 2 statuses changed.", ""},
		{"again", []string{"merge", laptop, "--project", project}, 0,
			"Merged 1 file: 0 documents added, 2 documents already present; 0 spans added, 3 spans already present; 0 statuses changed.", ""},
	}
	for _, tt := range tests {
		code, out, errs := c.run("", tt.args...)
		out, errs = strings.ReplaceAll(out, dir, "DIR"), strings.ReplaceAll(errs, dir, "DIR")
		first, _, _ := strings.Cut(out, "\n")
		if code != tt.code || first != tt.stdout || errs != tt.stderr {
			t.Errorf("%s: code %d, stdout %q, stderr %q\nwant code %d, %q, %q", tt.name, code, out, errs, tt.code, tt.stdout, tt.stderr)
		}
		if tt.name == "merge" && !strings.Contains(out, "\nlaptop.tagdesk: 1 document added") {
			t.Errorf("merge details: %q", out)
		}
		if tt.code != 0 || tt.name == "dry run" {
			if after := stats(); after != before {
				t.Errorf("%s changed the project: %s", tt.name, after)
			}
		}
	}
	code, out, _ := c.run("", "merge", "--project", project, "--json", laptop)
	if code != 0 || !strings.Contains(out, `"spans_present": 3`) || !strings.Contains(out, `"files": [`) {
		t.Errorf("--json: %d %s", code, out)
	}
	if code, out, _ := c.run("", "merge", "--help"); code != 0 || !strings.HasPrefix(out, "Usage: tagdesk merge [flags] FILE.tagdesk ...") {
		t.Errorf("--help: %d %q", code, out)
	}
}
