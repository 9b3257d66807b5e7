package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOpenCreatesProject(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new"+Extension)
	if _, err := Open(ctx, path, OpenOptions{}); err == nil || !strings.Contains(Message(err), "There is no project at") {
		t.Fatalf("Open without Create on a missing file: %v, want 'There is no project'", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("Open without Create made the file: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "folder", "p"+Extension)
	if _, err := Open(ctx, missing, OpenOptions{Create: true}); err == nil || !strings.Contains(Message(err), "does not exist") {
		t.Errorf("creating a project in a missing folder: %v", err)
	}
	p := mustOpenAt(t, path)
	if !p.Created() {
		t.Error("Created() = false for a new project")
	}
	var appID, version int
	var mode string
	if err := p.ro.QueryRow(`SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT journal_mode FROM pragma_journal_mode)`).
		Scan(&appID, &version, &mode); err != nil {
		t.Fatal(err)
	}
	if appID != applicationID || version != SchemaVersion || mode != "wal" {
		t.Errorf("application_id %#x, user_version %d, journal %s; want %#x, %d, wal", appID, version, mode, applicationID, SchemaVersion)
	}
	labels, err := p.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range labels {
		names = append(names, l.Name+":"+l.Hotkey)
		if l.Guideline == "" || !colorPattern.MatchString(l.Color) {
			t.Errorf("default label %q lacks a guideline or colour: %+v", l.Name, l)
		}
	}
	if got, want := strings.Join(names, " "), "actor:a figure:f weapon:w claim:c"; got != want {
		t.Errorf("default labels = %s, want %s", got, want)
	}
}

// TestConnectionSettings checks that every pooled connection, for writing and reading, has the
// settings of the DSN, not just the first one.
func TestConnectionSettings(t *testing.T) {
	p := mustOpen(t)
	ctx := context.Background()
	for name, db := range map[string]*sql.DB{"write": p.db, "read": p.ro} {
		// hold several connections at once so that the pool opens more than one
		var conns []*sql.Conn
		for range 3 {
			c, err := db.Conn(ctx)
			if err != nil {
				if name == "write" {
					break // one connection only: the next would wait
				}
				t.Fatal(err)
			}
			conns = append(conns, c)
			if name == "write" {
				break
			}
		}
		for i, c := range conns {
			var fk, sync, timeout int
			if err := c.QueryRowContext(ctx, `SELECT (SELECT foreign_keys FROM pragma_foreign_keys),
				(SELECT synchronous FROM pragma_synchronous), (SELECT timeout FROM pragma_busy_timeout)`).
				Scan(&fk, &sync, &timeout); err != nil {
				t.Fatal(err)
			}
			if fk != 1 || sync != 2 || timeout != 5000 {
				t.Errorf("%s connection %d: foreign_keys %d, synchronous %d, busy_timeout %d; want 1, 2 (FULL), 5000",
					name, i, fk, sync, timeout)
			}
			c.Close()
		}
	}
	if _, err := p.ro.Exec(`DELETE FROM labels`); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keep"+Extension)
	p, err := Open(ctx, path, OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	d := mustAddDocument(t, p, "a.txt", "« Nous avons abattu 40 drones », a dit Kyiv.")
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: 20, End: 29, Note: "drones"})
	if err := p.SetStatus(ctx, d.ID, "alice", StatusDone); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddLabel(ctx, Label{Name: "place"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	p = mustOpenAt(t, path)
	if p.Created() {
		t.Error("Created() = true for an existing project")
	}
	got, err := p.Span(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Start != 20 || got.End != 29 || got.Note != "drones" || got.Label != "figure" || got.Annotator != "alice" {
		t.Errorf("span after reopen = %+v", got)
	}
	if st, _ := p.Status(ctx, d.ID, "alice"); st != StatusDone {
		t.Errorf("status after reopen = %s, want done", st)
	}
	labels, _ := p.Labels(ctx)
	if len(labels) != 5 || labels[4].Name != "place" {
		t.Errorf("labels after reopen = %v", labels)
	}
	if txt, _ := p.Text(ctx, d.ID); txt != "« Nous avons abattu 40 drones », a dit Kyiv." {
		t.Errorf("text after reopen = %q", txt)
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	foreignDB := func(name string, setup string) string {
		path := filepath.Join(dir, name)
		db, err := sql.Open("sqlite3", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(setup); err != nil {
			t.Fatal(err)
		}
		db.Close()
		return path
	}
	newer := func() string {
		path := filepath.Join(dir, "newer"+Extension)
		p := mustOpenAt(t, path)
		if _, err := p.db.Exec(`PRAGMA user_version = 99`); err != nil {
			t.Fatal(err)
		}
		p.Close()
		return path
	}

	tests := map[string]struct {
		path string
		want string
	}{
		"text file":         {write("notes.tagdesk", []byte("just some notes, not a database\n")), "is not a Tagdesk project (it is not a SQLite database)"},
		"short file":        {write("short.tagdesk", []byte("SQL")), "is not a Tagdesk project"},
		"other SQLite file": {foreignDB("other.db", `CREATE TABLE t (x); INSERT INTO t VALUES (1)`), "another program's SQLite database"},
		"other application": {foreignDB("app.db", `PRAGMA application_id = 1234; CREATE TABLE t (x)`), "another program's SQLite database"},
		"newer schema":      {newer(), "was written by a newer Tagdesk (project schema 99"},
		"folder":            {dir, "is a folder, not a project file"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			p, err := Open(ctx, tt.path, OpenOptions{Create: true})
			if err == nil {
				p.Close()
				t.Fatalf("Open(%s) succeeded", tt.path)
			}
			if msg := Message(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
			if after, _ := os.ReadFile(tt.path); string(after) != string(before) {
				t.Errorf("Open changed the refused file")
			}
		})
	}
	t.Run("schema too new is ErrSchemaTooNew", func(t *testing.T) {
		_, err := Open(ctx, tests["newer schema"].path, OpenOptions{})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Errorf("error %v is not ErrSchemaTooNew", err)
		}
	})
}

func TestOpenAwkwardPaths(t *testing.T) {
	for _, name := range []string{"with space.tagdesk", "what?.tagdesk", "hash#1.tagdesk", "100%.tagdesk", "été « guerre ».tagdesk"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			p := mustOpenAt(t, path)
			mustAddDocument(t, p, "a", "text")
			p.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the project is not at %q: %v", path, err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !strings.HasPrefix(e.Name(), name) {
					t.Errorf("stray file %q beside %q", e.Name(), name)
				}
			}
			p = mustOpenAt(t, path)
			if docs, _ := p.ListDocuments(context.Background(), DocumentQuery{}); len(docs) != 1 {
				t.Errorf("reopened %q has %d documents, want 1", name, len(docs))
			}
		})
	}
}

func TestEmptyFileBecomesProject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty"+Extension)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open(context.Background(), path, OpenOptions{})
	if err != nil {
		t.Fatalf("Open of an empty file: %v", err)
	}
	defer p.Close()
	if !p.Created() {
		t.Error("Created() = false for an empty file made a project")
	}
	if labels, _ := p.Labels(context.Background()); len(labels) != 4 {
		t.Errorf("an empty file opened with %d labels, want the 4 defaults", len(labels))
	}
}

// TestOpenWhileAnotherWrites checks that opening and reading an up-to-date project does not need the
// write lock another connection holds.
func TestOpenWhileAnotherWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy"+Extension)
	writer := mustOpenAt(t, path)
	tx, err := writer.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO annotators (name, created_at) VALUES ('zed', '')`); err != nil {
		t.Fatal(err)
	}
	// before the fix, Open began its own immediate transaction, waited out the busy timeout and failed
	reader, err := Open(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatalf("Open while another connection writes: %v", err)
	}
	defer reader.Close()
	if _, err := reader.Stats(ctx); err != nil {
		t.Fatalf("Stats while another connection writes: %v", err)
	}
	// the immediate transaction really holds the lock: another writer is refused at once
	other, err := sql.Open("sqlite3", fileURI(path)+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`BEGIN IMMEDIATE`); err == nil {
		t.Error("a second writer got the lock during an immediate transaction")
	}
}

// TestMigrateFromSchema1 opens a project of schema 1, whose times dropped trailing zeros, and checks
// that schema 2 pads them so that they sort as text and adds the indexes of LastDocument.
func TestMigrateFromSchema1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old"+Extension)
	db, err := sql.Open("sqlite3", fileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(migrations[0] + fmt.Sprintf(`;
		PRAGMA application_id = %d;
		PRAGMA user_version = 1;
		INSERT INTO labels (name, color, position) VALUES ('actor', '#000000', 0);
		INSERT INTO annotators (name, created_at) VALUES ('alice', '2026-03-01T12:00:00Z');
		INSERT INTO documents (id, hash, name, length, created_at) VALUES
			(1, 'h1', 'a', 10, '2026-03-01T12:00:00.5Z'), (2, 'h2', 'b', 10, '2026-03-01T12:00:00.123456789Z');
		INSERT INTO spans (document_id, annotator_id, label_id, start, "end", created_at, updated_at) VALUES
			(1, 1, 1, 0, 4, '2026-03-01T12:00:01Z', '2026-03-01T12:00:05.15Z'),
			(2, 1, 1, 0, 4, '2026-03-01T12:00:01Z', '2026-03-01T12:00:05.1Z');
		INSERT INTO statuses VALUES (2, 1, 'in_progress', '2026-03-01T12:00:05Z');`, applicationID))
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	p := mustOpenAt(t, path)
	var times []string
	err = eachRow(ctx, p.ro, `SELECT created_at FROM annotators UNION ALL SELECT created_at FROM documents
		UNION ALL SELECT created_at || ' ' || updated_at FROM spans UNION ALL SELECT updated_at FROM statuses`,
		func(r *sql.Rows) error {
			var s string
			err := r.Scan(&s)
			times = append(times, s)
			return err
		})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2026-03-01T12:00:00.000000000Z",
		"2026-03-01T12:00:00.500000000Z", "2026-03-01T12:00:00.123456789Z",
		"2026-03-01T12:00:01.000000000Z 2026-03-01T12:00:05.150000000Z",
		"2026-03-01T12:00:01.000000000Z 2026-03-01T12:00:05.100000000Z",
		"2026-03-01T12:00:05.000000000Z",
	}
	if !slices.Equal(times, want) {
		t.Errorf("times after migration:\n%s\nwant\n%s", strings.Join(times, "\n"), strings.Join(want, "\n"))
	}
	s, err := p.Span(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 12, 0, 5, 150_000_000, time.UTC); !s.UpdatedAt.Equal(want) {
		t.Errorf("span updated at %v, want %v", s.UpdatedAt, want)
	}
	if id, err := p.LastDocument(ctx, "alice"); err != nil || id != 1 {
		t.Errorf("LastDocument = %d, %v; want 1 (12:00:05.15 is after 12:00:05.1)", id, err)
	}
	var version int
	if err := p.ro.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion || SchemaVersion != 4 {
		t.Errorf("user_version %d (%v), SchemaVersion %d; want 4", version, err, SchemaVersion)
	}
}
