package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Backups live in a folder beside the project: war.tagdesk keeps them in war.tagdesk-backups/, each a
// complete project file named NAME.STAMP.KIND.tagdesk, such as
// war.20260301T120000Z.before-migration-v3.tagdesk.
const backupFolderSuffix = "-backups"

// The kinds of backup, and how many of each the rolling folder keeps (0: all of them).
const (
	BackupOnOpen          = "open"             // taken after opening, at most once an hour and only after a change
	BackupBeforeMigration = "before-migration" // taken before a newer Tagdesk changes the schema; named with the old version
	BackupBeforeRestore   = "before-restore"   // what the project held before tagdesk restore replaced it
	BackupManual          = "manual"           // tagdesk backup
)

// keepBackups is how many backups of each kind pruning keeps, newest first; kinds not listed are kept.
var keepBackups = map[string]int{BackupOnOpen: 5, BackupBeforeMigration: 3, BackupBeforeRestore: 3}

// backupInterval is the least time between two backups on open.
const backupInterval = time.Hour

// stampLayout is the time in a backup's name: UTC, sortable, no characters that file systems refuse.
const stampLayout = "20060102T150405Z"

// BackupInfo describes one backup file in a project's backup folder.
type BackupInfo struct {
	Path string
	Kind string // one of the Backup* kinds; "" for a file Tagdesk did not name
	// Schema is the schema version the backup holds, for a backup taken before a migration; else 0.
	Schema int
	Time   time.Time // when it was taken, from its name (else its modification time)
	Size   int64
}

// BackupFolder returns the folder where the rolling backups of the project at path live.
func BackupFolder(path string) string { return path + backupFolderSuffix }

// Backup writes a consistent copy of the project to dest: a snapshot of the last committed state,
// written to a temporary file beside dest, synced, then renamed over dest, so that dest is never half
// written. Edits made meanwhile go on; they are not in the copy. dest must not be the project file
// or one of its journals.
func (p *Project) Backup(ctx context.Context, dest string) error {
	if err := p.refuseOwnFile(dest, "back up"); err != nil {
		return err
	}
	// SQLite would apply a log left beside dest (by a program that has it open, or was killed) to
	// the new file and damage it.
	for _, suffix := range []string{"-wal", "-journal"} {
		if fileExists(dest + suffix) {
			return userError(nil, "%s has a %s file beside it: a program may have it open. Close it, or back up to another file.",
				dest, suffix)
		}
	}
	return p.withSnapshotReader(ctx, func(q querier) error { return writeSnapshot(ctx, q, dest) })
}

// withSnapshotReader runs fn with a read-only connection of its own that VACUUM INTO accepts (the
// project's readers refuse it: they are query-only), so that a backup neither waits for edits nor
// holds them up.
func (p *Project) withSnapshotReader(ctx context.Context, fn func(q querier) error) error {
	db, err := sql.Open("sqlite3", readOnlyDSN(p.path, false))
	if err != nil {
		return fmt.Errorf("back up %s: %w", p.path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return fn(db)
}

// writeSnapshot writes the database q reads to dest with VACUUM INTO, through a synced temporary file.
func writeSnapshot(ctx context.Context, q querier, dest string) error {
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return userError(err, "Could not write the backup %s: %v.", dest, pathReason(err))
	}
	name := tmp.Name()
	tmp.Close()
	defer os.Remove(name) // after the rename there is nothing left to remove
	// VACUUM INTO wants a missing or empty file; the temporary file keeps the name taken.
	if _, err := q.ExecContext(ctx, `VACUUM INTO ?`, name); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	if err := syncFile(name); err != nil {
		return userError(err, "Could not write the backup %s: %v.", dest, pathReason(err))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(name, dest); err != nil {
		return userError(err, "Could not write the backup %s: %v.", dest, pathReason(err))
	}
	syncDir(dir)
	return nil
}

// copyFile copies the file at from to dest through a synced temporary file.
func copyFile(from, dest string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := io.Copy(tmp, in); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable where the system allows it (not on Windows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func pathReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// BackupNow writes a backup of kind into the project's backup folder, creating it, and prunes the
// folder to the numbers kept. It returns the backup's path.
func (p *Project) BackupNow(ctx context.Context, kind string) (path string, err error) {
	if path, err = p.backupNow(ctx, kind); err != nil {
		return "", err
	}
	return path, pruneBackups(p.path)
}

// backupNow is BackupNow without pruning the oldest backups.
func (p *Project) backupNow(ctx context.Context, kind string) (path string, err error) {
	err = p.withSnapshotReader(ctx, func(q querier) error {
		path, err = p.rollingBackup(kind, 0, func(dest string) error { return writeSnapshot(ctx, q, dest) })
		return err
	})
	return path, err
}

// BackupOnOpen takes the on-open backup when it is due: the project changed since the newest backup
// and that backup is more than an hour old (or there is none). It returns the new backup's path, or
// "" when none was due. It reads a snapshot and never blocks edits: the app runs it in the background
// after opening; commands that only read do not run it.
func (p *Project) BackupOnOpen(ctx context.Context) (string, error) {
	backups, err := ListBackups(p.path)
	if err != nil {
		return "", err
	}
	if len(backups) > 0 {
		newest := backups[0]
		fi, err := os.Stat(newest.Path)
		if err != nil {
			return "", fmt.Errorf("backup on open: %w", err)
		}
		if p.now().Sub(newest.Time) < backupInterval || !p.changedSince(fi.ModTime()) {
			return "", nil
		}
	}
	return p.BackupNow(ctx, BackupOnOpen)
}

// changedSince reports whether the project file or its write-ahead log was written after t.
func (p *Project) changedSince(t time.Time) bool {
	for _, f := range []string{p.path, p.path + "-wal"} {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(t) {
			return true
		}
	}
	return false
}

// rollingBackup names a backup of kind (with schema, the version the file holds) in the backup
// folder and has write write it; the caller prunes the folder (pruneBackups) when it is safe to.
func (p *Project) rollingBackup(kind string, schema int, write func(dest string) error) (string, error) {
	dir := BackupFolder(p.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", userError(err, "Could not create the backup folder %s: %v.", dir, pathReason(err))
	}
	name := kind
	if schema > 0 {
		name += "-v" + strconv.Itoa(schema)
	}
	stamp := p.now().UTC().Format(stampLayout)
	base := filepath.Base(p.path)
	dest := filepath.Join(dir, base+"."+stamp+"."+name+Extension)
	for i := 2; fileExists(dest); i++ { // two backups in one second
		dest = filepath.Join(dir, fmt.Sprintf("%s.%s-%d.%s%s", base, stamp, i, name, Extension))
	}
	if err := write(dest); err != nil {
		return "", err
	}
	return dest, nil
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// pruneBackups removes the oldest backups of each kind past the numbers kept.
func pruneBackups(project string) error {
	backups, err := ListBackups(project)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	var errs []error
	for _, b := range backups {
		keep, ok := keepBackups[b.Kind]
		if !ok {
			continue
		}
		if seen[b.Kind]++; seen[b.Kind] > keep {
			if err := os.Remove(b.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	// a backup cut short (the app quit while writing it) leaves its temporary file
	stale, _ := filepath.Glob(filepath.Join(BackupFolder(project), ".*.tmp"))
	for _, f := range stale {
		if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(f)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("prune backups: %w", errors.Join(errs...))
	}
	return nil
}

// ListBackups returns the backups in the backup folder of the project at path, newest first. A
// missing folder has none.
func ListBackups(path string) ([]BackupInfo, error) {
	dir := BackupFolder(path)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var out []BackupInfo
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, Extension) {
			continue // temporary files, and whatever else a person put there
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		b := BackupInfo{Path: filepath.Join(dir, name), Time: fi.ModTime(), Size: fi.Size()}
		parseBackupName(strings.TrimPrefix(name, filepath.Base(path)+"."), &b)
		out = append(out, b)
	}
	slices.SortStableFunc(out, func(a, b BackupInfo) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.Path, a.Path)
	})
	return out, nil
}

// parseBackupName reads STAMP.KIND.tagdesk into b.
func parseBackupName(rest string, b *BackupInfo) {
	parts := strings.Split(strings.TrimSuffix(rest, Extension), ".")
	if len(parts) != 2 {
		return
	}
	stamp, _, _ := strings.Cut(parts[0], "-")
	t, err := time.Parse(stampLayout, stamp)
	if err != nil {
		return
	}
	kind := parts[1]
	if k, v, ok := strings.Cut(kind, "-v"); ok && k == BackupBeforeMigration {
		n, err := strconv.Atoi(v)
		if err != nil {
			return
		}
		kind, b.Schema = k, n
	}
	if _, ok := keepBackups[kind]; !ok && kind != BackupManual {
		return
	}
	b.Kind = kind
	if !b.Time.Truncate(time.Second).Equal(t) {
		b.Time = t // the name says when; the modification time may be a copy's
	}
}

// Restore replaces the project's content with the backup at src, safely: it refuses a file that is
// not a Tagdesk project, is damaged or was written by a newer Tagdesk; backs up the current content
// first (kind before-restore); copies the backup in with SQLite's online backup API, so that the
// project's write-ahead log and other programs reading it stay consistent; and brings an older
// backup's schema up to date. It returns the path of the backup of the replaced content. When another
// program is writing to the project, it fails after the busy timeout, leaving the project unchanged.
func (p *Project) Restore(ctx context.Context, src string) (saved string, err error) {
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	if err := p.refuseOwnFile(src, "restore from"); err != nil {
		return "", err
	}
	if err := checkRestorable(ctx, src); err != nil {
		return "", err
	}
	if err := p.checkPageSize(ctx, src); err != nil {
		return "", err
	}
	saved, err = p.backupNow(ctx, BackupBeforeRestore) // pruned after the copy: src may be the oldest backup
	if Damaged(err) {
		// A damaged project cannot be read whole: keep its file as it is.
		saved, err = p.rollingBackup(BackupBeforeRestore, 0, func(dest string) error { return copyFile(p.path, dest) })
	}
	if err != nil {
		return "", err
	}
	if err := p.copyFrom(ctx, src); err != nil {
		return saved, err
	}
	if err := p.migrate(ctx); err != nil {
		return saved, err
	}
	return saved, pruneBackups(p.path)
}

// checkPageSize refuses a backup whose page size differs from the project's: SQLite's backup API
// cannot copy it into a project in WAL mode.
func (p *Project) checkPageSize(ctx context.Context, src string) error {
	db, err := sql.Open("sqlite3", fileURI(src)+"?mode=ro&_query_only=1")
	if err != nil {
		return fmt.Errorf("check backup %s: %w", src, err)
	}
	defer db.Close()
	var theirs, ours int
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&theirs); err != nil {
		return fmt.Errorf("check backup %s: %w", src, err)
	}
	if err := p.ro.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&ours); err != nil {
		return fmt.Errorf("check project %s: %w", p.path, err)
	}
	if theirs != ours {
		return userError(nil, "%s uses pages of %d bytes and the project %d: it cannot be restored into it. "+
			"Open the backup as a project of its own instead (copy it beside the project under another name).", src, theirs, ours)
	}
	return nil
}

// checkRestorable refuses a backup that is not a whole Tagdesk project this Tagdesk can open.
func checkRestorable(ctx context.Context, src string) error {
	fi, err := os.Stat(src)
	switch {
	case err != nil:
		return userError(err, "Could not open the backup %s: %v.", src, pathReason(err))
	case fi.IsDir():
		return userError(nil, "%s is a folder, not a backup.", src)
	case fi.Size() == 0:
		return userError(nil, "%s is empty: it is not a backup of a Tagdesk project.", src)
	}
	if err := probe(ctx, src); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", readOnlyDSN(src, true))
	if err != nil {
		return fmt.Errorf("check backup %s: %w", src, err)
	}
	defer db.Close()
	var tables int
	var line string
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&tables)
	if err == nil && tables == 0 {
		return userError(nil, "%s is an empty database: it is not a backup of a Tagdesk project.", src)
	}
	if err == nil {
		err = db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&line)
	}
	if Damaged(err) || (err == nil && line != "ok") {
		return userError(err, "The backup %s is damaged (%s); choose another backup.", src, cmpOr(line, "unreadable"))
	}
	if err != nil {
		return fmt.Errorf("check backup %s: %w", src, err)
	}
	return nil
}

func cmpOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// copyFrom copies the database at src over the project with SQLite's online backup API, through the
// write connection.
func (p *Project) copyFrom(ctx context.Context, src string) error {
	srcDB, err := sql.Open("sqlite3", readOnlyDSN(src, false))
	if err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	defer srcDB.Close()
	srcConn, err := srcDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	defer srcConn.Close()
	dstConn, err := p.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	defer dstConn.Close()
	err = dstConn.Raw(func(d any) error {
		return srcConn.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			_, stepErr := b.Step(-1)
			return errors.Join(stepErr, b.Finish())
		})
	})
	if isBusy(err) {
		return userError(err, "Another program is writing to %s; close it and run the restore again. The project is unchanged.", p.path)
	}
	if err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	return nil
}

// Damaged reports whether err says that a database file is damaged or is not a database.
func Damaged(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB)
}

// refuseOwnFile returns an error when path is the project file or one of its journals, which an
// action (such as "back up") must not write or read as another file.
func (p *Project) refuseOwnFile(path, action string) error {
	if own := p.OwnFile(path); own != "" {
		return userError(nil, "Cannot %s %s: it is %s; choose another file.", action, path, own)
	}
	return nil
}

// OwnFile says whether path names the project file or one of its journals (-wal, -shm, -journal),
// however it is spelled (relative, through a link): it returns "the project file itself" or "the
// project's write-ahead log" and so on, else "".
func (p *Project) OwnFile(path string) string { return ProjectFile(p.path, path) }

// ProjectFileItself is what ProjectFile says of the project file itself.
const ProjectFileItself = "the project file itself"

// ProjectFile is OwnFile for the project at project, which need not be open.
func ProjectFile(project, path string) string {
	for _, f := range []struct{ suffix, what string }{
		{"", ProjectFileItself}, {"-wal", "the project's write-ahead log"},
		{"-shm", "the project's shared-memory file"}, {"-journal", "the project's journal"},
	} {
		if SamePath(path, project+f.suffix) {
			return f.what
		}
	}
	return ""
}

// SamePath reports whether a and b name the same file: the same existing file, or the same path once
// the links of their folders are resolved.
func SamePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	return resolvePath(a) == resolvePath(b)
}

// resolvePath returns path absolute, with the links of it and its folder resolved.
func resolvePath(path string) string {
	path, _ = filepath.Abs(path)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
}
