package annotations

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// historyText has room for spans at 0-4 ("Kyiv"), 2-9 and 0-9.
const historyText = "Kyiv said 40 drones were shot down."

// historyState renders what History can change in a document: every span with its note, then alice's
// status.
func historyState(t *testing.T, p *Project, documentID int64) string {
	t.Helper()
	ctx := context.Background()
	spans, err := p.Spans(ctx, documentID, "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "%s %s %d-%d", s.Annotator, s.Label, s.Start, s.End)
		if s.Note != "" {
			fmt.Fprintf(&b, " %q", s.Note)
		}
		b.WriteString("; ")
	}
	st, err := p.Status(ctx, documentID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("alice " + st.String())
	return b.String()
}

// onlySpan returns the one span of the annotator in the document, failing the test if there is not
// exactly one.
func onlySpan(t *testing.T, p *Project, documentID int64, annotator string) Span {
	t.Helper()
	spans, err := p.Spans(context.Background(), documentID, annotator)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != 1 {
		t.Fatalf("%s has %d spans, want 1: %v", annotator, len(spans), spanKeys(spans))
	}
	return spans[0]
}

// TestHistoryFollowsReaddedSpans adds, relabels and deletes a span, then undoes and redoes all three:
// undoing the delete gives the span a new ID, and the relabel and the add then act on it.
func TestHistoryFollowsReaddedSpans(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	// bob's span comes after alice's in ID order, so SQLite cannot give alice's deleted span its ID back
	h := NewHistory(p)
	first, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if err != nil {
		t.Fatal(err)
	}
	mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "bob", Label: "figure", Start: 10, End: 19})

	steps := []struct {
		name     string
		do       func() (Change, error)
		want     string
		change   string // the Change's description; "" for new edits
		selected bool   // the Change selects alice's span
		undo     string
		redo     string
	}{
		{"relabel", func() (Change, error) {
			_, err := h.RelabelSpan(ctx, onlySpan(t, p, d.ID, "alice"), "weapon")
			return Change{}, err
		}, "alice weapon 0-4; bob figure 10-19; alice in progress", "", false, "relabel actor span as weapon", ""},
		{"delete", func() (Change, error) {
			_, err := h.DeleteSpan(ctx, onlySpan(t, p, d.ID, "alice"))
			return Change{}, err
		}, "bob figure 10-19; alice in progress", "", false, "delete weapon span", ""},
		{"undo delete", func() (Change, error) { return h.Undo(ctx) },
			"alice weapon 0-4; bob figure 10-19; alice in progress", "undid: delete weapon span", true,
			"relabel actor span as weapon", "delete weapon span"},
		{"undo relabel", func() (Change, error) { return h.Undo(ctx) },
			"alice actor 0-4; bob figure 10-19; alice in progress", "undid: relabel actor span as weapon", true,
			"add actor span", "relabel actor span as weapon"},
		{"undo add", func() (Change, error) { return h.Undo(ctx) },
			"bob figure 10-19; alice new", "undid: add actor span", false, "", "add actor span"},
		{"redo add", func() (Change, error) { return h.Redo(ctx) },
			"alice actor 0-4; bob figure 10-19; alice in progress", "redid: add actor span", true,
			"add actor span", "relabel actor span as weapon"},
		{"redo relabel", func() (Change, error) { return h.Redo(ctx) },
			"alice weapon 0-4; bob figure 10-19; alice in progress", "redid: relabel actor span as weapon", true,
			"relabel actor span as weapon", "delete weapon span"},
		{"redo delete", func() (Change, error) { return h.Redo(ctx) },
			"bob figure 10-19; alice in progress", "redid: delete weapon span", false, "delete weapon span", ""},
	}
	for _, st := range steps {
		c, err := st.do()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := historyState(t, p, d.ID); got != st.want {
			t.Errorf("after %s: %s\nwant %s", st.name, got, st.want)
		}
		if st.change != "" {
			var wantSpan int64
			if st.selected {
				s := onlySpan(t, p, d.ID, "alice")
				wantSpan = s.ID
				if st.name == "undo delete" && s.ID == first.ID {
					t.Errorf("after %s: the span got back its old ID %d", st.name, s.ID)
				}
			}
			want := Change{DocumentID: d.ID, SpanID: wantSpan, Description: st.change}
			if c != want {
				t.Errorf("%s returned %+v, want %+v", st.name, c, want)
			}
		}
		if got := h.UndoName(); got != st.undo {
			t.Errorf("after %s: UndoName = %q, want %q", st.name, got, st.undo)
		}
		if got := h.RedoName(); got != st.redo {
			t.Errorf("after %s: RedoName = %q, want %q", st.name, got, st.redo)
		}
		if h.CanUndo() != (st.undo != "") || h.CanRedo() != (st.redo != "") {
			t.Errorf("after %s: CanUndo %v, CanRedo %v; want %v, %v", st.name, h.CanUndo(), h.CanRedo(), st.undo != "", st.redo != "")
		}
	}
}

// TestHistoryUndoRedo makes one edit, undoes it and redoes it, checking the project after each step.
func TestHistoryUndoRedo(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		edit  func(h *History, d Document, s Span) error
		name  string
		after string
	}{
		"relabel": {func(h *History, _ Document, s Span) error {
			_, err := h.RelabelSpan(ctx, s, "weapon")
			return err
		}, "relabel actor span as weapon", `alice weapon 2-9 "first"; alice in progress`},
		"resize": {func(h *History, _ Document, s Span) error {
			_, err := h.ResizeSpan(ctx, s, 0, 4)
			return err
		}, "resize actor span", `alice actor 0-4 "first"; alice in progress`},
		"edit note": {func(h *History, _ Document, s Span) error {
			_, err := h.SetNote(ctx, s, "second")
			return err
		}, "edit note of actor span", `alice actor 2-9 "second"; alice in progress`},
		"remove note": {func(h *History, _ Document, s Span) error {
			_, err := h.SetNote(ctx, s, "")
			return err
		}, "remove note from actor span", `alice actor 2-9; alice in progress`},
		"delete": {func(h *History, _ Document, s Span) error {
			_, err := h.DeleteSpan(ctx, s)
			return err
		}, "delete actor span", `alice in progress`},
		"add to a started document": {func(h *History, d Document, _ Span) error {
			_, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "claim", Start: 0, End: 9, Note: "n"})
			return err
		}, "add claim span", `alice claim 0-9 "n"; alice actor 2-9 "first"; alice in progress`},
		"status done": {func(h *History, d Document, _ Span) error {
			return h.SetStatus(ctx, d.ID, "alice", StatusDone)
		}, "mark document done", `alice actor 2-9 "first"; alice done`},
		"status back to new": {func(h *History, d Document, _ Span) error {
			return h.SetStatus(ctx, d.ID, "alice", StatusNew)
		}, "mark document new", `alice actor 2-9 "first"; alice new`},
		"status of a new annotator": {func(h *History, d Document, _ Span) error {
			return h.SetStatus(ctx, d.ID, "carol", "in progress")
		}, "mark document in progress", `alice actor 2-9 "first"; alice in progress`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			d := mustAddDocument(t, p, "a", historyText)
			s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 2, End: 9, Note: "first"})
			before := historyState(t, p, d.ID)
			carol := func() Status { st, _ := p.Status(ctx, d.ID, "carol"); return st }
			carolBefore := carol()
			h := NewHistory(p)
			if err := tt.edit(h, d, s); err != nil {
				t.Fatal(err)
			}
			carolAfter := carol()
			if got := historyState(t, p, d.ID); got != tt.after {
				t.Fatalf("after the edit: %s\nwant %s", got, tt.after)
			}
			if got := h.UndoName(); got != tt.name {
				t.Errorf("UndoName = %q, want %q", got, tt.name)
			}
			for i, step := range []struct {
				name        string
				do          func(context.Context) (Change, error)
				want        string
				carol       Status
				description string
			}{
				{"undo", h.Undo, before, carolBefore, "undid: " + tt.name},
				{"redo", h.Redo, tt.after, carolAfter, "redid: " + tt.name},
				{"undo again", h.Undo, before, carolBefore, "undid: " + tt.name},
			} {
				c, err := step.do(ctx)
				if err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
				if got := historyState(t, p, d.ID); got != step.want {
					t.Errorf("after %s: %s\nwant %s", step.name, got, step.want)
				}
				if got := carol(); got != step.carol {
					t.Errorf("after %s: carol's status %s, want %s", step.name, got, step.carol)
				}
				if c.Description != step.description || c.DocumentID != d.ID {
					t.Errorf("%s returned %+v, want document %d and %q", step.name, c, d.ID, step.description)
				}
				if wantUndo := i == 1; h.CanUndo() != wantUndo || h.CanRedo() == wantUndo {
					t.Errorf("after %s: CanUndo %v, CanRedo %v", step.name, h.CanUndo(), h.CanRedo())
				}
			}
		})
	}
}

// TestHistorySkipsNoOps checks that edits that change nothing, and edits that fail, are not recorded
// and keep what can be redone.
func TestHistorySkipsNoOps(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 2, End: 9, Note: "a\nb"})
	h := NewHistory(p)
	// something to redo, which an edit that changes nothing must not clear
	if _, err := h.ResizeSpan(ctx, s, 2, 8); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	before := historyState(t, p, d.ID)
	tests := map[string]struct {
		edit    func() error
		wantErr string
	}{
		"same label": {edit: func() error { _, err := h.RelabelSpan(ctx, s, "actor"); return err }},
		"same range": {edit: func() error { _, err := h.ResizeSpan(ctx, s, 2, 9); return err }},
		"same note":  {edit: func() error { _, err := h.SetNote(ctx, s, "a\r\nb"); return err }},
		"same status": {edit: func() error {
			return h.SetStatus(ctx, d.ID, "alice", "in progress")
		}},
		"identical span": {edit: func() error {
			got, added, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 2, End: 9})
			if err == nil && (added || got.ID != s.ID) {
				return fmt.Errorf("AddSpan of an identical span returned %+v, added %v", got, added)
			}
			return err
		}},
		"unknown label":      {func() error { _, err := h.RelabelSpan(ctx, s, "place"); return err }, `no label named "place"`},
		"range past the end": {func() error { _, err := h.ResizeSpan(ctx, s, 2, 99); return err }, "past the end"},
		"missing span": {func() error {
			_, err := h.DeleteSpan(ctx, Span{ID: s.ID + 99})
			return err
		}, "This span was deleted in another window or program"},
		"unknown status":   {func() error { return h.SetStatus(ctx, d.ID, "alice", "finished") }, `"finished" is not a document status`},
		"missing document": {func() error { return h.SetStatus(ctx, d.ID+99, "alice", StatusDone) }, "That document no longer exists."},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			if s, err = p.Span(ctx, s.ID); err != nil { // as the last edit left it (a no-op edit saves a new time)
				t.Fatal(err)
			}
			err = tt.edit()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("edit: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(Message(err), tt.wantErr)):
				t.Fatalf("edit: %v, want %q", err, tt.wantErr)
			}
			if h.CanUndo() || h.UndoName() != "" {
				t.Errorf("the edit was recorded: UndoName %q", h.UndoName())
			}
			if got := h.RedoName(); got != "resize actor span" {
				t.Errorf("RedoName = %q, want the resize still to redo", got)
			}
			if got := historyState(t, p, d.ID); got != before {
				t.Errorf("the project changed: %s\nwant %s", got, before)
			}
		})
	}
}

func TestHistoryNewEditClearsRedo(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	h := NewHistory(p)
	for _, label := range []string{"actor", "figure"} {
		if _, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: label, Start: 0, End: 4}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := h.Undo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.RedoName(); got != "add actor span" {
		t.Fatalf("RedoName = %q, want add actor span", got)
	}
	if err := h.SetStatus(ctx, d.ID, "alice", StatusDone); err != nil {
		t.Fatal(err)
	}
	if h.CanRedo() || h.RedoName() != "" {
		t.Errorf("a new edit left %q to redo", h.RedoName())
	}
	if _, err := h.Redo(ctx); err == nil || Message(err) != "There is nothing to redo." {
		t.Errorf("Redo with nothing to redo: %v", err)
	}
	if got, want := historyState(t, p, d.ID), "alice done"; got != want {
		t.Errorf("project: %s, want %s", got, want)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if h.CanUndo() {
		t.Errorf("left to undo: %q", h.UndoName())
	}
	if _, err := h.Undo(ctx); err == nil || Message(err) != "There is nothing to undo." {
		t.Errorf("Undo with nothing to undo: %v", err)
	}
}

// TestHistoryConflicts changes the project through a second connection, as another program would,
// and checks that the edit that can no longer be undone or redone is refused with a plain sentence,
// dropped, and leaves the project as it was.
func TestHistoryConflicts(t *testing.T) {
	ctx := context.Background()
	type env struct {
		h *History
		q *Project // the same file through other connections, as another program
		d Document
	}
	add := func(t *testing.T, h *History, d Document, label string, start, end int) Span {
		t.Helper()
		s, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: label, Start: start, End: end})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := map[string]struct {
		setup    func(t *testing.T, e env)
		redo     bool
		want     string
		leftName string // what is left to undo, or to redo
	}{
		"undo relabel of a span deleted elsewhere": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.h.RelabelSpan(ctx, s, "weapon")
			must(t, err)
			_, err = e.q.DeleteSpan(ctx, s.ID)
			must(t, err)
		}, false, "That edit can no longer be undone: the span was deleted elsewhere.", "add actor span"},
		"undo relabel of a span changed elsewhere": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.h.RelabelSpan(ctx, s, "weapon")
			must(t, err)
			_, err = e.q.SetNote(ctx, s.ID, "theirs")
			must(t, err)
		}, false, "That edit can no longer be undone: the span was changed elsewhere.", "add actor span"},
		"undo add of a span changed elsewhere": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.q.ResizeSpan(ctx, s.ID, 0, 9)
			must(t, err)
		}, false, "That edit can no longer be undone: the span was changed elsewhere.", ""},
		"undo add of a span whose ID was given to another": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.q.DeleteSpan(ctx, s.ID)
			must(t, err)
			// SQLite gives the deleted span's ID to the next span; the session then deletes that one
			b := add(t, e.h, e.d, "figure", 10, 12)
			if b.ID != s.ID {
				t.Fatalf("the new span got ID %d, not the deleted span's %d", b.ID, s.ID)
			}
			_, err = e.h.DeleteSpan(ctx, b)
			must(t, err)
			_, err = e.h.Undo(ctx)
			must(t, err)
			_, err = e.h.Undo(ctx)
			must(t, err)
		}, false, "That edit can no longer be undone: the span was deleted elsewhere.", ""},
		"undo delete onto an identical span": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.h.DeleteSpan(ctx, s)
			must(t, err)
			_, _, err = e.q.AddSpan(ctx, NewSpan{DocumentID: e.d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
			must(t, err)
		}, false, "That edit can no longer be undone: an identical span already exists.", "add actor span"},
		"undo resize onto an identical span": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.h.ResizeSpan(ctx, s, 0, 9)
			must(t, err)
			_, _, err = e.q.AddSpan(ctx, NewSpan{DocumentID: e.d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
			must(t, err)
		}, false, "That edit can no longer be undone: an identical span already exists.", "add actor span"},
		"undo relabel to a deleted label": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "claim", 0, 4)
			_, err := e.h.RelabelSpan(ctx, s, "weapon")
			must(t, err)
			labels, err := e.q.Labels(ctx)
			must(t, err)
			must(t, e.q.DeleteLabel(ctx, labels[3].ID))
		}, false, `That edit can no longer be undone: the label "claim" no longer exists.`, "add claim span"},
		"undo status changed elsewhere": {func(t *testing.T, e env) {
			must(t, e.h.SetStatus(ctx, e.d.ID, "alice", StatusDone))
			must(t, e.q.SetStatus(ctx, e.d.ID, "alice", StatusInProgress))
		}, false, "That edit can no longer be undone: the document's status was changed elsewhere.", ""},
		"undo status of a deleted document": {func(t *testing.T, e env) {
			must(t, e.h.SetStatus(ctx, e.d.ID, "alice", StatusDone))
			_, err := e.q.db.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, e.d.ID)
			must(t, err)
		}, false, "That edit can no longer be undone: the document no longer exists.", ""},
		"redo add onto an identical span": {func(t *testing.T, e env) {
			add(t, e.h, e.d, "actor", 0, 4)
			_, err := e.h.Undo(ctx)
			must(t, err)
			_, _, err = e.q.AddSpan(ctx, NewSpan{DocumentID: e.d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
			must(t, err)
		}, true, "That edit can no longer be redone: an identical span already exists.", ""},
		"redo relabel of a span deleted elsewhere": {func(t *testing.T, e env) {
			s := add(t, e.h, e.d, "actor", 0, 4)
			s, err := e.h.RelabelSpan(ctx, s, "weapon")
			must(t, err)
			_, err = e.h.ResizeSpan(ctx, s, 0, 9)
			must(t, err)
			for range 2 {
				_, err = e.h.Undo(ctx)
				must(t, err)
			}
			_, err = e.q.DeleteSpan(ctx, s.ID)
			must(t, err)
		}, true, "That edit can no longer be redone: the span was deleted elsewhere.", "resize weapon span"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := mustOpen(t)
			q := mustOpenAt(t, p.Path())
			d := mustAddDocument(t, p, "a", historyText)
			e := env{h: NewHistory(p), q: q, d: d}
			tt.setup(t, e)
			before := historyState(t, p, d.ID)
			step, left := e.h.Undo, e.h.UndoName
			if tt.redo {
				step, left = e.h.Redo, e.h.RedoName
			}
			c, err := step(ctx)
			if err == nil {
				t.Fatalf("the step succeeded: %+v", c)
			}
			if got := Message(err); got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
			if !errors.Is(err, ErrChangedElsewhere) {
				t.Errorf("error %v is not ErrChangedElsewhere", err)
			}
			if got := left(); got != tt.leftName {
				t.Errorf("left after dropping the edit: %q, want %q", got, tt.leftName)
			}
			if got := historyState(t, p, d.ID); got != before {
				t.Errorf("the refused step changed the project: %s\nwas %s", got, before)
			}
		})
	}
}

// TestHistoryConflictThenRest checks that after an edit is dropped, the edits below it still undo.
func TestHistoryConflictThenRest(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	q := mustOpenAt(t, p.Path())
	d := mustAddDocument(t, p, "a", historyText)
	h := NewHistory(p)
	a, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: 10, End: 12})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.SetNote(ctx, b, "mine"); err != nil {
		t.Fatal(err)
	}
	if _, err := q.DeleteSpan(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	var got []string
	for h.CanUndo() {
		_, err := h.Undo(ctx)
		got = append(got, Message(err))
	}
	want := []string{
		"That edit can no longer be undone: the span was deleted elsewhere.",
		"That edit can no longer be undone: the span was deleted elsewhere.",
		"",
	}
	if !slices.Equal(got, want) {
		t.Errorf("undo messages = %q, want %q", got, want)
	}
	if _, err := p.Span(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the first span was not removed: %v", err)
	}
	if got := historyState(t, p, d.ID); got != "alice new" {
		t.Errorf("project: %s, want alice new", got)
	}
	if h.RedoName() != "add actor span" {
		t.Errorf("RedoName = %q, want add actor span", h.RedoName())
	}
}

// TestHistoryKeepsEditOnOtherErrors checks that an undo that fails for a reason other than a changed
// project keeps the edit, to be tried again.
func TestHistoryKeepsEditOnOtherErrors(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", historyText)
	h := NewHistory(p)
	if _, _, err := h.AddSpan(ctx, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4}); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := h.Undo(cancelled)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrChangedElsewhere) {
		t.Fatalf("Undo with a cancelled context: %v", err)
	}
	if got := Message(err); got != "Cancelled; nothing was changed." {
		t.Errorf("message %q", got)
	}
	if h.UndoName() != "add actor span" {
		t.Errorf("the edit was dropped: UndoName %q", h.UndoName())
	}
	if got := historyState(t, p, d.ID); got != "alice actor 0-4; alice in progress" {
		t.Errorf("project: %s", got)
	}
	if _, err := h.Undo(ctx); err != nil {
		t.Fatalf("Undo once the context is live: %v", err)
	}
	if got := historyState(t, p, d.ID); got != "alice new" {
		t.Errorf("project after undo: %s", got)
	}
}
