package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIRulesAndSuggestions(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "war.tagdesk")
	in := writeFile(t, filepath.Join(dir, "in.jsonl"),
		`{"id": "d1", "text": "Selon Kyiv, environ 40 drones Shahed ont été abattus."}`+"\n")
	if code, _, errs := c.run("", "import", "--project", project, in); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	run := func(wantCode int, stdin string, args ...string) (string, string) {
		t.Helper()
		code, out, errs := c.run(stdin, append(args, "--project", project)...)
		if code != wantCode {
			t.Fatalf("%q: code %d, want %d; stderr %q", args, code, wantCode, errs)
		}
		return out, errs
	}
	out, _ := run(0, "", "rules")
	if !strings.Contains(out, "figure") || !strings.Contains(out, "Rules on open: false.") {
		t.Errorf("rules list:\n%s", out)
	}
	out, _ = run(0, "Wagner\n# a comment\n", "rules", "--add", "actor", "--words", "-")
	if !strings.HasPrefix(out, "Added rule") {
		t.Errorf("add: %q", out)
	}
	out, _ = run(0, "Wagner et 12 drones", "rules", "--test", "-")
	for _, want := range []string{"0-6\tactor\tWagner", "10-19\tfigure\t12 drones", "13-19\tweapon\tdrones", "3 matches."} {
		if !strings.Contains(out, want) {
			t.Errorf("test output lacks %q:\n%s", want, out)
		}
	}
	_, errs := run(1, "", "rules", "--add", "figure", "--regex", `(\d+`)
	if !strings.Contains(errs, "missing closing )") {
		t.Errorf("bad regex: %q", errs)
	}
	_, errs = run(1, "", "rules", "--add", "place", "--regex", `\d+`)
	if !strings.Contains(errs, `no label named "place"`) {
		t.Errorf("unknown label: %q", errs)
	}
	run(2, "", "rules", "--add", "figure")
	run(2, "", "rules", "--on-open", "maybe")
	run(0, "", "rules", "--on-open", "true")
	if out, _ = run(0, "", "rules"); !strings.Contains(out, "Rules on open: true.") {
		t.Errorf("on open not set:\n%s", out)
	}

	out, _ = run(0, "", "suggest", "run")
	if !strings.Contains(out, "on 1 document: 3 suggestions.") {
		t.Errorf("suggest run: %q", out)
	}
	pred := writeFile(t, filepath.Join(dir, "pred.jsonl"),
		`{"text": "Selon Kyiv, environ 40 drones Shahed ont été abattus.", "spans": [{"start": 6, "end": 10, "label": "actor", "score": 0.9}, {"start": 12, "end": 29, "label": "figure", "score": 0.3}]}`+"\n"+
			`{"text": "Another article.", "spans": []}`+"\n")
	out, _ = run(0, "", "suggest", "import", "--source", "ner", "--min-score", "0.5", pred)
	if !strings.Contains(out, "1 suggestion added") || !strings.Contains(out, "1 span below the minimum score") || !strings.Contains(out, "1 document not in the project") {
		t.Errorf("suggest import: %q", out)
	}
	bad := writeFile(t, filepath.Join(dir, "bad.jsonl"), `{"text": "x", "spans": [{"start": 0, "end": 1, "label": "actor", "score": "high"}]}`+"\n")
	_, errs = run(1, "", "suggest", "import", "--source", "ner2", bad)
	if !strings.Contains(errs, "bad.jsonl:1:") {
		t.Errorf("bad line: %q", errs)
	}
	run(1, "", "suggest", "import", pred) // no source
	out, _ = run(0, "", "suggest", "list")
	if !strings.Contains(out, "ner ") || !strings.Contains(out, "rules ") {
		t.Errorf("suggest list:\n%s", out)
	}
	if out, _ = run(0, "", "suggest", "clear", "--source", "ner"); out != "Deleted 1 suggestion.\n" {
		t.Errorf("clear: %q", out)
	}
	run(2, "", "suggest", "frobnicate")
	_, errs = run(1, "", "suggest", "run", "--documents", "nope")
	if !strings.Contains(errs, `no document named "nope"`) {
		t.Errorf("unknown document: %q", errs)
	}
}
