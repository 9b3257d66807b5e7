package annotations

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/schema/v*.tagdesk from the old migrations")

// fixtureSchemas are the earlier schema versions kept as fixtures in testdata/schema.
var fixtureSchemas = []int{1, 2, 3}

// fixtureDocs, fixtureSpans, fixtureStatuses and fixtureReviews are what every schema fixture holds
// (reviews from schema 3 on).
var fixtureDocs = []struct{ name, source, text string }{
	{"kyiv", "art-1", "Selon l’état-major, 40 drones Shahed ont été abattus près de Kharkiv 🇺🇦.\nDeuxième ligne."},
	{"moscow", "", "Moscow said 12 tanks were destroyed — « un succès »."},
	{"untouched", "art-3", "Олександр Сирський: nothing annotated here 💥."},
}

type fixtureSpan struct {
	doc                int
	annotator, label   string
	start, end         int
	note               string
	created, updated   string // as schema 1 wrote them: trailing zeros of the fraction dropped
	createdT, updatedT time.Time
}

var fixtureSpans = []fixtureSpan{
	{doc: 0, annotator: "alice", label: "actor", start: 6, end: 18, note: "l’état-major",
		created: "2026-03-01T12:00:01Z", updated: "2026-03-01T12:00:05.15Z"},
	{doc: 0, annotator: "alice", label: "figure", start: 20, end: 36, note: "",
		created: "2026-03-01T12:00:02.5Z", updated: "2026-03-01T12:00:02.5Z"},
	{doc: 0, annotator: "bob", label: "weapon", start: 30, end: 36, note: "drone 🛩",
		created: "2026-03-01T12:00:03Z", updated: "2026-03-01T12:00:05.1Z"},
	{doc: 0, annotator: "bob", label: "actor", start: 66, end: 73, note: "",
		created: "2026-03-01T12:00:04.123456789Z", updated: "2026-03-01T12:00:04.123456789Z"},
	{doc: 1, annotator: "bob", label: "claim", start: 0, end: 50, note: "whole sentence",
		created: "2026-03-01T12:00:06Z", updated: "2026-03-01T12:00:06Z"},
	{doc: 0, annotator: "gold", label: "actor", start: 6, end: 18, note: "",
		created: "2026-03-02T09:00:00Z", updated: "2026-03-02T09:00:00Z"},
}

var fixtureStatuses = []struct {
	doc               int
	annotator, status string
}{{0, "alice", "done"}, {0, "bob", "done"}, {1, "bob", "in_progress"}}

// padTime writes t as schema 2 and later do: all nine digits of the fraction.
func padTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

// writeFixture builds the project of schema version at path from the old migrations in order and
// the fixture's content, written as that version of Tagdesk wrote it.
func writeFixture(t *testing.T, path string, version int) {
	t.Helper()
	os.Remove(path)
	db, err := sql.Open("sqlite3", fileURI(path)+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tm := func(s string) string {
		if version == 1 {
			return s
		}
		return padTime(s)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(query, args...); err != nil {
			t.Fatalf("schema %d: %s: %v", version, query, err)
		}
	}
	for _, m := range migrations[:version] {
		exec(m)
	}
	exec(fmt.Sprintf("PRAGMA application_id = %d", applicationID))
	exec(fmt.Sprintf("PRAGMA user_version = %d", version))
	for i, l := range []string{"actor", "figure", "weapon", "claim"} {
		exec(`INSERT INTO labels (name, color, hotkey, guideline, position) VALUES (?, ?, ?, ?, ?)`,
			l, fmt.Sprintf("#%02x0000", 40*i), l[:1], "the "+l+"s of the article", i)
	}
	annotators := []string{"alice", "bob"}
	if version >= 3 {
		annotators = append(annotators, Gold)
	}
	for _, a := range annotators {
		exec(`INSERT INTO annotators (name, created_at) VALUES (?, ?)`, a, tm("2026-03-01T11:00:00Z"))
	}
	for i, d := range fixtureDocs {
		first, _, _ := strings.Cut(d.text, "\n")
		exec(`INSERT INTO documents (id, hash, name, source_id, meta, length, first_line, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			i+1, hashOf(d.text), d.name, d.source, `{"lang": "fr"}`, utf8.RuneCountInString(d.text), first, tm("2026-03-01T11:30:00.25Z"))
		exec(`INSERT INTO texts (document_id, text) VALUES (?, ?)`, i+1, d.text)
	}
	for _, s := range fixtureSpans {
		if s.annotator == Gold && version < 3 {
			continue
		}
		exec(`INSERT INTO spans (document_id, annotator_id, label_id, start, "end", note, created_at, updated_at)
			VALUES (?, (SELECT id FROM annotators WHERE name = ?), (SELECT id FROM labels WHERE name = ?), ?, ?, ?, ?, ?)`,
			s.doc+1, s.annotator, s.label, s.start, s.end, s.note, tm(s.created), tm(s.updated))
	}
	for _, s := range fixtureStatuses {
		exec(`INSERT INTO statuses (document_id, annotator_id, status, updated_at) VALUES (?, (SELECT id FROM annotators WHERE name = ?), ?, ?)`,
			s.doc+1, s.annotator, s.status, tm("2026-03-01T12:10:00.5Z"))
	}
	if version >= 3 {
		exec(`INSERT INTO reviews (document_id, status, reviewer, updated_at) VALUES (1, 'reviewed', 'carol', ?)`, tm("2026-03-02T09:30:00Z"))
		exec(`INSERT INTO rejections (document_id, start, "end", reviewer, created_at) VALUES (1, 30, 36, 'carol', ?)`, tm("2026-03-02T09:10:00Z"))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// fixtureContent is what projectContent gives for the fixture of schema version after migration.
func fixtureContent(version int) string {
	var b strings.Builder
	for i, d := range fixtureDocs {
		fmt.Fprintf(&b, "document %s source=%q text=%q\n", d.name, d.source, d.text)
		var spans []string
		for _, s := range fixtureSpans {
			if s.doc == i && (s.annotator != Gold || version >= 3) {
				spans = append(spans, fmt.Sprintf("  span %s %s [%d,%d) note=%q created=%s updated=%s\n",
					s.annotator, s.label, s.start, s.end, s.note, padTime(s.created), padTime(s.updated)))
			}
		}
		slices.Sort(spans)
		b.WriteString(strings.Join(spans, ""))
		for _, s := range fixtureStatuses {
			if s.doc == i {
				fmt.Fprintf(&b, "  status %s=%s\n", s.annotator, s.status)
			}
		}
		if version >= 3 && i == 0 {
			b.WriteString("  review reviewed by carol\n  rejected [30,36) by carol\n")
		}
	}
	return b.String()
}

// projectContent renders everything a project holds that a user made: documents, every annotator's
// spans with their notes and times, statuses, reviews and rejections.
func projectContent(t *testing.T, p *Project) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	err := p.Export(ctx, ExportQuery{}, func(d *ExportDocument) error {
		fmt.Fprintf(&b, "document %s source=%q text=%q\n", d.Name, d.SourceID, d.Text)
		var spans []string
		for _, s := range d.Spans {
			spans = append(spans, fmt.Sprintf("  span %s %s [%d,%d) note=%q created=%s updated=%s\n", s.Annotator, s.Label,
				s.Start, s.End, s.Note, s.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z"), s.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z")))
		}
		rd, err := p.ReviewDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, s := range rd.Gold {
			spans = append(spans, fmt.Sprintf("  span %s %s [%d,%d) note=%q created=%s updated=%s\n", s.Annotator, s.Label,
				s.Start, s.End, s.Note, s.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z"), s.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z")))
		}
		slices.Sort(spans)
		spans = slices.Compact(spans) // the export includes the gold layer too
		b.WriteString(strings.Join(spans, ""))
		for _, a := range sortedKeys(d.Statuses) {
			if d.Statuses[a] != StatusNew {
				fmt.Fprintf(&b, "  status %s=%s\n", a, string(d.Statuses[a]))
			}
		}
		if rd.Review.Status != "" {
			fmt.Fprintf(&b, "  review %s by %s\n", rd.Review.Status, rd.Review.Reviewer)
		}
		for _, j := range rd.Rejections {
			fmt.Fprintf(&b, "  rejected [%d,%d) by %s\n", j.Start, j.End, j.Reviewer)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func fixturePath(version int) string {
	return filepath.Join("testdata", "schema", fmt.Sprintf("v%d%s", version, Extension))
}

// copyFixture copies the fixture of schema version into a temporary folder and returns the copy.
func copyFixture(t *testing.T, version int) string {
	t.Helper()
	b, err := os.ReadFile(fixturePath(version))
	if err != nil {
		t.Fatalf("%v (go test ./annotations -run TestSchemaFixtures -update-fixtures writes it)", err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("old-v%d%s", version, Extension))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSchemaFixtures opens a copy of a project of each earlier schema version, checks that it was
// backed up before the migration, migrates to the latest schema, passes Check, and still holds
// everything the fixture held.
func TestSchemaFixtures(t *testing.T) {
	if *updateFixtures {
		os.MkdirAll(filepath.Join("testdata", "schema"), 0o755)
		for _, v := range fixtureSchemas {
			writeFixture(t, fixturePath(v), v)
		}
	}
	ctx := context.Background()
	for _, v := range fixtureSchemas {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			path := copyFixture(t, v)
			var version int
			p := mustOpenAt(t, path)
			if err := p.ro.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion {
				t.Errorf("user_version %d (%v) after opening, want %d", version, err, SchemaVersion)
			}
			rep, err := p.Check(ctx)
			if err != nil || !rep.OK() {
				t.Errorf("Check: %v %v", rep.Problems, err)
			}
			if got, want := projectContent(t, p), fixtureContent(v); got != want {
				t.Errorf("content after migrating from schema %d:\n%s\nwant\n%s", v, got, want)
			}
			backups, err := ListBackups(path)
			if err != nil || len(backups) != 1 || backups[0].Kind != BackupBeforeMigration || backups[0].Schema != v {
				t.Fatalf("backups after opening a schema %d project: %+v %v; want one taken before migration", v, backups, err)
			}
			if !strings.HasSuffix(backups[0].Path, fmt.Sprintf(".before-migration-v%d.tagdesk", v)) {
				t.Errorf("the backup is named %s", backups[0].Path)
			}
			db, tx, version, err := openSource(ctx, backups[0].Path)
			if err != nil || version != v {
				t.Errorf("the backup holds schema %d (%v), want %d", version, err, v)
			} else {
				tx.Rollback()
				db.Close()
			}
			// a second open finds nothing to migrate and takes no other backup
			p.Close()
			mustOpenAt(t, path)
			if again, _ := ListBackups(path); len(again) != 1 {
				t.Errorf("%d backups after opening again, want 1", len(again))
			}
		})
	}
}

// TestOpenRefusesNewerOrForeign checks the plain messages for a file of a newer Tagdesk and for
// another program's SQLite file, and that Open leaves such a file as it was and backs nothing up.
func TestOpenRefusesNewerOrForeign(t *testing.T) {
	tests := map[string]struct {
		pragma string
		want   string
		cause  error
	}{
		"newer": {fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1),
			fmt.Sprintf("was written by a newer Tagdesk (project schema %d; this Tagdesk knows up to %d). Update Tagdesk to open it.", SchemaVersion+1, SchemaVersion),
			ErrSchemaTooNew},
		"another application id": {"PRAGMA application_id = 1234",
			"is not a Tagdesk project (it is another program's SQLite database).", nil},
		"no application id, with tables": {"PRAGMA application_id = 0",
			"is not a Tagdesk project (it is another program's SQLite database).", nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := copyFixture(t, 3)
			db, err := sql.Open("sqlite3", fileURI(path))
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec(tt.pragma)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			_, err = Open(context.Background(), path, OpenOptions{Create: true})
			if got := Message(err); got != path+" "+tt.want {
				t.Errorf("Open said %q, want %q", got, path+" "+tt.want)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("the error %v is not %v", err, tt.cause)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Error("Open changed the file it refused")
			}
			if _, err := os.Stat(BackupFolder(path)); err == nil {
				t.Error("Open made a backup folder for a file it refused")
			}
		})
	}
}
