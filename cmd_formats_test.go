package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCLIPeerFormats exports the formats corpus in each peer format from the command line, checks
// what the command says on standard error, and imports every format that Tagdesk reads back into an
// empty project: the same documents and spans come back.
func TestCLIPeerFormats(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	if code, _, errs := c.run("", "import", "--project", project, filepath.Join("annotations", "formats", "testdata", "corpus.jsonl")); code != 0 {
		t.Fatal(errs)
	}
	_, stats, _ := c.run("", "stats", "--project", project, "--json")
	tests := map[string]struct {
		args      []string // after --project and -o
		out       string   // the name to write
		back      []string // the import's flags, when the format is read back
		stderr    string   // what standard error must hold
		companion string
		relations bool // the relations come back too
	}{
		"spacy":               {[]string{"--format", "spacy"}, "s.jsonl", []string{}, `only in "spans", not in "ents"`, "", false},
		"spacy, UTF-16":       {[]string{"--format", "spacy", "--offsets", "utf16"}, "s16.jsonl", []string{"--offsets", "utf16"}, "", "", false},
		"prodigy":             {[]string{"--format", "prodigy"}, "p.jsonl", []string{}, "", "", true},
		"labelstudio":         {[]string{"--format", "labelstudio"}, "ls.json", []string{}, "", "", true},
		"labelstudio, UTF-16": {[]string{"--format", "labelstudio", "--offsets", "utf16"}, "ls16.json", []string{"--offsets", "utf16"}, "", "", true},
		"brat zip":            {nil, "b.zip", []string{}, "", "", true},
		"brat folder":         {[]string{"--format", "brat"}, "bratdir", []string{}, "", "", true},
		"doccano":             {[]string{"--format", "doccano"}, "d.jsonl", []string{}, "4 relations left out: use --doccano-form entities.", "", false},
		"doccano entities":    {[]string{"--format", "doccano", "--doccano-form", "entities"}, "de.jsonl", []string{}, "", "", true},
		"conll":               {[]string{"--format", "conll", "--labels", "actor,figure"}, "c.conll", nil, "left out", "", false},
		"hf":                  {[]string{"--format", "hf", "--nested", "columns"}, "h.jsonl", nil, "", "h.tags.json", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, tt.out)
			args := append([]string{"export", "--project", project, "-o", out}, tt.args...)
			code, stdout, errs := c.run("", args...)
			if code != 0 || stdout != "" {
				t.Fatalf("export: code %d, stdout %q, stderr %s", code, stdout, errs)
			}
			if !strings.Contains(errs, tt.stderr) || tt.stderr == "" && errs != "" && !strings.HasPrefix(errs, "tagdesk export: ") {
				t.Errorf("stderr %q; want it to hold %q", errs, tt.stderr)
			}
			if tt.companion != "" {
				if b, err := os.ReadFile(filepath.Join(dir, tt.companion)); err != nil || !strings.Contains(string(b), `"actor_tags"`) {
					t.Errorf("the tag list beside the export: %s, %v", b, err)
				}
			}
			if tt.back == nil {
				return
			}
			again := filepath.Join(t.TempDir(), "again.tagdesk")
			args = append(append([]string{"import", "--project", again}, tt.back...), out)
			if code, _, errs := c.run("", args...); code != 0 {
				t.Fatalf("import of the export: %s", errs)
			}
			_, got, _ := c.run("", "stats", "--project", again, "--json")
			if spansAndDocs(got) != spansAndDocs(stats) {
				t.Errorf("after the round trip:\n%s\nwant:\n%s", spansAndDocs(got), spansAndDocs(stats))
			}
			if want := `"relations": 4,`; strings.Contains(got, want) != tt.relations {
				t.Errorf("after the round trip, relations %v: %s", tt.relations, got)
			}
		})
	}
}

// spansAndDocs keeps the lines of `stats --json` that count documents and spans.
func spansAndDocs(stats string) string {
	var keep []string
	for _, l := range strings.Split(stats, "\n") {
		if strings.Contains(l, `"documents":`) || strings.Contains(l, `"spans":`) {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	return strings.Join(keep, "\n")
}

// TestCLIHFToDevice exports hf to a device: the export goes there and no tag list is written beside
// it (the notice names the tags).
func TestCLIHFToDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	c := newCLI(t)
	project := filepath.Join(t.TempDir(), "p.tagdesk")
	if code, _, errs := c.run("", "import", "--project", project, filepath.Join("annotations", "formats", "testdata", "corpus.jsonl")); code != 0 {
		t.Fatal(errs)
	}
	code, _, errs := c.run("", "export", "--project", project, "--format", "hf", "-o", os.DevNull)
	if code != 0 || !strings.Contains(errs, "over the tags O, B-actor") {
		t.Errorf("export to %s: code %d, stderr %q", os.DevNull, code, errs)
	}
	if _, err := os.Stat(os.DevNull + ".tags.json"); err == nil {
		os.Remove(os.DevNull + ".tags.json")
		t.Errorf("wrote a tag list beside %s", os.DevNull)
	}
}
