package app

import (
	"context"
	"fmt"
	"image/color"
	"log"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// ShowRules opens a dialog over parent for editing p's rules: adding, changing, enabling and
// deleting them, with a preview of what the rule being edited matches in the open document
// (openText returns its text, "" when none is open; openText may be nil), the setting that runs the
// rules when a document opens, and a run of the rules on every document. Every change is saved at
// once. When the dialog closes, onChanged (which may be nil) is called on the UI goroutine if
// anything changed: a rule, the setting, or a run on every document (when a run is still going, once
// it ends). Call it on the UI goroutine.
func ShowRules(parent fyne.Window, p *annotations.Project, openText func() string, onChanged func()) {
	showRules(parent, p, openText, onChanged)
}

// showRules is ShowRules returning the editor, for tests.
func showRules(parent fyne.Window, p *annotations.Project, openText func() string, onChanged func()) *RulesEditor {
	e := NewRulesEditor(parent, p, openText)
	d := dialog.NewCustomWithoutButtons("Rules", e, parent)
	e.closeButton = widget.NewButton("Close", func() {
		if e.Close(onChanged) {
			d.Hide()
		}
	})
	d.SetButtons([]fyne.CanvasObject{e.closeButton})
	d.Resize(fyne.NewSize(900, 560))
	d.Show()
	e.FocusFirst()
	return e
}

// RulesEditor edits a project's rules: a list of them on the left, the selected rule's fields on the
// right, and below them a message line, the rules_on_open setting and a run on every document. Its
// calls on the project that save a change are short transactions made on the UI goroutine, in order;
// the preview and the run on every document work off it.
type RulesEditor struct {
	widget.BaseWidget

	parent   fyne.Window
	project  *annotations.Project
	openText func() string

	rules    []annotations.Rule // as saved, in order
	colors   map[string]string  // label name to "#rrggbb"
	selected int                // in rules; -1 for none

	list          *widget.List
	checks        map[int64]*widget.Check // the enabled check showing each rule, for tests
	label         *widget.Select
	kind          *widget.Select
	pattern       *patternEntry
	caseSensitive *widget.Check
	note          *commitEntry
	preview       *widget.Label
	message       *widget.Label
	onOpen        *widget.Check
	add           *widget.Button
	del           *widget.Button
	defaults      *widget.Button
	run           *widget.Button
	closeButton   *widget.Button        // set by ShowRules
	confirm       *dialog.ConfirmDialog // the delete confirmation last opened
	content       fyne.CanvasObject

	filling    bool // set while the form shows a rule, so that its callbacks save nothing
	refused    bool // Close was refused because the rule being edited cannot be saved
	changed    bool // something was saved
	running    bool // a run on every document is going
	afterRun   func()
	previewGen atomic.Int64  // the latest preview asked for; older ones are dropped
	delay      time.Duration // the pause in typing before a preview: previewDelay; tests set 0
	work       pending
}

// The kinds of rule, in the order of the kind Select.
var ruleKinds = []struct {
	kind annotations.RuleKind
	name string
}{
	{annotations.RuleRegex, "regular expression"},
	{annotations.RuleWords, "word list"},
}

const (
	// previewDelay is how long the preview waits for typing to pause before matching.
	previewDelay = 200 * time.Millisecond
	// previewQuotes is how many match texts the preview shows.
	previewQuotes = 5
	// newRulePattern is the pattern of a new rule, selected for typing over.
	newRulePattern = "example"
)

// NewRulesEditor returns an editor of p's rules; parent is the window its confirmations open over.
// openText, which may be nil, returns the text of the open document, "" when none is open.
func NewRulesEditor(parent fyne.Window, p *annotations.Project, openText func() string) *RulesEditor {
	e := &RulesEditor{parent: parent, project: p, openText: openText, selected: -1, checks: map[int64]*widget.Check{},
		delay: previewDelay}
	e.ExtendBaseWidget(e)

	e.list = widget.NewList(func() int { return len(e.rules) },
		func() fyne.CanvasObject { return newRuleRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) { e.showRow(i, o.(*ruleRow)) })
	e.list.OnSelected = e.selectRule
	e.list.OnUnselected = func(i widget.ListItemID) {
		if i == e.selected {
			e.commitOrDrop()
			e.selected = -1
			e.fill()
		}
	}

	e.label = widget.NewSelect(nil, func(string) { e.edited() })
	kindNames := make([]string, len(ruleKinds))
	for i, k := range ruleKinds {
		kindNames[i] = k.name
	}
	e.kind = widget.NewSelect(kindNames, func(string) { e.edited() })
	e.pattern = newPatternEntry(func() { e.commit() })
	e.pattern.OnChanged = func(string) {
		if !e.filling {
			e.schedulePreview(e.delay)
		}
	}
	e.caseSensitive = widget.NewCheck("Case-sensitive", func(bool) { e.edited() })
	e.note = newCommitEntry(false, func() { e.commit() })
	e.note.SetPlaceHolder("What the rule is for")
	e.preview = widget.NewLabel("")
	e.preview.Wrapping = fyne.TextWrapWord
	e.message = widget.NewLabel("")
	e.message.Wrapping = fyne.TextWrapWord

	e.add = widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), e.addRule)
	e.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), e.deleteRule)
	e.defaults = widget.NewButton("Add the default rules", e.addDefaults)
	e.run = widget.NewButtonWithIcon("Run on every document", theme.MediaPlayIcon(), e.runAll)
	e.onOpen = widget.NewCheck("Run the rules when a document opens", nil)
	on, err := p.RulesOnOpen(context.Background())
	if err != nil {
		e.fail("read the setting "+annotations.SettingRulesOnOpen, err)
	}
	e.onOpen.SetChecked(on)
	e.onOpen.OnChanged = e.setOnOpen

	e.content = e.layout()
	e.reload()
	if len(e.rules) > 0 {
		e.list.Select(0)
	}
	return e
}

// FocusFirst puts the keyboard focus in the rule list, or on Add when there is no rule.
func (e *RulesEditor) FocusFirst() {
	c := e.parent.Canvas()
	if len(e.rules) > 0 {
		c.Focus(e.list)
	} else if !e.add.Disabled() {
		c.Focus(e.add)
	}
}

// Changed reports whether the editor has saved anything: a rule, the setting, a run on every
// document.
func (e *RulesEditor) Changed() bool { return e.changed }

// Close saves the rule being edited and reports whether the editor may close. When that rule
// cannot be saved, the first Close says why and returns false; a second one drops the change. Once
// the editor may close, changed (if not nil) is called when something changed, now or, while a
// run on every document is going, when it ends.
func (e *RulesEditor) Close(changed func()) bool {
	if !e.commit() {
		if !e.refused {
			e.refused = true
			e.fail("close", &annotations.Error{Message: e.message.Text + " Press Close again to leave without this change."})
			return false
		}
		e.fill() // drops the change
	}
	e.previewGen.Add(1)
	switch {
	case e.running:
		e.afterRun = changed
	case e.changed && changed != nil:
		changed()
	}
	return true
}

// CreateRenderer lays the editor out.
func (e *RulesEditor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(e.content)
}

func (e *RulesEditor) layout() fyne.CanvasObject {
	left := container.NewBorder(nil, container.NewHBox(e.add, e.del), nil, nil, e.list)
	fields := container.New(layout.NewFormLayout(),
		widget.NewLabel("Label"), e.label,
		widget.NewLabel("Kind"), e.kind)
	below := container.NewVBox(e.caseSensitive,
		container.New(layout.NewFormLayout(), widget.NewLabel("Note"), e.note),
		e.preview)
	right := container.NewBorder(fields, below, nil, nil, e.pattern)
	split := container.NewHSplit(left, right)
	split.Offset = 0.45

	hint := widget.NewLabel("A rule suggests spans of its label wherever its regular expression or one of its " +
		"words (one a line; # starts a comment) matches. A change is saved when you leave the field or press " +
		"Enter (Ctrl+Enter or Shift+Enter in the pattern).")
	hint.Wrapping = fyne.TextWrapWord
	bottom := container.NewVBox(e.message,
		container.NewHBox(e.onOpen, layout.NewSpacer(), e.defaults, e.run))
	return container.NewBorder(hint, bottom, nil, nil, split)
}

// reload reads the rules and labels and shows them, keeping the selected rule when it is still there.
func (e *RulesEditor) reload() {
	ctx := context.Background()
	var keep int64
	if e.selected >= 0 {
		keep = e.rules[e.selected].ID
	}
	rules, err := e.project.Rules(ctx)
	if err != nil {
		e.fail("load rules", err)
		return
	}
	labels, err := e.project.Labels(ctx)
	if err != nil {
		e.fail("load labels", err)
		return
	}
	e.rules = rules
	e.colors = map[string]string{}
	names := make([]string, len(labels))
	for i, l := range labels {
		names[i] = l.Name
		e.colors[l.Name] = l.Color
	}
	e.label.SetOptions(names)
	enable(e.add, len(labels) > 0)
	e.selected = -1 // the callbacks of the list's selection find nothing to save
	e.list.UnselectAll()
	e.list.Refresh()
	if i := slices.IndexFunc(rules, func(r annotations.Rule) bool { return r.ID == keep }); i >= 0 {
		e.list.Select(i) // shows it
	} else {
		e.fill()
	}
}

// showRow shows rule i in row.
func (e *RulesEditor) showRow(i widget.ListItemID, row *ruleRow) {
	if i < 0 || i >= len(e.rules) {
		return
	}
	r := e.rules[i]
	if e.checks[row.ruleID] == row.enabled {
		delete(e.checks, row.ruleID)
	}
	row.ruleID = r.ID
	e.checks[r.ID] = row.enabled
	row.enabled.OnChanged = nil
	row.enabled.SetChecked(r.Enabled)
	row.enabled.OnChanged = func(on bool) { e.setEnabled(r.ID, on) }
	row.swatch.FillColor = parseColor(e.colors[r.Label])
	row.swatch.Refresh()
	row.name.SetText(r.Label)
	row.kind.SetText(kindName(r.Kind))
	row.pattern.SetText(patternExcerpt(r))
}

// selectRule saves the rule being edited, or drops its change if it cannot be saved, then shows
// rule i.
func (e *RulesEditor) selectRule(i widget.ListItemID) {
	if i == e.selected {
		return
	}
	e.commitOrDrop()
	e.selected = i
	e.fill()
}

// commitOrDrop saves the rule being edited; if it cannot be, the message says so and the change is
// dropped when the form shows another rule.
func (e *RulesEditor) commitOrDrop() {
	if !e.commit() {
		e.fail("change rule", &annotations.Error{Message: e.message.Text + " The change was not saved."})
	}
}

// fill shows the selected rule in the form, or an empty, disabled form when none is selected.
func (e *RulesEditor) fill() {
	e.filling = true
	defer func() { e.filling = false }()
	e.refused = false
	has := e.selected >= 0 && e.selected < len(e.rules)
	for _, w := range []fyne.Disableable{e.label, e.kind, e.pattern, e.caseSensitive, e.note, e.del} {
		enable(w, has)
	}
	if !has {
		e.selected = -1
		e.label.ClearSelected()
		e.kind.ClearSelected()
		e.pattern.SetText("")
		e.caseSensitive.SetChecked(false)
		e.note.SetText("")
		e.schedulePreview(0)
		return
	}
	r := e.rules[e.selected]
	e.label.SetSelected(r.Label)
	e.kind.SetSelected(kindName(r.Kind))
	e.pattern.SetText(r.Pattern)
	e.caseSensitive.SetChecked(r.CaseSensitive)
	e.note.SetText(r.Note)
	e.schedulePreview(0)
}

// edited saves a change made with a Select or the case check, and previews it.
func (e *RulesEditor) edited() {
	if !e.filling && e.commit() {
		e.schedulePreview(0)
	}
}

// draft returns the selected rule as the form shows it.
func (e *RulesEditor) draft() annotations.Rule {
	r := e.rules[e.selected]
	r.Label = e.label.Selected
	if i := e.kind.SelectedIndex(); i >= 0 {
		r.Kind = ruleKinds[i].kind
	}
	r.Pattern = e.pattern.Text
	r.CaseSensitive = e.caseSensitive.Checked
	r.Note = strings.TrimSpace(e.note.Text)
	return r
}

// commit saves the rule being edited if the form changed it. When the project refuses it (a bad
// regular expression, an empty pattern), the reason shows in the message line, the form keeps what
// was typed, and commit returns false.
func (e *RulesEditor) commit() bool {
	if e.filling || e.selected < 0 {
		return true
	}
	r := e.draft()
	if r != e.rules[e.selected] {
		if err := e.project.UpdateRule(context.Background(), r); err != nil { // it checks the rule first
			e.fail("update rule", err)
			return false
		}
		e.rules[e.selected] = r
		e.list.RefreshItem(e.selected)
		e.saved()
	}
	if e.note.Text != r.Note { // the note as saved, trimmed
		e.note.SetText(r.Note)
	}
	return true
}

// setEnabled saves whether the rule with id is enabled.
func (e *RulesEditor) setEnabled(id int64, on bool) {
	i := slices.IndexFunc(e.rules, func(r annotations.Rule) bool { return r.ID == id })
	if i < 0 || e.rules[i].Enabled == on {
		return
	}
	r := e.rules[i]
	r.Enabled = on
	if err := e.project.UpdateRule(context.Background(), r); err != nil {
		e.fail("enable rule", err)
		e.list.RefreshItem(i)
		return
	}
	e.rules[i] = r
	e.saved()
}

// addRule adds a word-list rule of the first label and puts the cursor in its pattern, selected for
// typing over.
func (e *RulesEditor) addRule() {
	if !e.commit() || len(e.label.Options) == 0 {
		return
	}
	r, err := e.project.AddRule(context.Background(), annotations.Rule{Label: e.label.Options[0],
		Kind: annotations.RuleWords, Pattern: newRulePattern, Enabled: true})
	if err != nil {
		e.fail("add rule", err)
		return
	}
	e.saved()
	e.reload()
	i := slices.IndexFunc(e.rules, func(x annotations.Rule) bool { return x.ID == r.ID })
	if i < 0 {
		return
	}
	e.list.Select(i)
	e.list.ScrollTo(i)
	e.parent.Canvas().Focus(e.pattern)
	e.pattern.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// deleteRule asks, then deletes the selected rule.
func (e *RulesEditor) deleteRule() {
	if e.selected < 0 {
		return
	}
	e.commitOrDrop()
	e.fill()
	r := e.rules[e.selected]
	e.confirm = dialog.NewConfirm("Delete rule",
		fmt.Sprintf("Delete the %s rule of %q, %s? Its suggestions stay until the rules run again. This cannot be undone.",
			kindName(r.Kind), r.Label, "“"+excerpt(r.Pattern, 40)+"”"),
		func(ok bool) {
			if ok {
				e.removeRule(r.ID)
			}
		}, e.parent)
	e.confirm.SetConfirmText("Delete")
	e.confirm.SetConfirmImportance(widget.DangerImportance)
	e.confirm.Show()
}

// removeRule deletes the rule with id and selects the one that took its place.
func (e *RulesEditor) removeRule(id int64) {
	i := slices.IndexFunc(e.rules, func(r annotations.Rule) bool { return r.ID == id })
	if err := e.project.DeleteRule(context.Background(), id); err != nil {
		e.fail("delete rule", err)
		return
	}
	e.saved()
	e.reload()
	if n := len(e.rules); n > 0 {
		e.list.Select(min(max(i, 0), n-1))
	}
	e.FocusFirst()
}

// addDefaults adds the default rules the project lacks.
func (e *RulesEditor) addDefaults() {
	if !e.commit() {
		return
	}
	n, err := e.project.AddDefaultRules(context.Background())
	if err != nil {
		e.fail("add the default rules", err)
		return
	}
	if n == 0 {
		e.tell("The project already has every default rule of its labels.", widget.MediumImportance)
		return
	}
	e.saved()
	e.reload()
	e.tell(fmt.Sprintf("Added %s.", annotations.Plural(n, "default rule")), widget.SuccessImportance)
}

// setOnOpen saves the rules_on_open setting.
func (e *RulesEditor) setOnOpen(on bool) {
	if err := e.project.SetSetting(context.Background(), annotations.SettingRulesOnOpen, fmt.Sprint(on)); err != nil {
		e.fail("save the setting "+annotations.SettingRulesOnOpen, err)
		e.onOpen.OnChanged = nil
		e.onOpen.SetChecked(!on)
		e.onOpen.OnChanged = e.setOnOpen
		return
	}
	e.saved()
}

// runAll runs the enabled rules on every document, off the UI goroutine.
func (e *RulesEditor) runAll() {
	if e.running || !e.commit() {
		return
	}
	e.running = true
	e.run.Disable()
	e.tell("Running the rules on every document…", widget.MediumImportance)
	e.work.Go(func() {
		rep, err := e.project.RunRules(context.Background(), nil)
		if err != nil {
			log.Printf("rules editor: run rules: %v", err)
		}
		fyne.Do(func() { e.ranAll(rep, err) })
	})
}

// ranAll shows what a run on every document did.
func (e *RulesEditor) ranAll(rep annotations.RulesReport, err error) {
	e.running = false
	e.run.Enable()
	then := e.afterRun
	e.afterRun = nil
	if err != nil {
		e.message.Importance = widget.DangerImportance
		e.message.SetText(annotations.Message(err) + " The suggestions are as they were.")
	} else {
		e.changed = true
		e.tell(runSummary(rep), widget.SuccessImportance)
	}
	if then != nil && e.changed {
		then()
	}
}

// runSummary says what a run on every document did.
func runSummary(rep annotations.RulesReport) string {
	if rep.Rules == 0 {
		return fmt.Sprintf("No rule is enabled: the rules' suggestions were cleared from %s.",
			annotations.Plural(rep.Documents, "document"))
	}
	none := 0
	for _, n := range rep.ByDocument {
		if n == 0 {
			none++
		}
	}
	s := fmt.Sprintf("Ran %s on %s: %s", annotations.Plural(rep.Rules, "rule"),
		annotations.Plural(rep.Documents, "document"), annotations.Plural(rep.Suggestions, "suggestion"))
	if none > 0 && none < rep.Documents {
		s += fmt.Sprintf("; %s got none", annotations.Plural(none, "document"))
	}
	return s + "."
}

// schedulePreview matches the rule being edited in the open document and shows the result: at once
// without delay (one rule over one document takes milliseconds), else off the UI goroutine after
// delay (while typing), unless a newer preview was asked for meanwhile.
func (e *RulesEditor) schedulePreview(delay time.Duration) {
	gen := e.previewGen.Add(1)
	if e.selected < 0 {
		e.preview.SetText("No rule selected.")
		return
	}
	var text string
	if e.openText != nil {
		text = e.openText()
	}
	if text == "" {
		e.preview.SetText("No document open.")
		return
	}
	r := e.draft()
	if delay == 0 {
		e.preview.SetText(previewLine(r, text))
		return
	}
	e.work.Go(func() {
		time.Sleep(delay)
		if e.previewGen.Load() != gen {
			return
		}
		line := previewLine(r, text)
		fyne.Do(func() {
			if e.previewGen.Load() == gen {
				e.preview.SetText(line)
			}
		})
	})
}

// previewLine says what r matches in text: how many matches and the first few.
func previewLine(r annotations.Rule, text string) string {
	ms, err := annotations.MatchRules([]annotations.Rule{r}, text)
	if err != nil {
		return "No preview: " + annotations.Message(err)
	}
	if len(ms) == 0 {
		return "No matches in the open document."
	}
	runes := []rune(text)
	quotes := make([]string, 0, previewQuotes+1)
	for i, m := range ms {
		if i == previewQuotes {
			quotes = append(quotes, "…")
			break
		}
		quotes = append(quotes, "“"+excerpt(string(runes[m.Start:m.End]), 40)+"”")
	}
	n := "1 match"
	if len(ms) > 1 {
		n = fmt.Sprintf("%d matches", len(ms))
	}
	return n + " in the open document: " + strings.Join(quotes, ", ")
}

// saved clears the message line and notes that something changed.
func (e *RulesEditor) saved() {
	e.changed = true
	e.refused = false
	e.tell("", widget.MediumImportance)
}

// tell shows msg in the message line.
func (e *RulesEditor) tell(msg string, imp widget.Importance) {
	e.message.Importance = imp
	e.message.SetText(msg)
}

// fail logs err and shows its sentence in red in the message line.
func (e *RulesEditor) fail(what string, err error) {
	log.Printf("rules editor: %s: %v", what, err)
	e.tell(annotations.Message(err), widget.DangerImportance)
}

// kindName is how the editor names a kind of rule.
func kindName(k annotations.RuleKind) string {
	for _, x := range ruleKinds {
		if x.kind == k {
			return x.name
		}
	}
	return string(k)
}

// patternExcerpt is a rule's pattern on one short line: a word list's entries separated by commas,
// comments left out.
func patternExcerpt(r annotations.Rule) string {
	if r.Kind != annotations.RuleWords {
		return excerpt(r.Pattern, 60)
	}
	var words []string
	for _, line := range strings.Split(r.Pattern, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			words = append(words, t)
		}
	}
	return excerpt(strings.Join(words, ", "), 60)
}

// ruleRow is one line of the rule list: the enabled check, the label's colour and name, the kind and
// the pattern.
type ruleRow struct {
	widget.BaseWidget
	ruleID  int64 // the rule shown
	enabled *widget.Check
	swatch  *canvas.Rectangle
	name    *widget.Label
	kind    *widget.Label
	pattern *widget.Label
}

func newRuleRow() *ruleRow {
	r := &ruleRow{enabled: widget.NewCheck("", nil), swatch: canvas.NewRectangle(color.Transparent),
		name: widget.NewLabel(""), kind: widget.NewLabel(""), pattern: widget.NewLabel("")}
	r.swatch.CornerRadius = 3
	r.swatch.SetMinSize(fyne.NewSize(12, 12))
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.kind.Truncation = fyne.TextTruncateEllipsis
	r.pattern.Truncation = fyne.TextTruncateEllipsis
	r.pattern.TextStyle.Monospace = true
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out: the pattern takes the room left.
func (r *ruleRow) CreateRenderer() fyne.WidgetRenderer {
	h := r.name.MinSize().Height
	left := container.NewHBox(r.enabled, container.NewCenter(r.swatch),
		container.NewGridWrap(fyne.NewSize(70, h), r.name),
		container.NewGridWrap(fyne.NewSize(90, h), r.kind))
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, left, nil, r.pattern))
}

// patternEntry is the multi-line, monospace pattern field: it asks for its text to be saved when it
// loses focus and on Shift+Enter or Ctrl+Enter; Enter starts a new line (of a word list).
type patternEntry struct {
	commitEntry
}

var _ fyne.Shortcutable = (*patternEntry)(nil)

func newPatternEntry(commit func()) *patternEntry {
	p := &patternEntry{}
	p.onCommit = commit
	p.MultiLine = true
	// Not wrapped: Fyne measures a wrapped line by shaping it again and again, which takes a second for
	// a default rule's 1,500 characters; long lines scroll instead.
	p.Wrapping = fyne.TextWrapOff
	p.TextStyle = fyne.TextStyle{Monospace: true}
	p.OnSubmitted = func(string) { p.onCommit() }
	p.SetPlaceHolder("A regular expression, or one word or phrase a line")
	p.ExtendBaseWidget(p)
	p.SetMinRowsVisible(6)
	return p
}

// TypedShortcut saves on Ctrl+Enter and passes other shortcuts to the entry.
func (p *patternEntry) TypedShortcut(s fyne.Shortcut) {
	if c, ok := s.(*desktop.CustomShortcut); ok && c.Modifier == fyne.KeyModifierControl &&
		(c.KeyName == fyne.KeyReturn || c.KeyName == fyne.KeyEnter) {
		p.onCommit()
		return
	}
	p.Entry.TypedShortcut(s)
}
