package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/tagdesk/tagdesk/annotations"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs tagdesk in-process with the given environment variables.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	// keep the default project inside the test
	return &cli{t: t, env: map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "HOME": t.TempDir()}}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(c.newEnv(stdin, &out, &errb), args)
	return code, out.String(), errb.String()
}

// newEnv returns the env tagdesk runs in, with c's environment variables.
func (c *cli) newEnv(stdin string, stdout, stderr io.Writer) *env {
	for k, v := range c.env {
		c.t.Setenv(k, v) // os.UserConfigDir reads the real environment
	}
	return &env{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: stdout, stderr: stderr,
		getenv: func(k string) string { return c.env[k] }}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLIImportExport(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "war.tagdesk")
	in := writeFile(t, filepath.Join(dir, "in.jsonl"),
		`{"id": "d1", "text": "Selon Kyiv, 40 drones ont été abattus.", "spans": [{"start": 6, "end": 10, "label": "actor", "text": "Kyiv"}, {"start": 12, "end": 21, "label": "figure"}]}`+"\n")
	code, out, errs := c.run("", "import", "--project", project, "--annotator", "alice", in)
	if code != 0 || errs != "" {
		t.Fatalf("import: code %d, stderr %q", code, errs)
	}
	if want := "Imported 1 record: 1 document added, 0 documents already present; 2 spans added, 0 spans already present.\nNew annotators: alice\n"; out != want {
		t.Errorf("import said %q, want %q", out, want)
	}
	// flags may come after the arguments too, and --json reports for scripts
	code, out, _ = c.run("", "import", in, "--project", project, "--annotator", "alice", "--json")
	var rep struct {
		Added   int `json:"documents_added"`
		Present int `json:"documents_present"`
		Spans   int `json:"spans_present"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Added != 0 || rep.Present != 1 || rep.Spans != 2 {
		t.Errorf("second import: code %d, %q", code, out)
	}

	code, out, _ = c.run("", "export", "--project", project, "--format", "csv")
	want := "document_id,document_name,annotator,label,start,end,text,note,attributes\r\n" +
		"d1,d1,alice,actor,6,10,Kyiv,,\r\nd1,d1,alice,figure,12,21,40 drones,,\"{\"\"unit\"\":\"\"equipment\"\",\"\"value\"\":40}\"\r\n"
	if code != 0 || out != want {
		t.Errorf("export csv: code %d\n%q\nwant\n%q", code, out, want)
	}
	csvPath := filepath.Join(dir, "out.csv")
	if code, _, errs = c.run("", "export", "--project", project, "-o", csvPath); code != 0 {
		t.Fatalf("export -o: %d %s", code, errs)
	}
	if b, _ := os.ReadFile(csvPath); string(b) != want {
		t.Errorf("-o out.csv (format from the extension) wrote %q", b)
	}
	code, out, _ = c.run("", "export", "--project", project, "--annotator", "alice", "--status", "done")
	if code != 0 || out != "" {
		t.Errorf("export of done documents when none is done: %d %q", code, out)
	}

	code, out, _ = c.run("", "stats", "--project", project, "--json")
	var st struct {
		Documents int `json:"documents"`
		Spans     int `json:"spans"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Documents != 1 || st.Spans != 2 {
		t.Errorf("stats --json: %d %q", code, out)
	}
	code, out, _ = c.run("", "check", "--project", project)
	if code != 0 || !strings.HasSuffix(out, "ok\n") || !strings.Contains(out, fmt.Sprintf("schema version %d (this Tagdesk writes %d)", annotations.SchemaVersion, annotations.SchemaVersion)) {
		t.Errorf("check: %d %q", code, out)
	}
}

func TestCLIErrors(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	bad := writeFile(t, filepath.Join(dir, "bad.jsonl"), "{\"text\": \"abc\"}\n{\"text\": 3}\n{\"text\": \"x\", \"spans\": [{\"start\": 5, \"end\": 1, \"label\": \"actor\", \"annotator\": \"a\"}]}\n")
	one := writeFile(t, filepath.Join(dir, "one.jsonl"), "{\"nope\": 1}\n")
	// the project exists, with one document and no annotators, before each case runs
	if code, _, errs := c.run("", "import", "--project", project, writeFile(t, filepath.Join(dir, "first.txt"), "Kyiv")); code != 0 {
		t.Fatal(errs)
	}
	tests := map[string]struct {
		args     []string
		code     int
		stderr   string // exactly, with dir replaced by DIR
		noStdout bool
	}{
		"unknown command":   {[]string{"frobnicate"}, 2, "tagdesk: unknown command \"frobnicate\"\nRun 'tagdesk --help' for usage.\n", true},
		"unknown flag":      {[]string{"export", "--bogus"}, 2, "tagdesk export: unknown flag: --bogus\nRun 'tagdesk export --help' for usage.\n", true},
		"import nothing":    {[]string{"import", "--project", project}, 2, "tagdesk import: give at least one file or folder to import\nRun 'tagdesk import --help' for usage.\n", true},
		"bad format":        {[]string{"export", "--project", project, "--format", "xml"}, 2, "tagdesk export: unknown format \"xml\" (use csv, jsonl, doccano, spacy, prodigy, labelstudio, brat, conll, hf)\nRun 'tagdesk export --help' for usage.\n", true},
		"bad status":        {[]string{"export", "--project", project, "--status", "finished"}, 2, "tagdesk export: unknown status \"finished\" (use done, in_progress or new)\nRun 'tagdesk export --help' for usage.\n", true},
		"bad offsets":       {[]string{"export", "--project", project, "--offsets", "bytes"}, 2, "tagdesk export: unknown offset unit \"bytes\" (use codepoints or utf16)\nRun 'tagdesk export --help' for usage.\n", true},
		"utf16 for csv":     {[]string{"export", "--project", project, "--format", "csv", "--offsets", "utf16"}, 2, "tagdesk export: utf16 offsets apply only to the JSON formats (jsonl, doccano, spacy, prodigy, labelstudio); csv has none or counts code points by definition\nRun 'tagdesk export --help' for usage.\n", true},
		"labels for jsonl":  {[]string{"export", "--project", project, "--labels", "actor"}, 2, "tagdesk export: choosing labels and a rule for nested spans applies only to conll and hf\nRun 'tagdesk export --help' for usage.\n", true},
		"unknown label":     {[]string{"export", "--project", project, "--format", "conll", "--labels", "actor,person"}, 2, "tagdesk export: the project has no label \"person\" (its labels: actor, figure, weapon, claim)\nRun 'tagdesk export --help' for usage.\n", true},
		"bad nested rule":   {[]string{"export", "--project", project, "--format", "hf", "--nested", "flat"}, 2, "tagdesk export: unknown rule for nested spans \"flat\" (use outer, inner, columns)\nRun 'tagdesk export --help' for usage.\n", true},
		"doccano form":      {[]string{"export", "--project", project, "--format", "doccano", "--doccano-form", "spans"}, 2, "tagdesk export: unknown doccano form \"spans\" (use label or entities)\nRun 'tagdesk export --help' for usage.\n", true},
		"form for jsonl":    {[]string{"export", "--project", project, "--doccano-form", "entities"}, 2, "tagdesk export: choosing the doccano form applies only to doccano\nRun 'tagdesk export --help' for usage.\n", true},
		"brat to stdout":    {[]string{"export", "--project", project, "--format", "brat"}, 2, "tagdesk export: brat writes a folder or a zip: give -o DIR or -o FILE.zip\nRun 'tagdesk export --help' for usage.\n", true},
		"brat from stdin":   {[]string{"import", "--project", project, "--format", "brat", "-"}, 2, "tagdesk import: brat is read from a folder, a .zip or .ann files, not from standard input\nRun 'tagdesk import --help' for usage.\n", true},
		"missing project":   {[]string{"stats", "--project", filepath.Join(dir, "none.tagdesk")}, 1, "tagdesk: There is no project at DIR/none.tagdesk (tagdesk import creates one).\n", true},
		"not a project":     {[]string{"stats", "--project", bad}, 1, "tagdesk: DIR/bad.jsonl is not a Tagdesk project (it is not a SQLite database).\n", true},
		"import problems":   {[]string{"import", "--project", project, bad}, 1, "DIR/bad.jsonl:2: \"text\" should be a string, not a JSON number\nDIR/bad.jsonl:3: span 1 (\"actor\"): end 1 is before start 5\ntagdesk: 2 problems found; nothing was imported and the project is unchanged.\n", true},
		"one problem":       {[]string{"import", "--project", project, one}, 1, "tagdesk: DIR/one.jsonl:1: unknown field \"nope\"; nothing was imported.\n", true},
		"unknown annotator": {[]string{"export", "--project", project, "--annotator", "zed"}, 1, "tagdesk: There is no annotator named \"zed\": this project has no annotators yet.\n", true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errs := c.run("", tt.args...)
			errs = strings.ReplaceAll(errs, dir, "DIR")
			if code != tt.code || errs != tt.stderr {
				t.Errorf("code %d, stderr:\n%s\nwant code %d, stderr:\n%s", code, errs, tt.code, tt.stderr)
			}
			if tt.noStdout && out != "" {
				t.Errorf("stdout %q", out)
			}
		})
	}
	// the failed imports left the project as it was
	if _, out, _ := c.run("", "stats", "--project", project, "--json"); !strings.Contains(out, `"documents": 1,`) {
		t.Errorf("after failed imports: %s", out)
	}
}

func TestCLIHelp(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		code, out, _ := c.run("", args...)
		if code != 0 || !strings.Contains(out, "Commands:\n  import          add documents and spans from files\n  export          write") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
	for _, cmd := range []string{"import", "export", "stats", "check", "labels", "relation-types"} {
		for _, args := range [][]string{{cmd, "--help"}, {"help", cmd}} {
			code, out, _ := c.run("", args...)
			if code != 0 || !strings.HasPrefix(out, "Usage: tagdesk "+cmd) || !strings.Contains(out, "--project FILE") {
				t.Errorf("%v: %d %q", args, code, out)
			}
		}
	}
	if code, out, _ := c.run("", "--version"); code != 0 || out != "tagdesk "+version+"\n" {
		t.Errorf("--version: %d %q", code, out)
	}
}

func TestCLIProjectResolution(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	txt := writeFile(t, filepath.Join(dir, "a.txt"), "Marioupol")

	// no --project, no $TAGDESK_PROJECT: the default project, created on first use
	code, out, errs := c.run("", "stats")
	if code != 0 {
		t.Fatalf("stats on the default project: %d %s", code, errs)
	}
	def := filepath.Join(c.env["XDG_CONFIG_HOME"], "tagdesk", "default.tagdesk")
	if !strings.HasPrefix(out, def+"\n") {
		t.Errorf("stats did not use %s: %q", def, out)
	}
	// $TAGDESK_PROJECT
	envProject := filepath.Join(dir, "env.tagdesk")
	c.env["TAGDESK_PROJECT"] = envProject
	if code, _, errs := c.run("", "import", txt); code != 0 {
		t.Fatalf("import with $TAGDESK_PROJECT: %s", errs)
	}
	if _, err := os.Stat(envProject); err != nil {
		t.Errorf("$TAGDESK_PROJECT was not used: %v", err)
	}
	// --project wins over the environment, before or after the command name
	flagProject := filepath.Join(dir, "flag.tagdesk")
	if code, _, errs := c.run("", "--project", flagProject, "import", txt); code != 0 {
		t.Fatalf("--project before the command: %s", errs)
	}
	if _, out, _ := c.run("", "stats", "--project", flagProject, "--json"); !strings.Contains(out, `"documents": 1`) {
		t.Errorf("--project before the command was not used: %s", out)
	}
}

func TestCLIExportIsAtomic(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	txt := writeFile(t, filepath.Join(dir, "a.txt"), "text")
	c.run("", "import", "--project", project, txt)

	existing := writeFile(t, filepath.Join(dir, "keep.jsonl"), "previous export\n")
	code, _, errs := c.run("", "export", "--project", project, "--annotator", "nobody", "-o", existing)
	if code != 1 || !strings.Contains(errs, "no annotator named") {
		t.Fatalf("export with an error: %d %s", code, errs)
	}
	if b, _ := os.ReadFile(existing); string(b) != "previous export\n" {
		t.Errorf("a failed export overwrote the file: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left a temporary file %s", e.Name())
		}
	}
	if code, _, errs := c.run("", "export", "--project", project, "-o", dir); code != 1 || !strings.Contains(errs, "is a folder") {
		t.Errorf("export -o a folder: %d %s", code, errs)
	}
	code, _, errs = c.run("", "export", "--project", project, "-o", project)
	if code != 1 || !strings.Contains(errs, "Refusing to export over the project file") {
		t.Errorf("export over the project: %d %s", code, errs)
	}
	if code, out, _ := c.run("", "check", "--project", project); code != 0 || !strings.HasSuffix(out, "ok\n") {
		t.Errorf("the project after the refused export: %d %s", code, out)
	}
}

// TestNoStartupNoise runs the real binary's start-up (this test binary, which links Fyne) under the
// C.UTF-8 locale of CI machines: nothing may be printed before the command's own output.
func TestNoStartupNoise(t *testing.T) {
	if os.Getenv("TAGDESK_HELPER") == "1" {
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoStartupNoise$")
	cmd.Env = append(os.Environ(), "TAGDESK_HELPER=1", "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if stderr.Len() > 0 {
		t.Errorf("start-up printed:\n%s", stderr.String())
	}
}

func TestCLILabels(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	txt := writeFile(t, filepath.Join(dir, "in.jsonl"), `{"text": "Wagner", "spans": [{"start": 0, "end": 6, "label": "actor", "annotator": "a"}]}`+"\n")
	c.run("", "import", "--project", project, txt)
	attrs := writeFile(t, filepath.Join(dir, "attrs.json"), `[{"name": "side", "type": "choice", "values": ["ua", "ru"], "cues": {"ua": ["ukrainien"]}}]`)
	badAttrs := writeFile(t, filepath.Join(dir, "bad.json"), `[{"name": "side", "type": "choice"}]`)

	steps := []struct {
		args   []string
		code   int
		output string // stdout, or stderr when code is not 0
	}{
		{[]string{"add", "place", "--hotkey", "p", "--guideline", "A town."}, 0, "Added label \"place\" (#56B4E9) at position 5.\n"},
		{[]string{"edit", "actor", "--rename", "acteur", "--color", "#112233", "--hotkey", ""}, 0, "Changed label \"acteur\".\n"},
		{[]string{"move", "place", "1"}, 0, "Moved label \"place\".\n"},
		{[]string{"edit", "acteur", "--attributes", attrs}, 0, "Changed label \"acteur\".\n"},
		{[]string{"edit", "place", "--attributes", badAttrs}, 1, "tagdesk: The choice attribute \"side\" of label \"place\" needs at least one value.\n"},
		{[]string{"edit", "claim", "--attributes", "-"}, 0, "Changed label \"claim\".\n"}, // [] from standard input
		{[]string{"remove", "figure"}, 0, "Removed label \"figure\".\n"},
		{[]string{"remove", "acteur"}, 1, "tagdesk: The label \"acteur\" is used by 1 spans; relabel or delete them first.\n"},
		{[]string{"edit", "nope"}, 1, "tagdesk: There is no label named \"nope\" (the labels are: place, acteur, weapon, claim).\n"},
		{[]string{"add", "x", "--rename", "y"}, 2, "tagdesk labels: --rename does not go with add\nRun 'tagdesk labels --help' for usage.\n"},
		{[]string{"add", "w2", "--hotkey", "w"}, 1, "tagdesk: The hotkey \"w\" is already used by label \"weapon\".\n"},
		{[]string{"move", "place", "first"}, 2, "tagdesk labels: the position \"first\" is not a number from 1\nRun 'tagdesk labels --help' for usage.\n"},
		{[]string{"frob"}, 2, "tagdesk labels: unknown action \"frob\" (use add, edit, move, remove or defaults)\nRun 'tagdesk labels --help' for usage.\n"},
		{nil, 0, "#  name    colour   hotkey  attributes  guideline\n1  place   #56B4E9  p                   A town.\n" +
			"2  acteur  #112233          side        A person, group, organisation, state or armed force that ac…\n" +
			"3  weapon  #CC79A7  w                   A weapon, weapon system, vehicle of war or munition, named …\n" +
			"4  claim   #009E73  c                   A statement the article attributes to a source and does not…\n"},
	}
	for _, s := range steps {
		code, out, errs := c.run("[]", append([]string{"labels", "--project", project}, s.args...)...)
		got := out
		if code != 0 {
			got = errs
		}
		if code != s.code || got != s.output {
			t.Errorf("labels %v: code %d, %q; want %d, %q", s.args, code, got, s.code, s.output)
		}
	}
	_, out, _ := c.run("", "labels", "--project", project, "--json")
	var listed []struct {
		Name       string
		Attributes []annotations.Attribute
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed) != 4 || len(listed[1].Attributes) != 1 ||
		listed[1].Attributes[0].Cues["ua"][0] != "ukrainien" || listed[3].Attributes == nil || len(listed[3].Attributes) != 0 {
		t.Errorf("labels --json: %v\n%s", err, out)
	}
	// the span followed its label through the rename
	if _, out, _ := c.run("", "export", "--project", project, "--format", "csv"); !strings.Contains(out, ",acteur,0,6,Wagner,") {
		t.Errorf("export after the rename: %q", out)
	}
	// defaults gives claim, which defines none now, the default attributes; figure is gone and
	// acteur is no label of the default set
	for _, want := range []string{"Gave the default attributes to claim.\n",
		"No label was changed: the labels of the default set that the project has already define attributes.\n"} {
		if code, out, errs := c.run("", "labels", "--project", project, "defaults"); code != 0 || out != want {
			t.Errorf("labels defaults: %d %q %q, want %q", code, out, errs, want)
		}
	}
	if _, out, _ := c.run("", "labels", "--project", project); !strings.Contains(out, "claim   #009E73  c       stance") {
		t.Errorf("labels after defaults:\n%s", out)
	}
}

func TestCLIFailedImportLeavesNoProject(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good.txt"), "Kyiv")
	for name, args := range map[string][]string{
		"missing input": {"import", "--project", filepath.Join(dir, "a.tagdesk"), filepath.Join(dir, "nothing.txt")},
		"bad input":     {"import", "--project", filepath.Join(dir, "b.tagdesk"), writeFile(t, filepath.Join(dir, "bad.txt"), "\xff")},
		"dry run":       {"import", "--dry-run", "--project", filepath.Join(dir, "c.tagdesk"), good},
	} {
		code, out, errs := c.run("", args...)
		if name == "dry run" && (code != 0 || !strings.HasPrefix(out, "Checked (dry run, nothing changed) 1 record: 1 document added")) {
			t.Errorf("%s: %d %q %q", name, code, out, errs)
		}
		project := args[len(args)-2]
		// the project, its journals, and the hidden temporary project it was built in
		if matches, _ := filepath.Glob(filepath.Join(dir, "*"+filepath.Base(project)+"*")); len(matches) > 0 {
			t.Errorf("%s left %v behind", name, matches)
		}
	}
	// a successful import into a new project leaves the project and nothing else
	project := filepath.Join(dir, "d.tagdesk")
	if code, _, errs := c.run("", "import", "--project", project, good); code != 0 {
		t.Fatal(errs)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "bad.txt d.tagdesk good.txt" {
		t.Errorf("the folder holds %s", got)
	}
	if code, out, _ := c.run("", "check", "--project", project); code != 0 || !strings.HasSuffix(out, "ok\n") {
		t.Errorf("check of the new project: %d %s", code, out)
	}
}

func TestCLIGlobalAnnotator(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	in := writeFile(t, filepath.Join(dir, "in.jsonl"), `{"text": "Kyiv", "spans": [{"start": 0, "end": 4, "label": "actor"}]}`+"\n")
	if code, _, errs := c.run("", "--annotator", "alice", "import", "--project", project, in); code != 0 {
		t.Fatalf("--annotator before import: %s", errs)
	}
	if _, out, _ := c.run("", "export", "--project", project, "--format", "csv"); !strings.Contains(out, ",alice,actor,0,4,Kyiv,") {
		t.Errorf("the span's annotator: %q", out)
	}
	// before the command name, --annotator is "annotate as": it filters no export and troubles no stats
	if _, out, _ := c.run("", "--annotator", "bob", "export", "--project", project, "--format", "csv"); !strings.Contains(out, ",alice,actor,") {
		t.Errorf("--annotator bob before export dropped alice's spans: %q", out)
	}
	if code, _, errs := c.run("", "--annotator", "bob", "stats", "--project", project); code != 0 {
		t.Errorf("--annotator before stats: %d %s", code, errs)
	}
	// names with commas are names: --annotator repeats, it does not split
	if code, _, errs := c.run("", "export", "--project", project, "--annotator", "alice,bob"); code != 1 || !strings.Contains(errs, `no annotator named "alice,bob"`) {
		t.Errorf("--annotator alice,bob: %d %s", code, errs)
	}
}

func TestCLIRelationTypes(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "p.tagdesk")
	in := writeFile(t, filepath.Join(dir, "in.jsonl"), `{"text": "Kyiv said so", "spans": [`+
		`{"start": 0, "end": 4, "label": "actor", "annotator": "a"}, {"start": 5, "end": 12, "label": "claim", "annotator": "a"}],`+
		`"relations": [{"from": 1, "to": 0, "type": "attributed_to"}]}`+"\n")
	if code, _, errs := c.run("", "import", "--project", project, in); code != 0 {
		t.Fatal(errs)
	}
	steps := []struct {
		args   []string
		code   int
		output string // stdout, or stderr when code is not 0
	}{
		{[]string{"--add", "cites", "--color", "#112233"}, 0, "Added relation type \"cites\" (#112233).\n"},
		{[]string{"--add", "cites"}, 1, "tagdesk: There is already a relation type named \"cites\".\n"},
		{[]string{"--rename", "cites", "quotes"}, 0, "Changed relation type \"quotes\".\n"},
		{[]string{"--rename", "quotes", "--color", "#445566"}, 0, "Changed relation type \"quotes\".\n"},
		{[]string{"--rename", "quotes"}, 2, "tagdesk relation-types: --rename OLD takes the new name after it\nRun 'tagdesk relation-types --help' for usage.\n"},
		{[]string{"--delete", "attributed_to"}, 1, "tagdesk: The relation type \"attributed_to\" is used by 1 relation; delete them first.\n"},
		{[]string{"--delete", "nope"}, 1, "tagdesk: There is no relation type named \"nope\" (the relation types are: attributed_to, quotes).\n"},
		{[]string{"--add", "x", "--delete", "y"}, 2, "tagdesk relation-types: --add and --delete do not go together\nRun 'tagdesk relation-types --help' for usage.\n"},
		{[]string{"--color", "#000000"}, 2, "tagdesk relation-types: --color goes with --add or --rename\nRun 'tagdesk relation-types --help' for usage.\n"},
		{nil, 0, "name           colour   relations\nattributed_to  #555555  1\nquotes         #445566  0\n"},
		{[]string{"--delete", "quotes"}, 0, "Deleted relation type \"quotes\".\n"},
	}
	for _, s := range steps {
		code, out, errs := c.run("", append([]string{"relation-types", "--project", project}, s.args...)...)
		got := out
		if code != 0 {
			got = errs
		}
		if code != s.code || got != s.output {
			t.Errorf("relation-types %v: code %d, %q; want %d, %q", s.args, code, got, s.code, s.output)
		}
	}
	if _, out, _ := c.run("", "stats", "--project", project); !strings.Contains(out, "1 document, 2 spans, 1 relation, 1 annotator\n") {
		t.Errorf("stats: %q", out)
	}
}
