package annotations

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// backupFixture is a project with documents, spans of two annotators, a status and a review.
func backupFixture(t *testing.T) *Project {
	t.Helper()
	p := exportFixture(t)
	ctx := context.Background()
	if err := p.SetStatus(ctx, 2, "alice", StatusInProgress); err != nil {
		t.Fatal(err)
	}
	return p
}

// backupFiles lists the names in the backup folder of p, temporary files included.
func backupFiles(t *testing.T, p *Project) []string {
	t.Helper()
	entries, err := os.ReadDir(BackupFolder(p.Path()))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBackupThenRestore(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	want := projectContent(t, p)
	dest := filepath.Join(t.TempDir(), "copy"+Extension)
	if err := os.WriteFile(dest, []byte("an older copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("the backup folder holds %d files, want the backup alone", len(entries))
	}

	other := mustOpen(t)
	mustAddDocument(t, other, "z", "Something else entirely.")
	before := projectContent(t, other)
	saved, err := other.Restore(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	if got := projectContent(t, other); got != want {
		t.Errorf("after restore:\n%s\nwant\n%s", got, want)
	}
	if rep, err := other.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("Check after restore: %v %v", rep.Problems, err)
	}
	// what the project held before is in the before-restore backup, which restores in turn
	if backups, _ := ListBackups(other.Path()); len(backups) != 1 || backups[0].Path != saved || backups[0].Kind != BackupBeforeRestore {
		t.Fatalf("backups after restore: %+v, want %s", backups, saved)
	}
	if _, err := other.Restore(ctx, saved); err != nil {
		t.Fatal(err)
	}
	if got := projectContent(t, other); got != before {
		t.Errorf("after restoring the before-restore backup:\n%s\nwant\n%s", got, before)
	}
	// edits go on after a restore, and a reopened project holds the restored content
	mustAddDocument(t, other, "y", "Written after the restore.")
	path := other.Path()
	other.Close()
	again := mustOpenAt(t, path)
	if got := projectContent(t, again); !strings.Contains(got, "Something else entirely.") || !strings.Contains(got, "Written after the restore.") {
		t.Errorf("reopened after restore:\n%s", got)
	}
}

// TestRestoreOlderSchema restores a backup of schema 1 and checks that it is migrated.
func TestRestoreOlderSchema(t *testing.T) {
	p := mustOpen(t)
	if _, err := p.Restore(context.Background(), copyFixture(t, 1)); err != nil {
		t.Fatal(err)
	}
	if got, want := projectContent(t, p), fixtureContent(1); got != want {
		t.Errorf("after restoring a schema 1 backup:\n%s\nwant\n%s", got, want)
	}
	var version int
	if err := p.ro.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion {
		t.Errorf("user_version %d (%v) after restore, want %d", version, err, SchemaVersion)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	good := filepath.Join(t.TempDir(), "good"+Extension)
	if err := backupFixture(t).Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	// variant copies the good backup and runs change on the copy.
	variant := func(t *testing.T, change func(path string)) string {
		b, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "b"+Extension)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		change(path)
		return path
	}
	pragma := func(t *testing.T, query string) func(string) {
		return func(path string) {
			db, err := sql.Open("sqlite3", fileURI(path))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(query); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := map[string]struct {
		src  func(t *testing.T) string
		want string
	}{
		"not a database": {func(t *testing.T) string {
			return variant(t, func(p string) { os.WriteFile(p, []byte("some text\n"), 0o644) })
		}, "is not a Tagdesk project (it is not a SQLite database)."},
		"empty file": {func(t *testing.T) string {
			return variant(t, func(p string) { os.WriteFile(p, nil, 0o644) })
		}, "is empty: it is not a backup of a Tagdesk project."},
		"empty database": {func(t *testing.T) string {
			return variant(t, func(p string) { os.Remove(p); pragma(t, "PRAGMA user_version = 0")(p) })
		}, "is an empty database: it is not a backup of a Tagdesk project."},
		"another program's": {func(t *testing.T) string {
			return variant(t, pragma(t, "PRAGMA application_id = 7"))
		}, "is not a Tagdesk project (it is another program's SQLite database)."},
		"newer": {func(t *testing.T) string {
			return variant(t, pragma(t, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)))
		}, "was written by a newer Tagdesk"},
		"damaged": {func(t *testing.T) string {
			return variant(t, func(p string) {
				fi, _ := os.Stat(p)
				f, err := os.OpenFile(p, os.O_RDWR, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				// spoil every page but the first, which holds the schema
				if _, err := f.WriteAt([]byte(strings.Repeat("\xff", int(fi.Size())-4096)), 4096); err != nil {
					t.Fatal(err)
				}
			})
		}, "is damaged"},
		"a folder": {func(t *testing.T) string { return t.TempDir() }, "is a folder, not a backup."},
		"missing":  {func(t *testing.T) string { return filepath.Join(t.TempDir(), "none"+Extension) }, "Could not open the backup"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := backupFixture(t)
			before := projectContent(t, p)
			src := tt.src(t)
			_, err := p.Restore(ctx, src)
			if msg := Message(err); !strings.Contains(msg, tt.want) || !strings.Contains(msg, filepath.Base(src)) {
				t.Errorf("Restore(%s) said %q, want %q", name, msg, tt.want)
			}
			if got := projectContent(t, p); got != before {
				t.Errorf("the project changed:\n%s", got)
			}
			if names := backupFiles(t, p); len(names) != 0 {
				t.Errorf("a refused restore left backups: %v", names)
			}
		})
	}
	t.Run("the project itself", func(t *testing.T) {
		p := backupFixture(t)
		for _, path := range []string{p.Path(), p.Path() + "-wal"} {
			if _, err := p.Restore(ctx, path); !strings.Contains(Message(err), "choose another file") {
				t.Errorf("Restore(%s): %v", path, err)
			}
			if err := p.Backup(ctx, path); !strings.Contains(Message(err), "choose another file") {
				t.Errorf("Backup(%s): %v", path, err)
			}
		}
	})
}

// TestRestoreWhileAnotherWrites checks that a restore fails with a plain message, after the busy
// timeout, when another program holds the write lock, and leaves the project as it was.
func TestRestoreWhileAnotherWrites(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	src := filepath.Join(t.TempDir(), "b"+Extension)
	if err := mustOpen(t).Backup(ctx, src); err != nil {
		t.Fatal(err)
	}
	before := projectContent(t, p)
	other, err := sql.Open("sqlite3", dsn(p.Path(), "rw", "immediate", false))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = p.Restore(ctx, src)
	if msg := Message(err); !strings.Contains(msg, "Another program is writing to") {
		t.Errorf("Restore while another writes: %q (%v)", msg, err)
	}
	tx.Rollback()
	if got := projectContent(t, p); got != before {
		t.Errorf("the project changed:\n%s", got)
	}
}

func TestRollingBackups(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	fixedClock(p)
	for range 7 {
		if _, err := p.BackupNow(ctx, BackupOnOpen); err != nil {
			t.Fatal(err)
		}
	}
	for v := range 4 {
		backup := func(dest string) error { return writeSnapshot(ctx, p.db, dest) }
		if _, err := p.rollingBackup(BackupBeforeMigration, v+1, backup); err != nil {
			t.Fatal(err)
		}
	}
	for range 6 {
		if _, err := p.BackupNow(ctx, BackupManual); err != nil {
			t.Fatal(err)
		}
	}
	backups, err := ListBackups(p.Path())
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var schemas []int
	for _, b := range backups {
		count[b.Kind]++
		if b.Kind == BackupBeforeMigration {
			schemas = append(schemas, b.Schema)
		}
		if b.Size == 0 {
			t.Errorf("%s is empty", b.Path)
		}
	}
	if count[BackupOnOpen] != 5 || count[BackupBeforeMigration] != 3 || count[BackupManual] != 6 || len(count) != 3 {
		t.Errorf("kept %v, want 5 on open, 3 before migration and every manual one", count)
	}
	if fmt.Sprint(schemas) != "[4 3 2]" {
		t.Errorf("kept the backups before migrating from schemas %v, want the newest three: [4 3 2]", schemas)
	}
	// the newest first, and the on-open ones kept are the last five taken (seconds 3 to 7 of the clock)
	if oldest := backups[len(backups)-1]; oldest.Kind != BackupOnOpen || oldest.Time != time.Date(2026, 3, 1, 12, 0, 3, 0, time.UTC) {
		t.Errorf("the oldest backup kept is %+v", oldest)
	}
	if names := backupFiles(t, p); len(names) != len(backups) {
		t.Errorf("the folder holds %v besides the backups", names)
	}
}

func TestBackupOnOpenWhenDue(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p.now = func() time.Time { return now }
	first, err := p.BackupOnOpen(ctx)
	if err != nil || first == "" {
		t.Fatalf("the first backup on open: %q %v", first, err)
	}
	// make the project's files older than the backup, as after a while without edits
	past := time.Now().Add(-time.Minute)
	for _, f := range []string{p.Path(), p.Path() + "-wal"} {
		os.Chtimes(f, past, past)
	}
	steps := []struct {
		name  string
		after time.Duration
		edit  bool
		due   bool
	}{
		{"within the hour, after an edit", 30 * time.Minute, true, false},
		{"past the hour, after an edit", 31 * time.Minute, false, true},
		{"past the hour, no edit", 2 * time.Hour, false, false},
		{"past the hour, after an edit again", 0, true, true},
	}
	for _, s := range steps {
		now = now.Add(s.after)
		if s.edit {
			mustAddDocument(t, p, s.name, s.name)
			future := time.Now().Add(time.Minute) // later than any backup so far, whatever the clock's grain
			os.Chtimes(p.Path()+"-wal", future, future)
		}
		got, err := p.BackupOnOpen(ctx)
		if err != nil || (got != "") != s.due {
			t.Errorf("%s: BackupOnOpen = %q, %v; want a backup: %v", s.name, got, err, s.due)
		}
		if got != "" {
			// the next step's project files are older than this backup unless it edits
			for _, f := range []string{p.Path(), p.Path() + "-wal"} {
				os.Chtimes(f, past, past)
			}
			fi, _ := os.Stat(got)
			os.Chtimes(got, fi.ModTime(), fi.ModTime())
		}
	}
}

func TestNetworkShareDetection(t *testing.T) {
	linux := map[uint32]string{0x6969: "nfs", 0x517B: "smb", 0xFF534D42: "cifs", 0xFE534D42: "smb2", 0x65735546: "fuse",
		0xEF53: "", 0x01021994: "", 0x9123683E: "", 0x58465342: "", 0x794C7630: ""} // ext4, tmpfs, btrfs, xfs, overlayfs
	for magic, want := range linux {
		if got := linuxNetworkFS(magic); got != want {
			t.Errorf("linuxNetworkFS(%#x) = %q, want %q", magic, got, want)
		}
	}
	darwin := map[string]bool{"nfs": true, "smbfs": true, "afpfs": true, "webdav": true, "apfs": false, "hfs": false, "msdos": false}
	for name, want := range darwin {
		if got := darwinNetworkFS(name); got != want {
			t.Errorf("darwinNetworkFS(%q) = %v, want %v", name, got, want)
		}
	}
	unc := map[string]bool{`\\server\share\war.tagdesk`: true, `//server/share/war.tagdesk`: true, `\\?\UNC\server\share\a`: true,
		`\\?\C:\work\war.tagdesk`: false, `\\.\pipe\x`: false, `C:\work\war.tagdesk`: false, `/home/a/war.tagdesk`: false}
	for path, want := range unc {
		if got := isUNCPath(path); got != want {
			t.Errorf("isUNCPath(%q) = %v, want %v", path, got, want)
		}
	}
	dir := t.TempDir()
	if share, fstype := OnNetworkShare(filepath.Join(dir, "new"+Extension)); share {
		t.Errorf("the temporary folder %s is taken for a network share (%s)", dir, fstype)
	}
	if w := mustOpenAt(t, filepath.Join(dir, "p"+Extension)).Warnings(); len(w) != 0 {
		t.Errorf("a local project has warnings: %v", w)
	}
	if w := networkShareWarning("/mnt/nas/war.tagdesk", "nfs"); !strings.Contains(w, "https://www.sqlite.org/useovernet.html") ||
		!strings.Contains(w, "/mnt/nas/war.tagdesk is on a network share (nfs)") {
		t.Errorf("the warning says %q", w)
	}
}

// TestRestoreOldestBeforeRestore restores the oldest of the kept before-restore backups: the backup
// the restore takes first must not prune the very file being restored.
func TestRestoreOldestBeforeRestore(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	fixedClock(p)
	dest := filepath.Join(t.TempDir(), "copy"+Extension)
	if err := p.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	var contents []string // what the project held before each restore
	for i := range keepBackups[BackupBeforeRestore] {
		mustAddDocument(t, p, fmt.Sprint("extra ", i), fmt.Sprintf("Document %d added before restore %d.", i, i))
		contents = append(contents, projectContent(t, p))
		if _, err := p.Restore(ctx, dest); err != nil {
			t.Fatal(err)
		}
	}
	backups, err := ListBackups(p.Path())
	if err != nil || len(backups) != keepBackups[BackupBeforeRestore] {
		t.Fatalf("backups %+v, %v", backups, err)
	}
	oldest := backups[len(backups)-1]
	if _, err := p.Restore(ctx, oldest.Path); err != nil {
		t.Fatalf("restore of the oldest before-restore backup: %v", err)
	}
	if got := projectContent(t, p); got != contents[0] {
		t.Errorf("after restoring the oldest before-restore backup:\n%s\nwant\n%s", got, contents[0])
	}
}

// TestBackupRefusesFileWithLog refuses to write a backup over a file that has a write-ahead log or a
// journal beside it, which SQLite would apply to the new file.
func TestBackupRefusesFileWithLog(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	for _, suffix := range []string{"-wal", "-journal"} {
		dest := filepath.Join(t.TempDir(), "old"+Extension)
		for _, f := range []string{dest, dest + suffix} {
			if err := os.WriteFile(f, []byte("left behind"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := p.Backup(ctx, dest)
		if msg := Message(err); !strings.Contains(msg, "has a "+suffix+" file beside it") {
			t.Errorf("%s: %q", suffix, msg)
		}
		if b, _ := os.ReadFile(dest); string(b) != "left behind" {
			t.Errorf("%s: the file was replaced", suffix)
		}
	}
}

// TestRestoreRefusesOtherPageSize refuses, with a plain message and nothing changed, a backup whose
// page size differs from the project's.
func TestRestoreRefusesOtherPageSize(t *testing.T) {
	ctx := context.Background()
	p := backupFixture(t)
	dest := filepath.Join(t.TempDir(), "big-pages"+Extension)
	db, err := sql.Open("sqlite3", fileURI(p.Path())+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// VACUUM INTO writes the page size of the connection's main database, which a read-only
	// connection cannot change: copy first, then change the copy's page size.
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		t.Fatal(err)
	}
	big, err := sql.Open("sqlite3", fileURI(dest))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := big.Exec(`PRAGMA page_size = 8192; VACUUM`); err != nil {
		t.Fatal(err)
	}
	big.Close()
	before := projectContent(t, p)
	_, err = p.Restore(ctx, dest)
	if msg := Message(err); !strings.Contains(msg, "uses pages of 8192 bytes and the project 4096") {
		t.Errorf("restore: %q", msg)
	}
	if got := projectContent(t, p); got != before {
		t.Error("the project changed")
	}
	if backups, _ := ListBackups(p.Path()); len(backups) != 0 {
		t.Errorf("a refused restore left backups: %+v", backups)
	}
}
