package app

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// rulesFixture is a rules dialog open over a window, on a new project with the default labels and
// rules, whose open document's text is text.
type rulesFixture struct {
	p       *annotations.Project
	w       fyne.Window
	e       *RulesEditor
	text    string
	changed int              // calls of onChanged
	rules0  annotations.Rule // the first rule as stored at first
}

func openRules(t *testing.T, text string) *rulesFixture {
	t.Helper()
	p := openProject(t)
	w := testWindow(t) // closed before p
	f := &rulesFixture{p: p, w: w}
	f.e = showRules(w, p, func() string { return f.text }, func() { f.changed++ })
	f.e.delay = 0
	f.text = text // from now on: the test driver would show a preview while the dialog is built
	t.Cleanup(f.e.work.Wait)
	f.e.work.Wait()
	return f
}

func (f *rulesFixture) rules(t *testing.T) []annotations.Rule {
	t.Helper()
	rs, err := f.p.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// edit selects rule i, makes it a rule of kind with pattern (typed in place of the old one) and
// presses Ctrl+Enter.
func (f *rulesFixture) edit(i int, kind annotations.RuleKind, pattern string) {
	f.e.list.Select(i)
	f.e.kind.SetSelected(kindName(kind))
	f.w.Canvas().Focus(f.e.pattern)
	f.e.pattern.SetText("")
	f.e.work.Wait()
	f.typePattern(pattern)
	f.e.pattern.TypedShortcut(ctrlEnter)
	f.e.work.Wait()
}

// typePattern types s in the pattern field, waiting for each preview, which the test driver shows
// from its own goroutine.
func (f *rulesFixture) typePattern(s string) {
	for _, r := range s {
		f.e.pattern.TypedRune(r)
		f.e.work.Wait()
	}
}

var ctrlEnter = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl}

func TestRulesEditorAdd(t *testing.T) {
	f := openRules(t, "")
	before := f.rules(t)
	test.Tap(f.e.add)
	after := f.rules(t)
	if len(after) != len(before)+1 {
		t.Fatalf("%d rules stored after Add, want %d", len(after), len(before)+1)
	}
	added := after[len(after)-1]
	want := annotations.Rule{ID: added.ID, Label: "actor", Kind: annotations.RuleWords, Pattern: newRulePattern, Enabled: true, Position: added.Position}
	if added != want {
		t.Errorf("added %+v, want %+v", added, want)
	}
	if f.e.selected != len(after)-1 || f.w.Canvas().Focused() != f.e.pattern || f.e.pattern.SelectedText() != newRulePattern {
		t.Errorf("after Add: selected %d, focus %T, selection %q; want the new rule's pattern selected",
			f.e.selected, f.w.Canvas().Focused(), f.e.pattern.SelectedText())
	}

	// Typed over, then saved on leaving the field.
	f.typePattern("drones")
	f.w.Canvas().Focus(f.e.note)
	test.Type(f.e.note, " Shot-down drones. ")
	f.e.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	got := f.rules(t)[len(after)-1]
	if got.Pattern != "drones" || got.Note != "Shot-down drones." {
		t.Errorf("stored pattern %q, note %q; want drones, Shot-down drones.", got.Pattern, got.Note)
	}
	if !f.e.Changed() || f.e.message.Text != "" {
		t.Errorf("changed %v, message %q", f.e.Changed(), f.e.message.Text)
	}
}

func TestRulesEditorRefuses(t *testing.T) {
	tests := map[string]struct {
		rule    int // of the default rules: 0 to 4 are regular expressions, 5 a word list
		kind    annotations.RuleKind
		pattern string
		message string
	}{
		"bad regex":      {kind: annotations.RuleRegex, pattern: "(\\d+ drones", message: "missing closing ): `"},
		"bad repetition": {kind: annotations.RuleRegex, pattern: "*drones", message: "missing argument to repetition operator: `*`"},
		"empty pattern":  {kind: annotations.RuleRegex, pattern: "  ", message: "The rule's pattern is empty."},
		"only comments":  {rule: 5, kind: annotations.RuleWords, pattern: "# nothing yet", message: "The word list has no words"},
		"unclosed class": {kind: annotations.RuleRegex, pattern: "[a-", message: "missing closing ]"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openRules(t, "12 drones")
			before := f.rules(t)
			if before[tc.rule].Kind != tc.kind {
				t.Fatalf("rule %d is a %s", tc.rule, before[tc.rule].Kind)
			}
			f.edit(tc.rule, tc.kind, tc.pattern)
			if got := f.rules(t); !reflect.DeepEqual(got, before) {
				t.Errorf("rules stored after a refusal:\n%+v\nwant\n%+v", got, before)
			}
			if !strings.Contains(f.e.message.Text, tc.message) || f.e.message.Importance != widget.DangerImportance {
				t.Errorf("message %q (importance %v), want %q in red", f.e.message.Text, f.e.message.Importance, tc.message)
			}
			if f.e.pattern.Text != tc.pattern {
				t.Errorf("the field shows %q, want what was typed, %q", f.e.pattern.Text, tc.pattern)
			}
			if !strings.HasPrefix(f.e.preview.Text, "No preview: ") {
				t.Errorf("preview %q, want no preview", f.e.preview.Text)
			}

			// Close says why first; a second Close drops the change.
			if f.e.Close(nil) {
				t.Fatal("Close with a change that cannot be saved closed at once")
			}
			if !strings.Contains(f.e.message.Text, "Press Close again") {
				t.Errorf("message %q after Close", f.e.message.Text)
			}
			if !f.e.Close(func() { t.Error("onChanged called though nothing changed") }) {
				t.Fatal("a second Close did not close")
			}
			if f.e.pattern.Text != before[tc.rule].Pattern {
				t.Errorf("after the second Close the field shows %q, want the saved pattern", f.e.pattern.Text)
			}
		})
	}
}

func TestRulesEditorSelectDropsRefusedChange(t *testing.T) {
	f := openRules(t, "")
	before := f.rules(t)
	f.edit(0, annotations.RuleRegex, "(")
	f.e.list.Select(2)
	if got := f.rules(t); !reflect.DeepEqual(got, before) {
		t.Errorf("rules changed:\n%+v\nwant\n%+v", got, before)
	}
	if !strings.HasSuffix(f.e.message.Text, "The change was not saved.") || f.e.pattern.Text != before[2].Pattern {
		t.Errorf("message %q, field %q", f.e.message.Text, f.e.pattern.Text)
	}
}

func TestRulesEditorSaves(t *testing.T) {
	f := openRules(t, "")
	f.edit(0, annotations.RuleWords, "Wagner\nAzov")
	got := f.rules(t)[0]
	if got.Kind != annotations.RuleWords || got.Pattern != "Wagner\nAzov" {
		t.Errorf("stored %+v", got)
	}
	f.e.label.SetSelected("actor")
	f.e.caseSensitive.SetChecked(true)
	got = f.rules(t)[0]
	if got.Label != "actor" || !got.CaseSensitive || got.Pattern != "Wagner\nAzov" {
		t.Errorf("stored %+v after changing label and case", got)
	}
	if f.e.list.Length() != len(f.rules(t)) {
		t.Errorf("list shows %d rules", f.e.list.Length())
	}
}

func TestRulesEditorEnabled(t *testing.T) {
	f := openRules(t, "")
	rules := f.rules(t)
	id := rules[1].ID
	check := f.e.checks[id]
	if check == nil || !check.Checked {
		t.Fatalf("no checked box for rule %d", id)
	}
	for _, want := range []bool{false, true} {
		test.Tap(check)
		if got := f.rules(t)[1]; got.Enabled != want {
			t.Errorf("stored enabled %v, want %v", got.Enabled, want)
		}
	}
	if got := f.rules(t); !reflect.DeepEqual(got, rules) || !f.e.Changed() {
		t.Errorf("rules after two toggles %+v, changed %v", got, f.e.Changed())
	}
}

func TestRulesEditorPreview(t *testing.T) {
	tests := map[string]struct {
		text    string
		kind    annotations.RuleKind
		pattern string
		want    string
	}{
		"regex": {text: "« 12 drones » abattus 😀, puis 3\u00a0drones et 1.100 pertes.", kind: annotations.RuleRegex,
			pattern: `\d+[ \x{a0}]drones`, want: "2 matches in the open document: “12 drones”, “3 drones”"},
		"span group": {text: "12 drones abattus, 4 drones lancés", kind: annotations.RuleRegex,
			pattern: `(?P<span>\d+ drones) abattus`, want: "1 match in the open document: “12 drones”"},
		"word list, first five": {text: "Wagner, Azov, Wagner, Azov, Wagner, Azov, Wagner.", kind: annotations.RuleWords,
			pattern: "# groups\nwagner\nAzov", want: "7 matches in the open document: “Wagner”, “Azov”, “Wagner”, “Azov”, “Wagner”, …"},
		"combining accent": {text: "Les blesse\u0301s et les blessés.", kind: annotations.RuleWords,
			pattern: "blessés", want: "2 matches in the open document: “blessés”, “blessés”"},
		"no match": {text: "Rien.", kind: annotations.RuleWords, pattern: "drone", want: "No matches in the open document."},
		"no boundaries": {text: "charge 1.100", kind: annotations.RuleRegex, pattern: `char|\d+(?:\.\d+)?`,
			want: "1 match in the open document: “1.100”"},
		"no document": {text: "", kind: annotations.RuleWords, pattern: "drone", want: "No document open."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openRules(t, "")
			f.text, _ = text.Normalize(tc.text)
			f.edit(0, tc.kind, tc.pattern)
			if f.e.preview.Text != tc.want {
				t.Errorf("preview %q, want %q", f.e.preview.Text, tc.want)
			}
		})
	}
}

func TestRulesEditorOnOpen(t *testing.T) {
	f := openRules(t, "")
	for _, want := range []bool{true, false} {
		test.Tap(f.e.onOpen)
		if on, err := f.p.RulesOnOpen(context.Background()); err != nil || on != want {
			t.Errorf("rules on open %v, %v; want %v", on, err, want)
		}
	}
	if !f.e.Close(func() { f.changed++ }) || f.changed != 1 {
		t.Errorf("onChanged called %d times on Close after the setting changed, want 1", f.changed)
	}
}

func TestRulesEditorDelete(t *testing.T) {
	for _, confirm := range []bool{true, false} {
		t.Run(map[bool]string{true: "confirmed", false: "dismissed"}[confirm], func(t *testing.T) {
			f := openRules(t, "")
			before := f.rules(t)
			f.e.list.Select(1)
			test.Tap(f.e.del)
			if f.e.confirm == nil {
				t.Fatal("no confirmation")
			}
			want := before
			if confirm {
				f.e.confirm.Confirm()
				want = append(append([]annotations.Rule(nil), before[:1]...), before[2:]...)
			} else {
				f.e.confirm.Dismiss()
			}
			if got := f.rules(t); !reflect.DeepEqual(got, want) {
				t.Errorf("confirm %v: stored\n%+v\nwant\n%+v", confirm, got, want)
			}
			if f.e.list.Length() != len(want) || f.e.selected != 1 || f.e.pattern.Text != want[1].Pattern {
				t.Errorf("confirm %v: list of %d, selected %d, pattern %q", confirm, f.e.list.Length(), f.e.selected, f.e.pattern.Text)
			}
			if f.e.Changed() != confirm {
				t.Errorf("confirm %v: changed %v", confirm, f.e.Changed())
			}
		})
	}
}

func TestRulesEditorClose(t *testing.T) {
	tests := map[string]struct {
		do    func(f *rulesFixture)
		taps  int // of Close; 0 for 1
		want  int
		saved string // a pattern a stored rule has after Close, or ""
	}{
		"nothing":        {do: func(*rulesFixture) {}, want: 0},
		"selection only": {do: func(f *rulesFixture) { f.e.list.Select(3) }, want: 0},
		"pattern put back": {do: func(f *rulesFixture) {
			f.e.pattern.SetText("x")
			f.e.pattern.SetText(f.rules0.Pattern)
		}, want: 0},
		"pattern changed":      {do: func(f *rulesFixture) { f.edit(0, annotations.RuleWords, "drone") }, want: 1},
		"refused change":       {do: func(f *rulesFixture) { f.edit(0, annotations.RuleRegex, "(") }, taps: 2, want: 0},
		"default rules, none":  {do: func(f *rulesFixture) { test.Tap(f.e.defaults) }, want: 0},
		"unsaved typing saved": {do: func(f *rulesFixture) { f.e.pattern.SetText("drone") }, want: 1, saved: "drone"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := openRules(t, "")
			f.rules0 = f.rules(t)[0]
			tc.do(f)
			for range max(tc.taps, 1) {
				test.Tap(f.e.closeButton)
			}
			f.e.work.Wait()
			if f.changed != tc.want {
				t.Errorf("onChanged called %d times, want %d", f.changed, tc.want)
			}
			if tc.saved != "" && !slices.ContainsFunc(f.rules(t), func(r annotations.Rule) bool { return r.Pattern == tc.saved }) {
				t.Errorf("no stored rule has the pattern %q typed before Close", tc.saved)
			}
		})
	}
}

func TestRulesEditorDefaults(t *testing.T) {
	f := openRules(t, "")
	rules := f.rules(t)
	f.e.list.Select(0)
	test.Tap(f.e.del)
	f.e.confirm.Confirm()
	test.Tap(f.e.defaults)
	if got := f.rules(t); len(got) != len(rules) || got[len(got)-1].Pattern != rules[0].Pattern {
		t.Errorf("after deleting the first default rule and adding the defaults: %d rules, want %d", len(got), len(rules))
	}
	if f.e.message.Text != "Added 1 default rule." || f.e.list.Length() != len(rules) {
		t.Errorf("message %q, list of %d", f.e.message.Text, f.e.list.Length())
	}
	test.Tap(f.e.defaults)
	if !strings.HasPrefix(f.e.message.Text, "The project already has every default rule") {
		t.Errorf("message %q after adding the defaults again", f.e.message.Text)
	}
}

func TestRulesEditorRunAll(t *testing.T) {
	f := openRules(t, "")
	addDocs(t, f.p,
		annotations.NewDocument{Name: "a.txt", Text: "Environ 1 100 soldats et 12 drones."},
		annotations.NewDocument{Name: "b.txt", Text: "Rien à signaler."})
	test.Tap(f.e.run)
	f.e.work.Wait()
	counts, err := f.p.SuggestionSources(context.Background(), annotations.SourceRules)
	if err != nil || len(counts) != 1 || counts[0].Suggestions == 0 {
		t.Fatalf("suggestions after the run: %+v, %v", counts, err)
	}
	want := "Ran " + annotations.Plural(len(f.rules(t)), "rule") + " on 2 documents: " +
		annotations.Plural(counts[0].Suggestions, "suggestion") + "; 1 document got none."
	if f.e.message.Text != want || f.e.run.Disabled() {
		t.Errorf("message %q, want %q; run disabled %v", f.e.message.Text, want, f.e.run.Disabled())
	}
	test.Tap(f.e.closeButton)
	if f.changed != 1 {
		t.Errorf("onChanged called %d times after a run, want 1", f.changed)
	}
}

func TestRulesEditorEmptyProject(t *testing.T) {
	p := openProject(t)
	ctx := context.Background()
	labels, err := p.Labels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labels {
		if err := p.DeleteLabel(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	w := testWindow(t)
	changed := 0
	e := showRules(w, p, nil, func() { changed++ })
	t.Cleanup(e.work.Wait)
	if e.list.Length() != 0 || !e.add.Disabled() || !e.del.Disabled() || !e.pattern.Disabled() || e.preview.Text != "No rule selected." {
		t.Errorf("empty project: %d rules, add disabled %v, delete disabled %v, preview %q",
			e.list.Length(), e.add.Disabled(), e.del.Disabled(), e.preview.Text)
	}
	test.Tap(e.add)
	test.Tap(e.del)
	e.pattern.TypedShortcut(ctrlEnter)
	test.Tap(e.run)
	e.work.Wait()
	if want := "No rule is enabled: the rules' suggestions were cleared from 0 documents."; e.message.Text != want {
		t.Errorf("message %q, want %q", e.message.Text, want)
	}
	test.Tap(e.closeButton)
	if changed != 1 {
		t.Errorf("onChanged called %d times, want 1 (the run)", changed)
	}
}
