package annotations

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	crashRounds     = flag.Int("crash.rounds", 60, "rounds of TestCrashSafety that kill a child applying edits (make crash runs 1000)")
	crashMigrations = flag.Int("crash.migrations", 0, "rounds of TestCrashSafety that kill a child migrating, and backing up (0: a twentieth of -crash.rounds, at least 10)")
)

// crashChildEnv tells the test binary, run again by TestCrashSafety, to be the child: "MODE PATH SEED".
const crashChildEnv = "TAGDESK_CRASH_CHILD"

// crashChildLimit is how long a child runs at most: far past its kill, so that a child whose parent
// died does not run on.
const crashChildLimit = 20 * time.Second

// TestCrashSafety kills, with SIGKILL (Process.Kill; TerminateProcess on Windows), a child process
// applying edits through History at a random moment, then opens the project and checks it: Check
// finds nothing wrong, and the project holds exactly what the child held after its last acknowledged
// edit, or after the edit in flight, whole (a bulk import is all or nothing). Rounds go on with the
// same project file. Further rounds kill a child while Open migrates a schema 1 project, and while it
// takes backups. -crash.rounds sets the number of edit rounds.
func TestCrashSafety(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("the child runs TestCrashChild only")
	}
	start := time.Now()
	dir := t.TempDir()
	path := filepath.Join(dir, "crash"+Extension)
	seedCrashProject(t, path)
	rng := rand.New(rand.NewPCG(1, uint64(*crashRounds)))
	var st crashStats
	for round := 1; round <= *crashRounds; round++ {
		crashEditRound(t, path, round, rng.IntN(281)+20, &st)
	}
	migrations := *crashMigrations
	if migrations == 0 {
		migrations = max(10, *crashRounds/20)
	}
	for i := 1; i <= migrations; i++ {
		crashMigrationRound(t, dir, i, rng, &st)
	}
	for i := 1; i <= migrations; i++ {
		crashBackupRound(t, path, i, rng.IntN(281)+20, &st)
	}
	t.Logf("crash safety: %d edit rounds survived, %d edits acknowledged and checked (%d bulk imports), "+
		"the project as after the last acknowledged edit %d times, as after the edit in flight %d times (%d bulk, whole); "+
		"%d migration rounds (killed before its backup was whole %d times, migrating %d, after Open %d); "+
		"%d backup rounds (%d spans acknowledged and checked, %d backups taken, all whole); %s",
		st.rounds, st.acked, st.bulk, st.inFlightNot, st.inFlightDone, st.inFlightBulk,
		migrations, st.killedBeforeBackup, st.killedMigrating, st.killedAfterOpen,
		migrations, st.backupSpans, st.backups, time.Since(start).Round(time.Second))
}

// crashStats are the figures TestCrashSafety reports.
type crashStats struct {
	rounds, acked, bulk       int
	inFlightDone, inFlightNot int
	inFlightBulk              int
	// migration rounds killed before the backup Open takes first was whole, after it, and after Open
	killedBeforeBackup, killedMigrating, killedAfterOpen int
	backups, backupSpans                                 int
}

// TestCrashChild is the child of TestCrashSafety; it does nothing unless run by it.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashChildEnv)
	if spec == "" {
		t.Skip("run by TestCrashSafety")
	}
	mode, rest, _ := strings.Cut(spec, " ")
	path, seedText, _ := strings.Cut(rest, " ")
	seed, err := strconv.ParseUint(seedText, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", crashChildEnv, spec, err)
	}
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
		if err := out.Flush(); err != nil {
			os.Exit(3) // the parent is gone
		}
	}
	ctx := context.Background()
	deadline := time.Now().Add(crashChildLimit)
	say("ready")
	p, err := Open(ctx, path, OpenOptions{})
	if err != nil {
		say("error %v", err)
		os.Exit(2)
	}
	say("opened")
	switch mode {
	case "edit":
		sc := newCrashScript(p, seed)
		for n := 1; time.Now().Before(deadline); n++ {
			desc, err := sc.step(ctx)
			if err != nil {
				say("error step %d: %v", n, err)
				os.Exit(2)
			}
			say("ack %d %s %s", n, crashDigest(t, p), desc)
		}
	case "backup":
		backupLoop(ctx, t, p, seed, deadline, say)
	default: // "open": only Open, which migrates
		time.Sleep(time.Until(deadline))
	}
	os.Exit(0) // past the limit: the parent is gone
}

// backupLoop adds a span, then takes an on-open backup (due every time: the clock moves two hours a
// call from the newest backup's time) and a backup to a fixed file, until deadline, acknowledging each.
func backupLoop(ctx context.Context, t *testing.T, p *Project, seed uint64, deadline time.Time, say func(string, ...any)) {
	clock := time.Now()
	if backups, err := ListBackups(p.Path()); err == nil && len(backups) > 0 && backups[0].Time.After(clock) {
		clock = backups[0].Time // a child before this one moved its clock ahead
	}
	p.now = func() time.Time {
		clock = clock.Add(2 * time.Hour)
		return clock
	}
	h := NewHistory(p)
	rng := rand.New(rand.NewPCG(seed, 2))
	dest := filepath.Join(filepath.Dir(p.Path()), "manual"+Extension)
	for time.Now().Before(deadline) {
		start := rng.IntN(40)
		s, added, err := h.AddSpan(ctx, NewSpan{DocumentID: 1, Annotator: "backer", Label: "claim", Start: start, End: start + 1 + rng.IntN(20)})
		if err != nil {
			say("error %v", err)
			os.Exit(2)
		}
		say("span %d %s", s.ID, crashSpanKey(s))
		b, err := p.BackupOnOpen(ctx)
		if err != nil || b == "" && added { // without a change since the last backup, none is due
			say("error backup on open %q: %v", b, err)
			os.Exit(2)
		}
		say("backup %s", b)
		if err := p.Backup(ctx, dest); err != nil {
			say("error %v", err)
			os.Exit(2)
		}
		say("backup %s", dest)
	}
}

// crashChild is one run of the child.
type crashChild struct {
	cmd   *exec.Cmd
	lines chan string // what it wrote, closed when its output ends
}

// startCrashChild starts the test binary again as the child in mode on path with seed.
func startCrashChild(t *testing.T, mode, path string, seed uint64) *crashChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %d", crashChildEnv, mode, path, seed))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &crashChild{cmd: cmd, lines: make(chan string, 1024)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

// waitFor reads the child's lines until one equal to want, and fails if its output ends first or
// it reports an error.
func (c *crashChild) waitFor(t *testing.T, want string) {
	t.Helper()
	for line := range c.lines {
		if strings.HasPrefix(line, "error") {
			c.kill(t)
			t.Fatalf("child: %s", line)
		}
		if line == want {
			return
		}
	}
	c.kill(t)
	t.Fatalf("the child ended before writing %q", want)
}

// kill kills the child with SIGKILL, waits for it and returns every line it wrote that the parent
// did not read yet.
func (c *crashChild) kill(t *testing.T) []string {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill the child: %v", err)
	}
	var out []string
	for line := range c.lines {
		out = append(out, line)
	}
	err := c.cmd.Wait()
	var ee *exec.ExitError
	// Killed, a process has no exit status on Unix; on Windows, TerminateProcess gives it one.
	if !errors.As(err, &ee) || ee.Exited() && runtime.GOOS != "windows" {
		t.Fatalf("the child was not killed: %v (its output: %q)", err, out)
	}
	return out
}

// crashEditRound runs the child in edit mode on path for ms milliseconds after it opened the project,
// kills it and checks the project.
func crashEditRound(t *testing.T, path string, round, ms int, st *crashStats) {
	t.Helper()
	ctx := context.Background()
	baseline := path + ".round"
	copyProject(t, path, baseline)
	seed := uint64(round)
	c := startCrashChild(t, "edit", path, seed)
	c.waitFor(t, "opened")
	time.Sleep(time.Duration(ms) * time.Millisecond)
	var acks []crashAck
	for _, line := range c.kill(t) {
		if strings.HasPrefix(line, "error") {
			t.Fatalf("round %d (seed %d): child: %s", round, seed, line)
		}
		if a, ok := parseCrashAck(line); ok {
			if a.n != len(acks)+1 {
				t.Fatalf("round %d: ack %d after %d acks", round, a.n, len(acks))
			}
			acks = append(acks, a)
		}
	}
	p := openChecked(t, path, fmt.Sprintf("round %d (seed %d) after %d acks", round, seed, len(acks)))
	got := crashDump(t, p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	st.rounds++
	st.acked += len(acks)
	for _, a := range acks {
		if a.bulk() {
			st.bulk++
		}
	}
	if len(acks) > 0 && digestOf(got) == acks[len(acks)-1].digest {
		st.inFlightNot++
		return
	}
	// Not as after the last acknowledged edit: it must be as after the edit in flight, whole. Replay the
	// round on the project as it was before it.
	ref, err := Open(ctx, baseline, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	// The replay is the reference, not under test: it need not wait for the disk.
	if _, err := ref.db.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		t.Fatal(err)
	}
	sc := newCrashScript(ref, seed)
	before := crashDump(t, ref)
	for i, a := range acks {
		desc, err := sc.step(ctx)
		if err != nil {
			t.Fatalf("replay round %d step %d: %v", round, i+1, err)
		}
		if d := crashDump(t, ref); digestOf(d) != a.digest {
			t.Fatalf("replay round %d (seed %d) step %d (%s) differs from the child's (%s): the script is not deterministic",
				round, seed, i+1, desc, a.desc)
		}
		before = ""
	}
	if before != "" && got == before {
		st.inFlightNot++ // killed before its first edit
		return
	}
	desc, err := sc.step(ctx)
	if err != nil {
		t.Fatalf("replay round %d step %d: %v", round, len(acks)+1, err)
	}
	if want := crashDump(t, ref); got != want {
		t.Fatalf("round %d (seed %d): after the kill the project holds neither the state of the %d acknowledged edits "+
			"nor that after the edit in flight (%s); differences from the latter:\n%s",
			round, seed, len(acks), desc, lineDiff(want, got))
	}
	st.inFlightDone++
	if (crashAck{desc: desc}).bulk() {
		st.inFlightBulk++
	}
}

// crashMigrationRound copies the schema 1 fixture, kills a child while its Open migrates the copy,
// and checks that the copy then opens, migrated, with all it held, and that the backup folder holds
// only whole backups.
func crashMigrationRound(t *testing.T, dir string, i int, rng *rand.Rand, st *crashStats) {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("old-%d%s", i, Extension))
	copyProject(t, fixturePath(1), path)
	c := startCrashChild(t, "open", path, uint64(i))
	c.waitFor(t, "ready")
	time.Sleep(time.Duration(rng.IntN(15000)) * time.Microsecond) // Open and its migration take 15 to 30 ms from "ready"
	opened := slices.Contains(c.kill(t), "opened")
	backups, err := ListBackups(path)
	switch {
	case err != nil:
		t.Fatal(err)
	case opened:
		st.killedAfterOpen++
	case len(backups) == 0:
		st.killedBeforeBackup++
	default:
		st.killedMigrating++
	}
	p := openChecked(t, path, fmt.Sprintf("migration round %d", i))
	defer p.Close()
	if got, want := projectContent(t, p), fixtureContent(1); got != want {
		t.Errorf("migration round %d: the project holds\n%s\nwant\n%s", i, got, want)
	}
	checkBackupsWhole(t, path, "")
}

// crashBackupRound kills a child that adds spans and takes backups, then checks that the project
// holds every span acknowledged and that no backup under a final name is half written.
func crashBackupRound(t *testing.T, path string, i, ms int, st *crashStats) {
	t.Helper()
	ctx := context.Background()
	c := startCrashChild(t, "backup", path, uint64(i))
	c.waitFor(t, "opened")
	time.Sleep(time.Duration(ms) * time.Millisecond)
	lines := c.kill(t)
	p := openChecked(t, path, fmt.Sprintf("backup round %d", i))
	defer p.Close()
	for _, line := range lines {
		var id int64
		var key string
		switch {
		case strings.HasPrefix(line, "error"):
			t.Fatalf("backup round %d: child: %s", i, line)
		case strings.HasPrefix(line, "backup "):
			st.backups++
		case strings.HasPrefix(line, "span "):
			if _, err := fmt.Sscanf(line, "span %d", &id); err != nil {
				t.Fatal(err)
			}
			key = line[len(fmt.Sprintf("span %d ", id)):]
			s, err := p.Span(ctx, id)
			if err != nil || crashSpanKey(s) != key {
				t.Errorf("backup round %d: acknowledged span %d (%s) is %+v, %v", i, id, key, s, err)
			}
			st.backupSpans++
		}
	}
	checkBackupsWhole(t, path, filepath.Join(filepath.Dir(path), "manual"+Extension))
}

// checkBackupsWhole checks that every backup of the project at path under a final name, and extra
// if it exists, is a whole Tagdesk project.
func checkBackupsWhole(t *testing.T, path, extra string) {
	t.Helper()
	backups, err := ListBackups(path)
	if err != nil {
		t.Fatal(err)
	}
	files := make([]string, 0, len(backups)+1)
	for _, b := range backups {
		files = append(files, b.Path)
	}
	if fileExists(extra) {
		files = append(files, extra)
	}
	for _, f := range files {
		if err := checkRestorable(context.Background(), f); err != nil {
			t.Errorf("backup %s is not whole: %v", f, err)
		}
	}
}

// openChecked opens the project at path, which must open, and fails unless Check finds it sound.
func openChecked(t *testing.T, path, what string) *Project {
	t.Helper()
	p, err := Open(context.Background(), path, OpenOptions{})
	if err != nil {
		t.Fatalf("%s: Open: %v (files: %s)", what, err, projectFiles(path))
	}
	rep, err := p.Check(context.Background())
	if err != nil || !rep.OK() || rep.SchemaVersion != SchemaVersion {
		p.Close()
		t.Fatalf("%s: Check: %+v, %v", what, rep, err)
	}
	return p
}

// seedCrashProject makes the project the edit rounds start from: three documents, some suggestions.
func seedCrashProject(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	p, err := Open(ctx, path, OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i, text := range crashTexts {
		mustAddDocument(t, p, fmt.Sprintf("doc-%d", i+1), text)
	}
}

var crashTexts = []string{
	"Selon l’état-major, 40 drones Shahed ont été abattus près de Kharkiv 🇺🇦 par la défense aérienne ukrainienne.",
	"Moscow said 12 tanks were destroyed near Bakhmut — « un succès », according to the ministry of defence.",
	"Олександр Сирський said about 1,100 soldiers were lost, an estimate the general staff did not confirm.",
}

// copyProject copies the project file at from, closed, to dest.
func copyProject(t *testing.T, from, dest string) {
	t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		if fileExists(from + suffix) {
			t.Fatalf("%s is left after closing the project", from+suffix)
		}
		os.Remove(dest + suffix)
	}
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dest, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// crashAck is one "ack N DIGEST DESCRIPTION" line of the child: edit N returned, and the project then
// held what DIGEST sums up.
type crashAck struct {
	n      int
	digest string
	desc   string
}

func parseCrashAck(line string) (crashAck, bool) {
	f := strings.SplitN(line, " ", 4)
	if len(f) != 4 || f[0] != "ack" {
		return crashAck{}, false
	}
	n, err := strconv.Atoi(f[1])
	return crashAck{n: n, digest: f[2], desc: f[3]}, err == nil
}

// bulk reports whether the edit was one of many rows in one transaction.
func (a crashAck) bulk() bool {
	return strings.HasPrefix(a.desc, "import") || strings.HasPrefix(a.desc, "accept suggestions")
}

// crashDump renders everything the project holds, every table row by row, without the times (the
// child and the replay make the same edits at different times), in a stable order.
func crashDump(t *testing.T, p *Project) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	err := p.read(ctx, func(tx *sql.Tx) error {
		var tables []string
		err := eachRow(ctx, tx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
			func(r *sql.Rows) error {
				var name string
				tables = append(tables, name)
				return r.Scan(&tables[len(tables)-1])
			})
		if err != nil {
			return err
		}
		for _, table := range tables {
			var cols []string
			err := eachRow(ctx, tx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, func(r *sql.Rows) error {
				var c string
				if err := r.Scan(&c); err != nil {
					return err
				}
				if !strings.HasSuffix(c, "_at") {
					cols = append(cols, `quote("`+c+`")`)
				}
				return nil
			}, table)
			if err != nil {
				return err
			}
			err = eachRow(ctx, tx, `SELECT `+strings.Join(cols, ` || '|' || `)+` FROM "`+table+`"`, func(r *sql.Rows) error {
				var row string
				if err := r.Scan(&row); err != nil {
					return err
				}
				lines = append(lines, table+" "+row)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("dump the project: %v", err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func digestOf(dump string) string {
	sum := sha256.Sum256([]byte(dump))
	return hex.EncodeToString(sum[:8])
}

func crashDigest(t *testing.T, p *Project) string { return digestOf(crashDump(t, p)) }

// lineDiff lists the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

func crashSpanKey(s Span) string {
	return fmt.Sprintf("%d/%s/%s/%d-%d", s.DocumentID, s.Annotator, s.Label, s.Start, s.End)
}

// projectFiles lists the project file at path and its journals, with their sizes.
func projectFiles(path string) string {
	var out []string
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			out = append(out, fmt.Sprintf("%s (%d bytes)", filepath.Base(path+suffix), fi.Size()))
		}
	}
	return strings.Join(out, ", ")
}
