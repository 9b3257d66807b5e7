package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// backupProject makes a project with accented and emoji text, two annotators' spans and a status.
func backupProject(t *testing.T, c *cli) (dir, project string) {
	t.Helper()
	dir = t.TempDir()
	project = filepath.Join(dir, "war.tagdesk")
	in := writeFile(t, filepath.Join(dir, "in.jsonl"),
		`{"id": "d1", "text": "Selon Kyiv, 40 drones ont été abattus 🇺🇦.", "spans": [{"start": 6, "end": 10, "label": "actor", "annotator": "alice"}, {"start": 12, "end": 21, "label": "figure", "annotator": "bob", "note": "près"}]}`+"\n"+
			`{"id": "d2", "text": "Moscou dément.", "status": {"alice": "done"}, "spans": [{"start": 0, "end": 6, "label": "actor", "annotator": "alice"}]}`+"\n")
	if code, _, errs := c.run("", "import", "--project", project, in); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	return dir, project
}

func exportAll(t *testing.T, c *cli, project string) string {
	t.Helper()
	code, out, errs := c.run("", "export", "--project", project, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	return out
}

// TestCLIBackupRestore backs a project up, changes it, restores the backup and compares the JSONL
// exports; it also restores what the project held before the restore, and lists the backups.
func TestCLIBackupRestore(t *testing.T) {
	c := newCLI(t)
	dir, project := backupProject(t, c)
	// the first import into the existing project backs it up: it has no backup yet
	c.run("", "import", "--project", project, writeFile(t, filepath.Join(dir, "a.txt"), "Kharkiv, 3 mars."))
	want := exportAll(t, c, project)
	backup := filepath.Join(dir, "saved.tagdesk")
	code, out, errs := c.run("", "backup", "--project", project, "--to", backup)
	if code != 0 || !strings.HasPrefix(out, "Backed up "+project+" to "+backup+" (") {
		t.Fatalf("backup --to: %d %q %s", code, out, errs)
	}
	if code, out, errs = c.run("", "backup", "--project", project); code != 0 || !strings.Contains(out, filepath.Join(dir, "war.tagdesk-backups", "war.tagdesk.")) {
		t.Fatalf("backup: %d %q %s", code, out, errs)
	}
	c.run("", "import", "--project", project, writeFile(t, filepath.Join(dir, "more.txt"), "Un autre article."))
	changed := exportAll(t, c, project)
	if changed == want {
		t.Fatal("the second import changed nothing")
	}

	code, out, errs = c.run("", "restore", "--project", project, backup)
	if code != 0 || errs != "" {
		t.Fatalf("restore: %d %q %s", code, out, errs)
	}
	if got := exportAll(t, c, project); got != want {
		t.Errorf("after restore the export is\n%s\nwant\n%s", got, want)
	}
	saved := regexp.MustCompile(`What it held before is in (.*)\.\n`).FindStringSubmatch(out)
	if saved == nil {
		t.Fatalf("restore said %q", out)
	}
	if code, _, errs := c.run("", "restore", "--project", project, saved[1]); code != 0 {
		t.Fatalf("restore of the before-restore backup: %s", errs)
	}
	if got := exportAll(t, c, project); got != changed {
		t.Errorf("after undoing the restore the export is\n%s\nwant\n%s", got, changed)
	}

	code, out, _ = c.run("", "backup", "--project", project, "--list")
	for _, kind := range []string{"on open", "tagdesk backup", "before restore"} {
		if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  ` + kind + ` +[\d.]+ kB  ` + regexp.QuoteMeta(filepath.Join(dir, "war.tagdesk-backups")) + `/war\.tagdesk\.\S+\.tagdesk$`).MatchString(out) {
			t.Errorf("backup --list has no %q backup:\n%s", kind, out)
		}
	}
	// the import of more.txt took no backup on open: the newest backup was not an hour old
	if code != 0 || strings.Count(out, "\n") != 4 {
		t.Errorf("backup --list: %d\n%s", code, out)
	}
}

func TestCLIRestoreRefuses(t *testing.T) {
	c := newCLI(t)
	dir, project := backupProject(t, c)
	want := exportAll(t, c, project)
	text := writeFile(t, filepath.Join(dir, "notes.txt"), "not a project")
	code, _, errs := c.run("", "restore", "--project", project, text)
	if code != 1 || errs != "tagdesk: "+text+" is not a Tagdesk project (it is not a SQLite database).\n" {
		t.Errorf("restore of a text file: %d %q", code, errs)
	}
	if code, _, errs := c.run("", "restore", "--project", project); code != 2 || !strings.Contains(errs, "give the one backup file to restore") {
		t.Errorf("restore without a file: %d %q", code, errs)
	}
	if got := exportAll(t, c, project); got != want {
		t.Errorf("a refused restore changed the project:\n%s", got)
	}
}

// TestCLICheckDamaged damages a project and checks that tagdesk check says what to do: without a
// backup, that there is none; with one, which backup to restore and how, by hand when the project no
// longer opens, else with the tagdesk restore command it gives, which repairs the project.
func TestCLICheckDamaged(t *testing.T) {
	c := newCLI(t)
	_, project := backupProject(t, c)
	want := exportAll(t, c, project)
	good := must(os.ReadFile(project))
	// damage spoils every page but the first, which holds the schema: the project no longer opens
	damage := func() {
		b := append([]byte(nil), good...)
		for i := 4096; i < len(b); i++ {
			b[i] = 0xff
		}
		if err := os.WriteFile(project, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// tamper changes a text in place: the project opens, and its text no longer matches its hash
	tamper := func() {
		b := []byte(strings.ReplaceAll(string(good), "Moscou dément.", "Moscou dément!"))
		if string(b) == string(good) {
			t.Fatal("the text to change is not in the file")
		}
		if err := os.WriteFile(project, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	damage()
	code, _, errs := c.run("", "check", "--project", project)
	if code != 1 || !strings.Contains(errs, "damaged") || !strings.Contains(errs, "There is no backup in "+project+"-backups") {
		t.Errorf("check of a damaged project without backups: %d %q", code, errs)
	}
	os.WriteFile(project, good, 0o644)
	code, out, errs := c.run("", "backup", "--project", project)
	if code != 0 {
		t.Fatal(errs)
	}
	backup := strings.Fields(out)[4]
	damage()
	code, _, errs = c.run("", "check", "--project", project)
	if code != 1 || !strings.Contains(errs, "by hand: move the damaged file and its -wal and -shm files aside, then copy "+backup+" to "+project+".") {
		t.Errorf("check of a project that no longer opens: %d %q", code, errs)
	}
	tamper()
	code, out, errs = c.run("", "check", "--project", project)
	m := regexp.MustCompile(`run: tagdesk restore --project (\S+) (\S+)\n`).FindStringSubmatch(errs)
	if code != 1 || !strings.Contains(out, "problem: document 2: its text does not match its hash") || m == nil || m[1] != project || m[2] != backup {
		t.Fatalf("check of a damaged project: %d %q %q; want the restore of %s", code, out, errs, backup)
	}
	if code, _, errs := c.run("", "restore", "--project", m[1], m[2]); code != 0 {
		t.Fatalf("the restore check advised: %s", errs)
	}
	if code, out, _ := c.run("", "check", "--project", project); code != 0 || !strings.HasSuffix(out, "ok\n") {
		t.Errorf("check after the restore: %d %q", code, out)
	}
	if got := exportAll(t, c, project); got != want {
		t.Errorf("after the restore the export is\n%s\nwant\n%s", got, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCLIExportRefusesProjectFiles tries the project file and its write-ahead log under other
// spellings: relative, with dots, through a link.
func TestCLIExportRefusesProjectFiles(t *testing.T) {
	c := newCLI(t)
	dir, project := backupProject(t, c)
	t.Chdir(dir)
	if err := os.Symlink(project, filepath.Join(dir, "link.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := must(os.ReadFile(project))
	tests := map[string]struct{ path, want string }{
		"relative":          {"war.tagdesk", "Refusing to export over the project file war.tagdesk itself."},
		"with dots":         {"sub/../war.tagdesk", "Refusing to export over the project file sub/../war.tagdesk itself."},
		"a link to it":      {"link.jsonl", "Refusing to export over the project file link.jsonl itself."},
		"its WAL":           {"war.tagdesk-wal", "Refusing to export over war.tagdesk-wal: it is the project's write-ahead log."},
		"its shared memory": {filepath.Join(dir, "sub", "..", "war.tagdesk-shm"), "Refusing to export over " + filepath.Join(dir, "sub", "..", "war.tagdesk-shm") + ": it is the project's shared-memory file."},
		"its journal":       {"./war.tagdesk-journal", "Refusing to export over ./war.tagdesk-journal: it is the project's journal."},
	}
	for name, tt := range tests {
		for _, format := range []string{"jsonl", "brat"} {
			path := tt.path
			code, _, errs := c.run("", "export", "--project", project, "--format", format, "-o", path)
			if code != 1 || errs != "tagdesk: "+tt.want+"\n" {
				t.Errorf("%s, %s: export -o %s: %d %q, want %q", name, format, path, code, errs, tt.want)
			}
		}
	}
	if after := must(os.ReadFile(project)); string(after) != string(before) {
		t.Error("a refused export changed the project file")
	}
	if fi, err := os.Lstat("link.jsonl"); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
}
