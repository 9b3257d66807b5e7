package app

import (
	"context"
	"image/color"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
)

// editorFixture is a label editor open over a window, on a new project with the default labels
// (actor, figure, weapon, claim) and one span labelled actor.
type editorFixture struct {
	p       *annotations.Project
	w       fyne.Window
	e       *labelEditor
	doc     int64
	changed int // calls of the changed callback
}

func openEditor(t *testing.T) *editorFixture {
	t.Helper()
	p := openProject(t)
	w := testWindow(t) // closed before p
	ctx := context.Background()
	d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: "front.txt", Text: "L’armée russe avance près de Pokrovsk."})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.AddSpan(ctx, annotations.NewSpan{DocumentID: d.ID, Annotator: "alice", Label: "actor", Start: 2, End: 13}); err != nil {
		t.Fatal(err)
	}
	f := &editorFixture{p: p, w: w, doc: d.ID}
	f.e = newLabelEditor(w, p, func() { f.changed++ })
	f.e.show()
	return f
}

// labels returns the stored label set.
func (f *editorFixture) labels(t *testing.T) []annotations.Label {
	t.Helper()
	ls, err := f.p.Labels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// storedNames returns the stored label names in order, space-separated.
func (f *editorFixture) storedNames(t *testing.T) string {
	t.Helper()
	var out []string
	for _, l := range f.labels(t) {
		out = append(out, l.Name)
	}
	return strings.Join(out, " ")
}

// shownNames returns the label names in the editor's rows, in order, space-separated.
func (f *editorFixture) shownNames() string {
	var out []string
	for _, r := range f.e.rows {
		out = append(out, r.name.Text)
	}
	return strings.Join(out, " ")
}

// fill puts the cursor in c and types text: over the old text in a hotkey field, in place of it
// elsewhere.
func (f *editorFixture) fill(c *commitEntry, text string, hotkey bool) {
	f.w.Canvas().Focus(c)
	if !hotkey {
		c.SetText("")
	}
	test.Type(c, text)
}

func TestLabelEditorFields(t *testing.T) {
	tests := map[string]struct {
		row     int
		field   labelField
		text    string
		submit  string // "enter", "shift+enter" or "tab"
		want    string // stored and shown afterwards
		message string
	}{
		"rename on Enter":            {row: 0, field: nameField, text: "person", submit: "enter", want: "person"},
		"rename on leaving, trimmed": {row: 1, field: nameField, text: "  number ", submit: "tab", want: "number"},
		"rename to a taken name":     {row: 2, field: nameField, text: "claim", submit: "enter", want: "weapon", message: `There is already a label named "claim".`},
		"empty name":                 {row: 0, field: nameField, text: "", submit: "tab", want: "actor", message: "A label name cannot be empty."},
		"unchanged name":             {row: 0, field: nameField, text: "actor", submit: "enter", want: "actor"},
		"hotkey typed over":          {row: 1, field: hotkeyField, text: "g", submit: "enter", want: "g"},
		"hotkey cleared":             {row: 1, field: hotkeyField, text: "", submit: "tab", want: ""},
		"three typed, last kept":     {row: 3, field: hotkeyField, text: "xyz", submit: "tab", want: "z"},
		"duplicate hotkey":           {row: 1, field: hotkeyField, text: "A", submit: "enter", want: "f", message: `The hotkey "A" is already used by label "actor".`},
		"reserved hotkey":            {row: 1, field: hotkeyField, text: "n", submit: "enter", want: "f", message: `The hotkey "n" of label "figure" is taken: n moves to the next suggestion.`},
		"digit hotkey": {row: 1, field: hotkeyField, text: "5", submit: "tab", want: "f",
			message: `The hotkey "5" of label "figure" cannot be a digit (1 to 9 choose labels by position).`},
		"guideline on leaving":     {row: 3, field: guidelineField, text: "Reported speech.\nNot the verb.", submit: "tab", want: "Reported speech.\nNot the verb."},
		"guideline on Shift+Enter": {row: 2, field: guidelineField, text: "Arms. ", submit: "shift+enter", want: "Arms."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openEditor(t)
			before := f.labels(t)
			r := f.e.rows[tc.row]
			c := r.entry(tc.field)
			if tc.field == hotkeyField && tc.text == "" {
				f.w.Canvas().Focus(c)
				c.SetText("")
			} else {
				f.fill(c, tc.text, tc.field == hotkeyField)
			}
			switch tc.submit {
			case "enter":
				c.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			case "shift+enter":
				c.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
				c.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
				c.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
			case "tab":
				test.FocusNext(f.w.Canvas())
			}

			after := f.labels(t)
			want := append([]annotations.Label(nil), before...)
			want[tc.row] = withField(want[tc.row], tc.field, tc.want)
			for i := range want {
				if !reflect.DeepEqual(after[i], want[i]) {
					t.Errorf("stored label %d = %+v, want %+v", i, after[i], want[i])
				}
			}
			if c.Text != tc.want {
				t.Errorf("field shows %q, want %q", c.Text, tc.want)
			}
			if f.e.message.Text != tc.message {
				t.Errorf("message %q, want %q", f.e.message.Text, tc.message)
			}
			wantChanged := 0
			if !reflect.DeepEqual(before[tc.row], want[tc.row]) {
				wantChanged = 1
			}
			if f.changed != wantChanged {
				t.Errorf("changed() called %d times, want %d", f.changed, wantChanged)
			}

			// The span follows its label through a rename.
			spans, err := f.p.Spans(context.Background(), f.doc, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if len(spans) != 1 || spans[0].Label != after[0].Name {
				t.Errorf("spans %+v, want one labelled %q", spans, after[0].Name)
			}
		})
	}
}

func TestLabelEditorRecolor(t *testing.T) {
	f := openEditor(t)
	r := f.e.rows[1]
	test.Tap(r.color)
	if f.e.picker == nil || !f.e.picker.Advanced {
		t.Fatal("no advanced colour picker opened")
	}
	f.e.recolor(r, color.NRGBA{R: 0x12, G: 0x34, B: 0xab, A: 0xff}) // what the picker calls back with
	if got := f.labels(t)[1].Color; got != "#1234AB" {
		t.Errorf("stored colour %q, want #1234AB", got)
	}
	if r.swatch.FillColor != (color.NRGBA{R: 0x12, G: 0x34, B: 0xab, A: 0xff}) {
		t.Errorf("swatch shows %v", r.swatch.FillColor)
	}
	f.e.recolor(r, color.NRGBA{R: 0x12, G: 0x34, B: 0xab, A: 0x80}) // same colour: nothing to save
	if f.changed != 1 {
		t.Errorf("changed() called %d times, want 1", f.changed)
	}
}

func TestLabelEditorMove(t *testing.T) {
	tests := map[string]struct {
		row  int
		up   bool
		want string
	}{
		"first down":  {row: 0, want: "figure actor weapon claim"},
		"last up":     {row: 3, up: true, want: "actor figure claim weapon"},
		"middle up":   {row: 2, up: true, want: "actor weapon figure claim"},
		"middle down": {row: 1, want: "actor weapon figure claim"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openEditor(t)
			r := f.e.rows[tc.row]
			if tc.up {
				test.Tap(r.up)
			} else {
				test.Tap(r.down)
			}
			if got := f.storedNames(t); got != tc.want {
				t.Errorf("stored order %q, want %q", got, tc.want)
			}
			if got := f.shownNames(); got != tc.want {
				t.Errorf("shown order %q, want %q", got, tc.want)
			}
			for i, r := range f.e.rows {
				if r.number.Text != string(rune('1'+i)) || r.up.Disabled() != (i == 0) || r.down.Disabled() != (i == len(f.e.rows)-1) {
					t.Errorf("row %d: number %q, up disabled %v, down disabled %v", i, r.number.Text, r.up.Disabled(), r.down.Disabled())
				}
			}
			if f.changed != 1 || f.e.message.Text != "" {
				t.Errorf("changed() called %d times, message %q", f.changed, f.e.message.Text)
			}
		})
	}
}

func TestLabelEditorMoveKeepsFocus(t *testing.T) {
	f := openEditor(t)
	r := f.e.rows[2]
	c := f.w.Canvas()
	c.Focus(r.down)
	r.down.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if f.e.rows[3] != r || !r.down.Disabled() {
		t.Fatalf("row not moved to the end: %q", f.shownNames())
	}
	if c.Focused() != r.up {
		t.Errorf("focus on %T, want the moved row's Up button", c.Focused())
	}
}

func TestLabelEditorAdd(t *testing.T) {
	f := openEditor(t)
	test.Tap(f.e.add)
	test.Tap(f.e.add)
	if got, want := f.storedNames(t), "actor figure weapon claim New label New label 2"; got != want {
		t.Fatalf("stored %q, want %q", got, want)
	}
	ls := f.labels(t)
	if ls[4].Color == "" || ls[4].Color == ls[5].Color || ls[4].Hotkey != "" {
		t.Errorf("new labels %+v %+v", ls[4], ls[5])
	}
	if len(f.e.rows) != 6 || f.changed != 2 {
		t.Fatalf("%d rows, changed() called %d times", len(f.e.rows), f.changed)
	}

	// The new name is selected: typing replaces it.
	r := f.e.rows[5]
	if f.w.Canvas().Focused() != r.name {
		t.Fatalf("focus on %T, want the new label's name", f.w.Canvas().Focused())
	}
	test.Type(r.name, "place")
	r.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := f.labels(t)[5].Name; got != "place" {
		t.Errorf("renamed to %q, want place", got)
	}
}

func TestLabelEditorDelete(t *testing.T) {
	tests := map[string]struct {
		row     int
		confirm bool
		want    string
		message string
	}{
		"unused label":   {row: 2, confirm: true, want: "actor figure claim"},
		"cancelled":      {row: 2, want: "actor figure weapon claim"},
		"label in use":   {row: 0, confirm: true, want: "actor figure weapon claim", message: `The label "actor" is used by 1 spans; relabel or delete them first.`},
		"last label too": {row: 3, confirm: true, want: "actor figure weapon"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openEditor(t)
			test.Tap(f.e.rows[tc.row].del)
			if f.e.confirm == nil {
				t.Fatal("no confirmation")
			}
			if tc.confirm {
				f.e.confirm.Confirm()
			} else {
				f.e.confirm.Dismiss()
			}
			if got := f.storedNames(t); got != tc.want {
				t.Errorf("stored %q, want %q", got, tc.want)
			}
			if got := f.shownNames(); got != tc.want {
				t.Errorf("shown %q, want %q", got, tc.want)
			}
			if f.e.message.Text != tc.message {
				t.Errorf("message %q, want %q", f.e.message.Text, tc.message)
			}
			wantChanged := 0
			if tc.confirm && tc.message == "" {
				wantChanged = 1
			}
			if f.changed != wantChanged {
				t.Errorf("changed() called %d times, want %d", f.changed, wantChanged)
			}
			if last := f.e.rows[len(f.e.rows)-1]; !last.down.Disabled() {
				t.Error("the last row can still move down")
			}
		})
	}
}

// A button saves what is still being typed first; a refused edit stops it.
func TestLabelEditorPendingEdits(t *testing.T) {
	f := openEditor(t)
	r := f.e.rows[0]
	r.name.SetText("person")
	test.Tap(r.down)
	if got, want := f.storedNames(t), "figure person weapon claim"; got != want {
		t.Errorf("stored %q, want %q", got, want)
	}

	r.hotkey.SetText("f")
	test.Tap(f.e.closeButton)
	if got := f.w.Canvas().Overlays().Top(); got == nil {
		t.Fatal("the dialog closed with a refused edit")
	}
	if r.hotkey.Text != "a" || f.e.message.Text != `The hotkey "f" is already used by label "figure".` {
		t.Errorf("hotkey shows %q, message %q", r.hotkey.Text, f.e.message.Text)
	}

	r.guideline.SetText("Who acts.")
	test.Tap(f.e.closeButton)
	if got := f.labels(t)[1].Guideline; got != "Who acts." {
		t.Errorf("guideline %q", got)
	}
	if got := f.w.Canvas().Overlays().Top(); got != nil {
		t.Errorf("the dialog is still open: %T", got)
	}
}

func TestLabelEditorTabOrder(t *testing.T) {
	f := openEditor(t)
	r0, r1 := f.e.rows[0], f.e.rows[1]
	value, unit := r1.attrs.lines[0], r1.attrs.lines[1] // figure's: a number, a choice
	want := []fyne.Focusable{
		r0.color, r0.name, r0.hotkey, r0.down, r0.del, r0.guideline, // Up is disabled on the first row
		r0.attrs.add, // actor has no attributes
		r1.color, r1.name, r1.hotkey, r1.up, r1.down, r1.del, r1.guideline,
		value.name, value.typ, value.del, // a number has no values
		unit.name, unit.typ, unit.values, unit.del, unit.cues[0],
	}
	c := f.w.Canvas()
	c.Focus(want[0])
	for i, w := range want[1:] {
		test.FocusNext(c)
		if c.Focused() != w {
			t.Fatalf("Tab %d: focus on %T, want %T", i+1, c.Focused(), w)
		}
	}
	if r0.guideline.AcceptsTab() {
		t.Error("the guideline keeps Tab")
	}
}

// A failing store shows its sentence and puts the field back.
func TestLabelEditorStoreError(t *testing.T) {
	f := openEditor(t)
	f.p.Close()
	r := f.e.rows[0]
	r.name.SetText("person")
	r.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if r.name.Text != "actor" || f.e.message.Text == "" || f.changed != 0 {
		t.Errorf("name %q, message %q, changed %d", r.name.Text, f.e.message.Text, f.changed)
	}
}

func TestShowLabelEditor(t *testing.T) {
	p := openProject(t)
	w := testWindow(t)
	ShowLabelEditor(w, p, nil)
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	if _, ok := w.Canvas().Focused().(*commitEntry); !ok {
		t.Errorf("focus on %T, want the first name", w.Canvas().Focused())
	}
}

func TestLastTyped(t *testing.T) {
	tests := map[string]struct{ prev, s, want string }{
		"empty":        {"", "", ""},
		"first":        {"", "a", "a"},
		"typed before": {"a", "ba", "b"},
		"typed after":  {"a", "ab", "b"},
		"same again":   {"a", "aa", "a"},
		"pasted":       {"a", "axyz", "z"},
		"accented":     {"a", "éa", "é"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := lastTyped(tc.prev, tc.s); got != tc.want {
				t.Errorf("lastTyped(%q, %q) = %q, want %q", tc.prev, tc.s, got, tc.want)
			}
		})
	}
}

// TestLabelEditorAttributes adds an attribute to actor, makes it a choice with values and cues, and
// removes it; a refused edit shows the saved attributes again.
func TestLabelEditorAttributes(t *testing.T) {
	f := openEditor(t)
	r := f.e.rows[0] // actor
	test.Tap(r.attrs.add)
	stored := func() []annotations.Attribute { return f.labels(t)[0].Attributes }
	if got := stored(); len(got) != 1 || got[0].Name != "attribute" || got[0].Type != annotations.AttrText {
		t.Fatalf("after Add attribute: %+v", got)
	}
	l := r.attrs.lines[0]
	if f.w.Canvas().Focused() != l.name {
		t.Errorf("focus on %T, want the new attribute's name", f.w.Canvas().Focused())
	}
	test.Type(l.name, "side")    // over the selected name
	test.FocusNext(f.w.Canvas()) // leaving the field saves it
	if got := stored()[0].Name; got != "side" {
		t.Errorf("name %q", got)
	}
	l.typ.SetSelected("choice") // waits for values
	if got := stored()[0].Type; got != annotations.AttrText || !strings.Contains(f.e.message.Text, `values of the choice "side"`) {
		t.Errorf("type %q, message %q", got, f.e.message.Text)
	}
	f.fill(l.values, "ua, ru ,", false)
	l.values.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := stored()[0]
	if got.Type != annotations.AttrChoice || !reflect.DeepEqual(got.Values, []string{"ua", "ru"}) {
		t.Fatalf("after the values: %+v", got)
	}
	l = r.attrs.lines[0] // built again: the choice has cue entries now
	if len(l.cues) != 2 {
		t.Fatalf("%d cue entries, want one per value", len(l.cues))
	}
	f.fill(l.cues[1], "russe, russes", false)
	l.cues[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := stored()[0].Cues; !reflect.DeepEqual(got, map[string][]string{"ru": {"russe", "russes"}}) {
		t.Errorf("cues %v", got)
	}
	// A duplicate value is refused and the saved values come back.
	f.fill(l.values, "ua, ua", false)
	l.values.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := r.attrs.lines[0].values.Text; got != "ua, ru" || !strings.Contains(f.e.message.Text, `has the value "ua" twice`) {
		t.Errorf("values show %q, message %q", got, f.e.message.Text)
	}
	test.Tap(r.attrs.lines[0].del)
	if got := stored(); len(got) != 0 {
		t.Errorf("after delete: %+v", got)
	}
}
