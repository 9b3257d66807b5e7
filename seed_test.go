package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/assets"
)

// openGUI opens the project the app would open with --project flag, without the window, and returns
// its documents and what was printed on standard error. The project is closed again.
func (c *cli) openGUI(flag string) (docs []annotations.DocumentEntry, stderr string) {
	c.t.Helper()
	var errb bytes.Buffer
	e := c.newEnv("", &errb, &errb)
	p, err := openGUIProject(e, flag)
	if err != nil {
		c.t.Fatalf("openGUIProject(%q): %v", flag, err)
	}
	defer p.Close()
	docs, err = p.ListDocuments(e.ctx, annotations.DocumentQuery{Limit: 100})
	if err != nil {
		c.t.Fatal(err)
	}
	return docs, errb.String()
}

func TestSamplesSeedNewDefaultProject(t *testing.T) {
	c := newCLI(t)
	docs, stderr := c.openGUI("")
	if stderr != "" {
		t.Errorf("opening printed %q", stderr)
	}
	ss := assets.Samples()
	if len(docs) != len(ss) || len(docs) != 5 {
		t.Fatalf("new default project has %d documents, want the %d samples", len(docs), len(ss))
	}
	for i, d := range docs {
		if d.Name != ss[i].Name || d.Spans != 0 {
			t.Errorf("document %d is %q with %d spans, want %q with none", i, d.Name, d.Spans, ss[i].Name)
		}
	}
	// the import pipeline kept the texts as they are
	p, err := annotations.Open(context.Background(), filepath.Join(c.env["XDG_CONFIG_HOME"], "tagdesk", "default.tagdesk"), annotations.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		if text, err := p.Text(context.Background(), d.ID); err != nil || text != ss[i].Text {
			t.Errorf("%s: text changed on import (%v)", d.Name, err)
		}
	}
	p.Close()

	if docs, _ := c.openGUI(""); len(docs) != 5 {
		t.Errorf("opening the default project again left %d documents, want 5", len(docs))
	}
	if code, out, _ := c.run("", "stats", "--json"); code != 0 || !strings.Contains(out, `"documents": 5`) {
		t.Errorf("stats on the seeded default project: %d %s", code, out)
	}
}

func TestSamplesOnlyInNewDefaultProject(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]struct {
		flag, envProject string
		before           []string // a command run first
	}{
		"--project":                 {flag: filepath.Join(dir, "flag.tagdesk")},
		"$TAGDESK_PROJECT":          {envProject: filepath.Join(dir, "env.tagdesk")},
		"default made by a command": {before: []string{"stats"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t)
			if tt.envProject != "" {
				c.env["TAGDESK_PROJECT"] = tt.envProject
			}
			if tt.before != nil {
				if code, _, errs := c.run("", tt.before...); code != 0 {
					t.Fatal(errs)
				}
			}
			if docs, stderr := c.openGUI(tt.flag); len(docs) != 0 || stderr != "" {
				t.Errorf("%d documents, stderr %q; want none", len(docs), stderr)
			}
		})
	}
}

func TestSamplesFailureStillOpens(t *testing.T) {
	defer func(f func() []assets.Sample) { samples = f }(samples)
	samples = func() []assets.Sample {
		return []assets.Sample{{Name: "good.txt", Text: "Valmont"}, {Name: "bad.txt", Text: "a\x00b"}}
	}
	c := newCLI(t)
	docs, stderr := c.openGUI("")
	if len(docs) != 0 || !strings.Contains(stderr, "the sample articles were not added") || !strings.Contains(stderr, "bad.txt") {
		t.Errorf("with a bad sample: %d documents, stderr %q; want none and the problem", len(docs), stderr)
	}
}
