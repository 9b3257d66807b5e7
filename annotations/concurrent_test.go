package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestStaleSpanEditsRefused opens one file twice, as two programs would: B changes or deletes a span
// after A read it, and each of A's History edits made from what A read is refused with
// ErrChangedElsewhere and a plain sentence, records nothing, and leaves B's change in place, which A
// then reads.
func TestStaleSpanEditsRefused(t *testing.T) {
	ctx := context.Background()
	const (
		changed = "This span was changed in another window or program: the document was reloaded; make your change again."
		deleted = "This span was deleted in another window or program: the document was reloaded."
	)
	elsewhere := map[string]struct {
		change func(b *Project, id int64) error
		want   string
	}{
		"relabelled": {func(b *Project, id int64) error { _, err := b.RelabelSpan(ctx, id, "weapon"); return err }, changed},
		"resized":    {func(b *Project, id int64) error { _, err := b.ResizeSpan(ctx, id, 10, 12); return err }, changed},
		"noted":      {func(b *Project, id int64) error { _, err := b.SetNote(ctx, id, "theirs"); return err }, changed},
		// the content is as A read it, but B saved it since: only the time tells
		"saved as it was": {func(b *Project, id int64) error { _, err := b.SetNote(ctx, id, ""); return err }, changed},
		"deleted":         {func(b *Project, id int64) error { _, err := b.DeleteSpan(ctx, id); return err }, deleted},
	}
	edits := map[string]func(h *History, seen Span) error{
		"relabel": func(h *History, seen Span) error { _, err := h.RelabelSpan(ctx, seen, "claim"); return err },
		"resize":  func(h *History, seen Span) error { _, err := h.ResizeSpan(ctx, seen, 10, 30); return err },
		"note":    func(h *History, seen Span) error { _, err := h.SetNote(ctx, seen, "mine"); return err },
		"attrs":   func(h *History, seen Span) error { _, err := h.SetAttrs(ctx, seen, Attrs{"value": 41}); return err },
		"delete":  func(h *History, seen Span) error { _, err := h.DeleteSpan(ctx, seen); return err },
	}
	for ename, e := range elsewhere {
		for name, edit := range edits {
			t.Run(ename+"/"+name, func(t *testing.T) {
				a := mustOpen(t)
				b := mustOpenAt(t, a.Path())
				fixedClock(b) // B's times differ from A's whatever the clock's resolution
				d := mustAddDocument(t, a, "a", historyText)
				seen := mustAddSpan(t, a, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: 10, End: 19})
				if err := e.change(b, seen.ID); err != nil {
					t.Fatal(err)
				}
				theirs := historyState(t, b, d.ID)
				h := NewHistory(a)
				err := edit(h, seen)
				if !errors.Is(err, ErrChangedElsewhere) {
					t.Fatalf("the stale edit returned %v, want ErrChangedElsewhere", err)
				}
				if got := Message(err); got != e.want {
					t.Errorf("message %q, want %q", got, e.want)
				}
				if h.CanUndo() {
					t.Errorf("the refused edit was recorded: %q", h.UndoName())
				}
				if got := historyState(t, a, d.ID); got != theirs {
					t.Errorf("A reads %s, want B's change: %s", got, theirs)
				}
			})
		}
	}
}

// TestFreshSpanEditAfterStale checks that after a refused edit, the same edit made from the span as
// now stored goes through: the user reloads and makes the change again.
func TestFreshSpanEditAfterStale(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t)
	b := mustOpenAt(t, a.Path())
	d := mustAddDocument(t, a, "a", historyText)
	seen := mustAddSpan(t, a, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if _, err := b.SetNote(ctx, seen.ID, "theirs"); err != nil {
		t.Fatal(err)
	}
	h := NewHistory(a)
	if _, err := h.RelabelSpan(ctx, seen, "claim"); !errors.Is(err, ErrChangedElsewhere) {
		t.Fatalf("stale relabel: %v", err)
	}
	now, err := a.Span(ctx, seen.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.RelabelSpan(ctx, now, "claim"); err != nil {
		t.Fatalf("relabel of the span as stored: %v", err)
	}
	if got, want := historyState(t, b, d.ID), `alice claim 0-4 "theirs"; alice in progress`; got != want {
		t.Errorf("B reads %s, want %s", got, want)
	}
}

// holdWriteLock starts a write transaction on another connection to the file at path, as another
// program writing would, and returns what ends it (a rollback).
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite3", dsn(path, "rw", "immediate", false))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			tx.Rollback()
			db.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// TestBusyWriteSaysSo holds the write lock from another connection past the busy timeout: every kind
// of write gives up with a sentence naming the project instead of waiting on or saying "database is
// locked", changes nothing, and goes through once the lock is released.
func TestBusyWriteSaysSo(t *testing.T) {
	ctx := context.Background()
	path := mustOpen(t).Path()
	p, err := Open(ctx, path, OpenOptions{busyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d := mustAddDocument(t, p, "a", historyText)
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	want := fmt.Sprintf("Another program is writing to %s; try again in a moment.", path)
	writes := map[string]func() error{
		"add span": func() error {
			_, _, err := p.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "claim", Start: 5, End: 9})
			return err
		},
		"history note": func() error { _, err := NewHistory(p).SetNote(ctx, s, "mine"); return err },
		"import": func() error {
			rec := &Record{File: "in.jsonl", Line: 1, Text: "A new text.", Spans: []RecordSpan{{Start: 2, End: 5, Label: "actor"}}}
			_, err := p.Import(ctx, records(rec), ImportOptions{Annotator: "bob"})
			return err
		},
	}
	state := func(t *testing.T) string {
		list, err := p.ListDocuments(ctx, DocumentQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d documents; %s", len(list), historyState(t, p, d.ID))
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			before := state(t)
			release := holdWriteLock(t, path)
			err := write()
			if got := Message(err); got != want {
				t.Fatalf("busy: %q (%v), want %q", got, err, want)
			}
			if got := state(t); got != before {
				t.Errorf("the refused write changed the project: %s, was %s", got, before)
			}
			release()
			if err := write(); err != nil {
				t.Errorf("after the lock was released: %v", err)
			}
		})
	}
}

// TestBusyMigrationSaysSo opens a project of an older schema while another program holds the write
// lock: Open gives up with the same sentence, and opens it once the lock is released.
func TestBusyMigrationSaysSo(t *testing.T) {
	ctx := context.Background()
	path := copyFixture(t, 3)
	release := holdWriteLock(t, path)
	_, err := Open(ctx, path, OpenOptions{busyTimeout: 50 * time.Millisecond})
	if want := fmt.Sprintf("Another program is writing to %s; try again in a moment.", path); Message(err) != want {
		t.Fatalf("Open while busy: %q (%v), want %q", Message(err), err, want)
	}
	release()
	p, err := Open(ctx, path, OpenOptions{})
	if err != nil {
		t.Fatalf("Open after the lock was released: %v", err)
	}
	p.Close()
}

// TestReadersNotBlockedByWriter holds a write transaction open, uncommitted, while the writer's own
// handle and another one read: every read returns, and sees the last committed state, not the
// write under way.
func TestReadersNotBlockedByWriter(t *testing.T) {
	ctx := context.Background()
	w := mustOpen(t)
	other := mustOpenAt(t, w.Path())
	d := mustAddDocument(t, w, "a", historyText)
	mustAddSpan(t, w, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	mustAddSpan(t, w, NewSpan{DocumentID: d.ID, Annotator: "bob", Label: "actor", Start: 0, End: 4})

	locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- w.write(ctx, func(tx *sql.Tx) error {
			_, _, _, err := w.insertSpan(ctx, tx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "claim", Start: 5, End: 9}, false)
			close(locked)
			<-release
			return err
		})
	}()
	<-locked
	for name, p := range map[string]*Project{"the writer's handle": w, "another handle": other} {
		t.Run(name, func(t *testing.T) {
			got, err := readAll(ctx, p, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := "export 2 spans; list 1 documents, 1 spans; spans 2; annotated 2 spans"; got != want {
				t.Errorf("read %q while the write is under way, want the committed state %q", got, want)
			}
		})
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got, err := readAll(ctx, other, d.ID)
	if want := "export 3 spans; list 1 documents, 2 spans; spans 3; annotated 3 spans"; err != nil || got != want {
		t.Errorf("after the commit: %q (%v), want %q", got, err, want)
	}
}

// readAll runs the reads that the GUI and the CLI make (export, the document list, a document's spans,
// the agreement's read) and sums up what they saw.
func readAll(ctx context.Context, p *Project, docID int64) (string, error) {
	var b strings.Builder
	exported := 0
	err := p.Export(ctx, ExportQuery{}, func(d *ExportDocument) error { exported += len(d.Spans); return nil })
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "export %d spans; ", exported)
	list, err := p.ListDocuments(ctx, DocumentQuery{Annotator: "alice"})
	if err != nil {
		return "", err
	}
	aliceSpans := 0
	for _, e := range list {
		aliceSpans += e.Spans
	}
	fmt.Fprintf(&b, "list %d documents, %d spans; ", len(list), aliceSpans)
	spans, err := p.Spans(ctx, docID, "")
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "spans %d; ", len(spans))
	annotated := 0
	err = p.EachAnnotated(ctx, []string{"alice", "bob"}, func(d *AnnotatedDocument) error { annotated += len(d.Spans); return nil })
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "annotated %d spans", annotated)
	return b.String(), nil
}
