package annotations

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Extension is the file extension of Tagdesk projects.
const Extension = ".tagdesk"

// applicationID marks a SQLite file as a Tagdesk project (PRAGMA application_id): "TagD".
const applicationID = 0x54616744

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are the schema changes in order; the schema version of a project is how many have run.
var migrations = loadMigrations()

// SchemaVersion is the schema version this build of Tagdesk writes.
var SchemaVersion = len(migrations)

func loadMigrations() []string {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			panic(err) // embedded at build time
		}
		out[i] = string(b)
	}
	return out
}

// Project is one open .tagdesk file.
//
// Writes go through a single connection that starts every transaction with BEGIN IMMEDIATE, so a write
// never fails half-way for want of the lock; reads go through their own connections, which see the
// last committed state and never wait for a writer (WAL).
type Project struct {
	path string
	db   *sql.DB // writes
	ro   *sql.DB // reads
	now  func() time.Time

	created  bool     // this Open wrote the first schema: the project is new
	warnings []string // what Open found worth telling the user (Warnings)
}

// OpenOptions say how to open a project.
type OpenOptions struct {
	// Create makes a new project when the file does not exist.
	Create bool

	// busyTimeout is how long a write waits for another program's to finish; 0 means busyTimeout
	// (tests make it short).
	busyTimeout time.Duration
}

// readOnlyDSN is the data source name of a read-only look at the SQLite file at path (a backup, a
// merge source), waiting busyTimeout for a writer; query only refuses VACUUM INTO too.
func readOnlyDSN(path string, queryOnly bool) string {
	dsn := fileURI(path) + fmt.Sprintf("?mode=ro&_busy_timeout=%d", busyTimeout.Milliseconds())
	if queryOnly {
		dsn += "&_query_only=1"
	}
	return dsn
}

// busyTimeout is how long a write waits for another program's write to finish before it gives up
// with a message (see busyError).
const busyTimeout = 5 * time.Second

// Open opens the project file at path, creating it if asked, and brings its schema up to date. It
// refuses a file that is not a Tagdesk project or was written by a newer Tagdesk.
func Open(ctx context.Context, path string, opts OpenOptions) (*Project, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !opts.Create:
		return nil, userError(err, "There is no project at %s (tagdesk import creates one).", path)
	case errors.Is(err, fs.ErrNotExist):
		if dir, derr := os.Stat(filepath.Dir(path)); derr != nil || !dir.IsDir() {
			return nil, userError(err, "Cannot create %s: the folder %s does not exist.", path, filepath.Dir(path))
		}
	case err != nil:
		return nil, userError(err, "Could not open %s: %v.", path, errors.Unwrap(err))
	case fi.IsDir():
		return nil, userError(nil, "%s is a folder, not a project file.", path)
	default:
		if err := probe(ctx, path); err != nil {
			return nil, err
		}
	}

	mode := "rw"
	if opts.Create {
		mode = "rwc"
	}
	wait := cmp.Or(opts.busyTimeout, busyTimeout)
	db, err := sql.Open("sqlite3", dsnWaiting(path, mode, "immediate", false, wait))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	p := &Project{path: path, db: db, now: time.Now}
	if err := p.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	p.ro, err = sql.Open("sqlite3", dsnWaiting(path, "rw", "deferred", true, wait))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	p.ro.SetMaxOpenConns(4)
	if share, fstype := OnNetworkShare(path); share {
		p.warnings = append(p.warnings, networkShareWarning(path, fstype))
	}
	return p, nil
}

// Warnings returns what Open found worth telling the user, such as a project on a network share, in
// plain sentences; the project is open and usable all the same.
func (p *Project) Warnings() []string { return p.warnings }

// Path returns the absolute path of the project file.
func (p *Project) Path() string { return p.path }

// Created reports whether Open made this project: the file was missing or empty and this Open gave it
// its schema. Of several programs opening a new file at once, exactly one sees true.
func (p *Project) Created() bool { return p.created }

// Close closes the project. Every edit was already committed when its call returned.
func (p *Project) Close() error {
	return errors.Join(p.ro.Close(), p.db.Close())
}

// dsn returns the data source name for path: every pooled connection gets the same settings.
func dsn(path, mode, txlock string, readOnly bool) string {
	return dsnWaiting(path, mode, txlock, readOnly, busyTimeout)
}

// dsnWaiting is dsn with connections that wait up to wait for another program's lock.
func dsnWaiting(path, mode, txlock string, readOnly bool, wait time.Duration) string {
	q := "?mode=" + mode + "&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on&_busy_timeout=" +
		strconv.FormatInt(wait.Milliseconds(), 10) + "&_txlock=" + txlock
	if readOnly {
		q += "&_query_only=1"
	}
	return fileURI(path) + q
}

// fileURI returns path as an SQLite URI filename, escaping what a URI would misread.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p // file:/C:/... on Windows
	}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// probe looks at an existing file before Tagdesk changes anything in it (opening with WAL would
// convert it), and refuses files that are not Tagdesk projects or are too new.
func probe(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return userError(err, "Could not open %s: %v.", path, errors.Unwrap(err))
	}
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	f.Close()
	if n == 0 {
		return nil // an empty file becomes a new project
	}
	if err != nil || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return userError(nil, "%s is not a Tagdesk project (it is not a SQLite database).", path)
	}
	appID, version, tables, err := probeHeader(ctx, path, "ro")
	var se sqlite3.Error
	if errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrReadonlyRollback || se.ExtendedCode == sqlite3.ErrReadonlyRecovery) {
		// A program stopped in the middle of a write (it crashed, or was killed while it changed
		// the journal mode or migrated) left a journal that only a writer can roll back. Reading
		// through a writable connection rolls it back, as any SQLite program would, and changes
		// nothing else.
		appID, version, tables, err = probeHeader(ctx, path, "rw")
	}
	if err != nil {
		if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
			return userError(err, "%s is damaged or is not a Tagdesk project.", path)
		}
		return fmt.Errorf("probe %s: %w", path, err)
	}
	return checkHeader(path, appID, version, tables)
}

// probeHeader reads the header of the database at path through a connection of its own opened in
// mode ("ro" or "rw"), without changing its journal mode.
func probeHeader(ctx context.Context, path, mode string) (appID, version, tables int, err error) {
	db, err := sql.Open("sqlite3", fileURI(path)+"?mode="+mode+fmt.Sprintf("&_busy_timeout=%d", busyTimeout.Milliseconds()))
	if err != nil {
		return 0, 0, 0, fmt.Errorf("probe %s: %w", path, err)
	}
	defer db.Close()
	return readHeader(ctx, db)
}

// readHeader reads what tells a Tagdesk project: its application id, schema version and table count.
func readHeader(ctx context.Context, q querier) (appID, version, tables int, err error) {
	err = q.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).
		Scan(&appID, &version, &tables)
	return appID, version, tables, err
}

func checkHeader(path string, appID, version, tables int) error {
	switch {
	case appID == 0 && version == 0 && tables == 0:
		return nil // an empty database: a new project
	case appID != applicationID:
		return userError(nil, "%s is not a Tagdesk project (it is another program's SQLite database).", path)
	case version > SchemaVersion:
		return userError(ErrSchemaTooNew,
			"%s was written by a newer Tagdesk (project schema %d; this Tagdesk knows up to %d). Update Tagdesk to open it.",
			path, version, SchemaVersion)
	}
	return nil
}

// ErrSchemaTooNew is the cause when a project was written by a newer Tagdesk.
var ErrSchemaTooNew = errors.New("schema too new")

// migrate runs the migrations the file has not had, each in its own transaction that also sets
// user_version, so a crash leaves the file at one version or the next, never between.
//
// A file already up to date is only read: opening a project never waits for another program's write.
// An older file is first backed up into the backup folder (BackupBeforeMigration).
func (p *Project) migrate(ctx context.Context) error {
	appID, version, tables, err := readHeader(ctx, p.db)
	if err != nil {
		return fmt.Errorf("open %s: %w", p.path, err)
	}
	if err := checkHeader(p.path, appID, version, tables); err != nil {
		return err
	}
	if version > 0 && version < len(migrations) {
		// Keep the file as it was before a newer Tagdesk changes it, named with its schema version.
		backup := func(dest string) error { return writeSnapshot(ctx, p.db, dest) }
		if _, err := p.rollingBackup(BackupBeforeMigration, version, backup); err != nil {
			return userError(fmt.Errorf("back up before updating the schema of %s: %w", p.path, err),
				"%s was not opened: this Tagdesk updates its format, and backs it up first, but the backup failed. %s",
				p.path, Message(err))
		}
		pruneBackups(p.path) // an old backup that cannot be removed does not stop the project opening
	}
	for v := version; v < len(migrations); v++ {
		if err := p.migrateTo(ctx, v+1); err != nil {
			return err
		}
	}
	return nil
}

func (p *Project) migrateTo(ctx context.Context, target int) error {
	tx, err := p.begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate to %d: %w", target, err)
	}
	defer tx.Rollback()
	// Read inside the write transaction: another process may have migrated the file meanwhile.
	appID, version, tables, err := readHeader(ctx, tx)
	if err != nil {
		return fmt.Errorf("migrate to %d: %w", target, err)
	}
	if err := checkHeader(p.path, appID, version, tables); err != nil {
		return err
	}
	if version >= target {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[target-1]); err != nil {
		return fmt.Errorf("migrate to %d: %w", target, err)
	}
	if target == 1 {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return fmt.Errorf("migrate to 1: %w", err)
		}
		if err := p.seedLabels(ctx, tx); err != nil {
			return fmt.Errorf("migrate to 1: %w", err)
		}
	}
	if target == 4 && p.created {
		// A new project's labels get the default attributes; an existing one's are left as they are.
		if _, err := addDefaultAttributes(ctx, tx); err != nil {
			return fmt.Errorf("migrate to 4: %w", err)
		}
	}
	if target == len(migrations) && p.created {
		// A new project starts with the default rules; an existing one gets them on request.
		if _, err := addDefaultRules(ctx, tx); err != nil {
			return fmt.Errorf("migrate to %d: %w", target, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", target)); err != nil {
		return fmt.Errorf("migrate to %d: %w", target, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate to %d: %w", target, err)
	}
	if target == 1 {
		p.created = true
	}
	return nil
}

// write runs fn in one write transaction and commits it before returning: when write returns nil, the
// change is on disk. When another program holds the write lock past the busy timeout, the error is
// busyError's.
func (p *Project) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := p.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); isBusy(err) {
		return busyError(err, p.path)
	}
	return err
}

// begin starts a write transaction (BEGIN IMMEDIATE: it takes the write lock at once). It waits for
// another program's write up to the busy timeout, then gives up with busyError's message.
func (p *Project) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := p.db.BeginTx(ctx, nil)
	if isBusy(err) {
		return nil, busyError(err, p.path)
	}
	return tx, err
}

// read runs fn in one read transaction: everything fn reads comes from the same snapshot of the project.
func (p *Project) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := p.ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// eachRow runs query and calls fn on each row.
func eachRow(ctx context.Context, q querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// preparedTx is a transaction that prepares each statement it is given once and reuses it, for
// bulk work that runs the same few statements for every document or span: preparing costs SQLite
// about as much as running a short INSERT.
type preparedTx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

func newPreparedTx(tx *sql.Tx) *preparedTx {
	return &preparedTx{Tx: tx, stmts: map[string]*sql.Stmt{}}
}

func (t *preparedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := t.stmts[query]; s != nil {
		return s, nil
	}
	s, err := t.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = s
	return s, nil
}

func (t *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (t *preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext runs query unprepared when it does not prepare, so that Scan reports the error.
func (t *preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// close closes the prepared statements; the transaction stays as it is.
func (t *preparedTx) close() {
	for _, s := range t.stmts {
		s.Close()
	}
	clear(t.stmts)
}
