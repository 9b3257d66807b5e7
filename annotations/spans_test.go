package annotations

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// article is French war reporting with what trips offsets: quotes, apostrophes, an emoji, Cyrillic.
const article = "« L’armée a perdu environ 1.100 hommes », selon Олександр Сирський 🇺🇦 ; des lance-roquettes de 240 mm."

func runeIndex(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		panic("no " + sub)
	}
	return len([]rune(s[:i]))
}

func TestAddSpan(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", article)
	start := runeIndex(article, "environ")
	claim := NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "claim", Start: 0, End: runeIndex(article, ",")}
	figure := NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "figure", Start: start, End: start + len("environ 1.100 hommes")}

	s, added, err := p.AddSpan(ctx, figure)
	if err != nil || !added {
		t.Fatalf("AddSpan = %v, added %v", err, added)
	}
	if s.ID == 0 || s.Start != figure.Start || s.End != figure.End || s.Label != "figure" || s.Annotator != "alice" {
		t.Errorf("AddSpan returned %+v", s)
	}
	if st, _ := p.Status(ctx, d.ID, "alice"); st != StatusInProgress {
		t.Errorf("status after the first span = %s, want in progress", st)
	}
	again, added, err := p.AddSpan(ctx, figure)
	if err != nil || added || again.ID != s.ID {
		t.Errorf("adding an identical span: %+v, added %v, err %v; want the same span, not added", again, added, err)
	}
	// nested and overlapping spans are all kept
	mustAddSpan(t, p, claim)
	mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 2, End: 9})
	mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "bob", Label: "figure", Start: figure.Start, End: figure.End})
	spans, err := p.Spans(ctx, d.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alice claim 0-40", "alice actor 2-9", "alice figure 18-38", "bob figure 18-38"}
	if got := spanKeys(spans); !slices.Equal(got, want) {
		t.Errorf("spans = %v, want %v", got, want)
	}
	alice, _ := p.Spans(ctx, d.ID, "alice")
	if len(alice) != 3 {
		t.Errorf("alice has %d spans, want 3", len(alice))
	}
	if got := []rune(article)[spans[2].Start:spans[2].End]; string(got) != "environ 1.100 hommes" {
		t.Errorf("figure covers %q", string(got))
	}
}

func TestAddSpanRejects(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", "Kyiv 🙂") // 6 code points
	tests := map[string]struct {
		ns   NewSpan
		want string
	}{
		"negative start":   {NewSpan{d.ID, "alice", "actor", -1, 3, "", nil}, "start -1 is negative"},
		"reversed":         {NewSpan{d.ID, "alice", "actor", 4, 2, "", nil}, "end 2 is before start 4"},
		"empty":            {NewSpan{d.ID, "alice", "actor", 3, 3, "", nil}, "is empty"},
		"past the end":     {NewSpan{d.ID, "alice", "actor", 0, 7, "", nil}, "past the end of the text (6 characters)"},
		"unknown label":    {NewSpan{d.ID, "alice", "place", 0, 4, "", nil}, `no label named "place"`},
		"unknown document": {NewSpan{d.ID + 99, "alice", "actor", 0, 4, "", nil}, "document no longer exists"},
		"empty annotator":  {NewSpan{d.ID, "", "actor", 0, 4, "", nil}, "annotator name cannot be empty"},
		"spaced annotator": {NewSpan{d.ID, " bob", "actor", 0, 4, "", nil}, "cannot start or end with spaces"},
		"unknown attribute": {NewSpan{d.ID, "alice", "figure", 0, 4, "", Attrs{"colour": "red"}},
			`The figure span at 0–4 cannot be added: the label "figure" has no attribute "colour"`},
		"wrong type": {NewSpan{d.ID, "alice", "figure", 0, 4, "", Attrs{"value": "many"}},
			`the attribute "value" of label "figure" takes a number, not "many"`},
		"not a choice": {NewSpan{d.ID, "alice", "claim", 0, 4, "", Attrs{"stance": "maybe"}},
			`takes one of asserted, denied, unconfirmed, not "maybe"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := p.AddSpan(ctx, tt.ns)
			if err == nil || !strings.Contains(Message(err), tt.want) {
				t.Fatalf("AddSpan(%+v) = %v, want %q", tt.ns, err, tt.want)
			}
		})
	}
	if spans, _ := p.Spans(ctx, d.ID, ""); len(spans) != 0 {
		t.Errorf("rejected spans were stored: %v", spanKeys(spans))
	}
	if a, _ := p.Annotators(ctx); len(a) != 0 {
		t.Errorf("rejected spans added annotators: %v", a)
	}
}

func TestEditSpan(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	fixedClock(p)
	d := mustAddDocument(t, p, "a", article)
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 2, End: 9})
	other := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "claim", Start: 2, End: 9})

	r, err := p.RelabelSpan(ctx, s.ID, "weapon")
	if err != nil || r.Label != "weapon" || r.ID != s.ID {
		t.Fatalf("RelabelSpan = %+v, %v", r, err)
	}
	if !r.UpdatedAt.After(s.UpdatedAt) || !r.CreatedAt.Equal(s.CreatedAt) {
		t.Errorf("relabel times: created %v→%v, updated %v→%v", s.CreatedAt, r.CreatedAt, s.UpdatedAt, r.UpdatedAt)
	}
	if r, err = p.ResizeSpan(ctx, s.ID, 4, 9); err != nil || r.Start != 4 || r.End != 9 {
		t.Fatalf("ResizeSpan = %+v, %v", r, err)
	}
	if _, err := p.ResizeSpan(ctx, s.ID, 4, 1000); err == nil || !strings.Contains(Message(err), "past the end") {
		t.Errorf("ResizeSpan past the end: %v", err)
	}
	if r, err = p.SetNote(ctx, s.ID, "line 1\r\nline 2"); err != nil || r.Note != "line 1\nline 2" {
		t.Fatalf("SetNote = %q, %v", r.Note, err)
	}
	// relabelling onto an identical span is refused: two identical spans are one
	if _, err := p.ResizeSpan(ctx, s.ID, 2, 9); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RelabelSpan(ctx, s.ID, "claim"); !errors.Is(err, ErrSpanExists) {
		t.Errorf("relabel onto an identical span: %v, want ErrSpanExists", err)
	}
	if _, err := p.RelabelSpan(ctx, s.ID, "nothing"); err == nil || !strings.Contains(Message(err), `no label named "nothing"`) {
		t.Errorf("relabel to an unknown label: %v", err)
	}
	deleted, err := p.DeleteSpan(ctx, s.ID)
	if err != nil || deleted.ID != s.ID || deleted.Label != "weapon" || deleted.Note != "line 1\nline 2" {
		t.Fatalf("DeleteSpan = %+v, %v", deleted, err)
	}
	if _, err := p.Span(ctx, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Span after delete: %v, want ErrNotFound", err)
	}
	if _, err := p.DeleteSpan(ctx, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := p.Span(ctx, other.ID); err != nil {
		t.Errorf("the other span went too: %v", err)
	}
}

func TestStatus(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", "text")
	if st, err := p.Status(ctx, d.ID, "alice"); err != nil || st != StatusNew {
		t.Fatalf("Status of an unknown annotator = %s, %v; want new", st, err)
	}
	for _, s := range []Status{StatusDone, StatusInProgress, StatusNew, StatusDone} {
		if err := p.SetStatus(ctx, d.ID, "alice", s); err != nil {
			t.Fatal(err)
		}
		if got, _ := p.Status(ctx, d.ID, "alice"); got != s {
			t.Errorf("after SetStatus(%s), Status = %s", s, got)
		}
	}
	// adding a span to a done document keeps it done
	mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 4})
	if got, _ := p.Status(ctx, d.ID, "alice"); got != StatusDone {
		t.Errorf("a new span moved a done document to %s", got)
	}
	if err := p.SetStatus(ctx, d.ID, "alice", "in progress"); err != nil {
		t.Errorf("SetStatus with the spelling \"in progress\": %v", err)
	} else if got, _ := p.Status(ctx, d.ID, "alice"); got != StatusInProgress {
		t.Errorf("after SetStatus(\"in progress\"), Status = %q", got)
	}
	if err := p.SetStatus(ctx, d.ID, "alice", "finished"); err == nil {
		t.Error("SetStatus accepted an unknown status")
	}
	if err := p.SetStatus(ctx, d.ID+1, "alice", StatusDone); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetStatus on a missing document: %v", err)
	}
}

func TestLabels(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "a", "Wagner fighters")
	s := mustAddSpan(t, p, NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 0, End: 6})

	place, err := p.AddLabel(ctx, Label{Name: "place", Hotkey: "p", Guideline: "A place."})
	if err != nil {
		t.Fatal(err)
	}
	if place.Position != 4 || place.Color == "" {
		t.Errorf("new label %+v: want position 4 and a palette colour", place)
	}
	labels, _ := p.Labels(ctx)
	actor := labels[0]
	actor.Name, actor.Color, actor.Hotkey = "acteur", "#112233", "q"
	if _, err := p.UpdateLabel(ctx, actor); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Span(ctx, s.ID); got.Label != "acteur" {
		t.Errorf("after renaming actor to acteur the span's label is %q", got.Label)
	}
	if err := p.MoveLabel(ctx, place.ID, 0); err != nil {
		t.Fatal(err)
	}
	labels, _ = p.Labels(ctx)
	var order []string
	for i, l := range labels {
		order = append(order, l.Name)
		if l.Position != i {
			t.Errorf("label %q has position %d at index %d", l.Name, l.Position, i)
		}
	}
	if got := strings.Join(order, " "); got != "place acteur figure weapon claim" {
		t.Errorf("order after move = %s", got)
	}
	if err := p.DeleteLabel(ctx, actor.ID); err == nil || !strings.Contains(Message(err), "used by 1 spans") {
		t.Errorf("deleting a used label: %v", err)
	}
	if err := p.DeleteLabel(ctx, labels[2].ID); err != nil { // figure, unused
		t.Fatal(err)
	}
	if got := labelOrder(t, p); got != "0:place 1:acteur 2:weapon 3:claim" {
		t.Errorf("after deleting figure: %s", got)
	}
	// deleting from the middle of a reordered set keeps the order of the rest
	labels, _ = p.Labels(ctx)
	if err := p.MoveLabel(ctx, labels[0].ID, 3); err != nil { // place to the end
		t.Fatal(err)
	}
	if got := labelOrder(t, p); got != "0:acteur 1:weapon 2:claim 3:place" {
		t.Errorf("after moving place to the end: %s", got)
	}
	labels, _ = p.Labels(ctx)
	if err := p.DeleteLabel(ctx, labels[1].ID); err != nil { // weapon
		t.Fatal(err)
	}
	if got := labelOrder(t, p); got != "0:acteur 1:claim 2:place" {
		t.Errorf("after deleting weapon: %s", got)
	}

	bad := map[string]struct {
		l    Label
		want string
	}{
		"empty name":        {Label{Name: "", Color: "#000000"}, "cannot be empty"},
		"duplicate name":    {Label{Name: "claim", Color: "#000000"}, `already a label named "claim"`},
		"bad colour":        {Label{Name: "x", Color: "red"}, "not of the form #rrggbb"},
		"digit hotkey":      {Label{Name: "x", Color: "#000000", Hotkey: "1"}, "cannot be a digit"},
		"two-letter hotkey": {Label{Name: "x", Color: "#000000", Hotkey: "ab"}, "single character"},
		"taken hotkey":      {Label{Name: "x", Color: "#000000", Hotkey: "C"}, `already used by label "claim"`},
		"control character": {Label{Name: "a\tb", Color: "#000000"}, "control characters"},
	}
	for name, tt := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := p.AddLabel(ctx, tt.l); err == nil || !strings.Contains(Message(err), tt.want) {
				t.Errorf("AddLabel(%+v) = %v, want %q", tt.l, err, tt.want)
			}
		})
	}
	if after, _ := p.Labels(ctx); len(after) != 3 {
		t.Errorf("rejected labels were added: %d labels", len(after))
	}
}

// labelOrder renders the label set as "position:name ...".
func labelOrder(t *testing.T, p *Project) string {
	t.Helper()
	labels, err := p.Labels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range labels {
		out = append(out, fmt.Sprintf("%d:%s", l.Position, l.Name))
	}
	return strings.Join(out, " ")
}

// TestLabelsOldReservedHotkey: a label set made before n and r had keys of their own may hold them; such a
// label can still be edited, but no label can newly take them.
func TestLabelsOldReservedHotkey(t *testing.T) {
	ctx := context.Background()
	p := mustOpen(t)
	if _, err := p.db.ExecContext(ctx, `UPDATE labels SET hotkey = 'n' WHERE name = 'actor'`); err != nil {
		t.Fatal(err)
	}
	labels, _ := p.Labels(ctx)
	actor := labels[0]
	actor.Color, actor.Guideline = "#112233", "Who acts."
	if _, err := p.UpdateLabel(ctx, actor); err != nil {
		t.Fatalf("editing a label that keeps its old hotkey n: %v", err)
	}
	actor.Hotkey = "r"
	if _, err := p.UpdateLabel(ctx, actor); err == nil || !strings.Contains(Message(err), "is taken: r links") {
		t.Errorf("changing the hotkey to r: %v, want it refused", err)
	}
	figure := labels[1]
	figure.Hotkey = "n"
	if _, err := p.UpdateLabel(ctx, figure); err == nil {
		t.Error("another label took the hotkey n")
	}
}
