package app

import (
	"context"
	"fmt"
	"image/color"
	"log"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// ShowLabelEditor opens a dialog over parent for editing p's label set: names, colours, hotkeys,
// guidelines and order, adding and deleting labels. Every change is saved to p at once (text fields
// on Enter or when they lose focus), then changed, which may be nil, is called on the UI goroutine
// so the caller can redraw. A change the project refuses is undone in the dialog and explained there.
// Call it on the UI goroutine.
func ShowLabelEditor(parent fyne.Window, p *annotations.Project, changed func()) {
	newLabelEditor(parent, p, changed).show()
}

// labelEditor is the state of one label-set dialog. Its calls on the project are short
// transactions made on the UI goroutine, so each edit is saved, in order, before the next.
type labelEditor struct {
	parent  fyne.Window
	project *annotations.Project
	changed func()

	dialog      *dialog.CustomDialog
	scroll      *container.Scroll
	list        *fyne.Container // the rows' boxes, in label order
	rows        []*labelEditorRow
	add         *widget.Button
	closeButton *widget.Button
	message     *widget.Label // the last refusal, in red; empty after a change is saved

	picker  *dialog.ColorPickerDialog // the colour picker last opened
	confirm *dialog.ConfirmDialog     // the delete confirmation last opened
}

// labelEditorRow edits one label.
type labelEditorRow struct {
	label annotations.Label // as saved

	box       *fyne.Container
	number    *widget.Label
	swatch    *canvas.Rectangle
	color     *widget.Button
	name      *commitEntry
	hotkey    *commitEntry
	up, down  *widget.Button
	del       *widget.Button
	guideline *commitEntry
	attrs     *attrsEditor
}

// labelField is one of a label's text fields.
type labelField int

const (
	nameField labelField = iota
	hotkeyField
	guidelineField
)

func newLabelEditor(parent fyne.Window, p *annotations.Project, changed func()) *labelEditor {
	e := &labelEditor{parent: parent, project: p, changed: changed}
	e.list = container.NewVBox()
	e.scroll = container.NewVScroll(e.list)
	e.add = widget.NewButtonWithIcon("Add label", theme.ContentAddIcon(), e.addLabel)
	e.closeButton = widget.NewButton("Close", e.closeDialog)
	e.message = widget.NewLabel("")
	e.message.Importance = widget.DangerImportance
	e.message.Wrapping = fyne.TextWrapWord

	hint := widget.NewLabel("Changes are saved as you make them: a name, hotkey or guideline when you press " +
		"Enter (Shift+Enter in a guideline) or leave the field. Digits 1 to 9 pick labels by position.")
	hint.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(hint, container.NewVBox(container.NewHBox(e.add), e.message), nil, nil, e.scroll)

	e.dialog = dialog.NewCustomWithoutButtons("Labels", content, parent)
	e.dialog.SetButtons([]fyne.CanvasObject{e.closeButton})
	e.dialog.Resize(fyne.NewSize(700, 500))
	e.reload()
	return e
}

func (e *labelEditor) show() {
	e.dialog.Show()
	if len(e.rows) > 0 {
		e.parent.Canvas().Focus(e.rows[0].name)
	}
}

// newRow builds the widgets for one label, in Tab order: colour, name, hotkey, up, down, delete,
// guideline.
func (e *labelEditor) newRow(l annotations.Label) *labelEditorRow {
	r := &labelEditorRow{label: l}
	r.number = widget.NewLabel("")
	r.swatch = canvas.NewRectangle(color.Transparent)
	r.swatch.CornerRadius = 4
	r.color = widget.NewButtonWithIcon("", theme.ColorPaletteIcon(), func() { e.pickColor(r) })
	r.color.Importance = widget.LowImportance
	r.name = newCommitEntry(false, func() { e.commit(r, nameField) })
	r.name.SetPlaceHolder("Name")
	r.hotkey = newCommitEntry(false, func() { e.commit(r, hotkeyField) })
	r.hotkey.SetPlaceHolder("Key")
	prev := ""
	r.hotkey.OnChanged = func(s string) {
		one := lastTyped(prev, s)
		prev = one
		if one != s {
			r.hotkey.SetText(one)
		}
	}
	r.up = widget.NewButtonWithIcon("Up", theme.MoveUpIcon(), func() { e.move(r, -1) })
	r.down = widget.NewButtonWithIcon("Down", theme.MoveDownIcon(), func() { e.move(r, +1) })
	r.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() { e.remove(r) })
	r.guideline = newCommitEntry(true, func() { e.commit(r, guidelineField) })
	r.guideline.Wrapping = fyne.TextWrapWord
	r.guideline.SetMinRowsVisible(3)
	r.guideline.SetPlaceHolder("Guideline: what to tag with this label and what to leave out")
	for _, c := range []*commitEntry{r.name, r.hotkey, r.guideline} {
		c.onFocus = func() { e.reveal(r) }
	}

	key := container.NewGridWrap(fyne.NewSize(56, r.hotkey.MinSize().Height), r.hotkey)
	left := container.NewHBox(r.number, container.NewStack(r.swatch, r.color))
	right := container.NewHBox(key, r.up, r.down, r.del)
	line := container.New(layout.NewBorderLayout(nil, nil, left, right), left, r.name, right)
	r.attrs = newAttrsEditor(e, r)
	r.box = container.NewVBox(line, r.guideline, r.attrs.box, widget.NewSeparator())
	r.set(l)
	return r
}

// set shows l, saved, in the row.
func (r *labelEditorRow) set(l annotations.Label) {
	r.label = l
	r.swatch.FillColor = parseColor(l.Color)
	r.swatch.Refresh()
	for f := nameField; f <= guidelineField; f++ {
		if c := r.entry(f); c.Text != fieldValue(l, f) {
			c.SetText(fieldValue(l, f))
		}
	}
	r.attrs.set(l.Attributes)
}

func (r *labelEditorRow) entry(f labelField) *commitEntry {
	switch f {
	case nameField:
		return r.name
	case hotkeyField:
		return r.hotkey
	}
	return r.guideline
}

// reload reads the label set and brings the rows in line with it, keeping the widgets of labels
// still there (and so the focus).
func (e *labelEditor) reload() {
	labels, err := e.project.Labels(context.Background())
	if err != nil {
		e.fail("load labels", err)
		return
	}
	old := map[int64]*labelEditorRow{}
	for _, r := range e.rows {
		old[r.label.ID] = r
	}
	e.rows = e.rows[:0]
	e.list.Objects = e.list.Objects[:0]
	for i, l := range labels {
		r := old[l.ID]
		if r == nil {
			r = e.newRow(l)
		} else {
			r.set(l)
		}
		r.number.SetText(strconv.Itoa(i + 1))
		enable(r.up, i > 0)
		enable(r.down, i < len(labels)-1)
		e.rows = append(e.rows, r)
		e.list.Objects = append(e.list.Objects, r.box)
	}
	e.list.Refresh()
}

// commit saves field f of row r if it was edited. On a refusal the field shows the saved value
// again, the reason shows below, and commit returns false.
func (e *labelEditor) commit(r *labelEditorRow, f labelField) bool {
	c := r.entry(f)
	text := strings.TrimSpace(c.Text)
	if text == fieldValue(r.label, f) {
		if c.Text != text {
			c.SetText(text)
		}
		return true
	}
	l, err := e.project.UpdateLabel(context.Background(), withField(r.label, f, text))
	if err != nil {
		c.SetText(fieldValue(r.label, f))
		e.fail("update label", err)
		return false
	}
	r.set(l)
	e.saved()
	return true
}

// commitAll saves every field still being edited, before a button acts. It returns false, having
// shown why, if one was refused.
func (e *labelEditor) commitAll() bool {
	ok := true
	for _, r := range e.rows {
		for f := nameField; f <= guidelineField; f++ {
			ok = e.commit(r, f) && ok
		}
		ok = r.attrs.save(r.attrs.read()) && ok
	}
	return ok
}

// pickColor opens the colour picker for row r.
func (e *labelEditor) pickColor(r *labelEditorRow) {
	if !e.commitAll() {
		return
	}
	e.picker = dialog.NewColorPicker("Colour", fmt.Sprintf("The colour of %q", r.label.Name),
		func(c color.Color) { e.recolor(r, c) }, e.parent)
	e.picker.Advanced = true
	e.picker.SetColor(parseColor(r.label.Color))
	e.picker.Show()
}

// recolor saves c as the colour of row r's label.
func (e *labelEditor) recolor(r *labelEditorRow, c color.Color) {
	l := r.label
	l.Color = colorHex(c)
	if strings.EqualFold(l.Color, r.label.Color) {
		return
	}
	l, err := e.project.UpdateLabel(context.Background(), l)
	if err != nil {
		e.fail("recolour label", err)
		return
	}
	r.set(l)
	e.saved()
}

// move moves row r's label by delta places.
func (e *labelEditor) move(r *labelEditorRow, delta int) {
	if !e.commitAll() {
		return
	}
	pressed, other := r.up, r.down
	if delta > 0 {
		pressed, other = r.down, r.up
	}
	focused := e.parent.Canvas().Focused() == pressed
	if err := e.project.MoveLabel(context.Background(), r.label.ID, r.label.Position+delta); err != nil {
		e.fail("move label", err)
		return
	}
	e.reload()
	e.saved()
	if focused && pressed.Disabled() {
		e.parent.Canvas().Focus(other)
	}
	e.reveal(r)
}

// addLabel adds a label with a new name at the end and puts the cursor in its name.
func (e *labelEditor) addLabel() {
	if !e.commitAll() {
		return
	}
	l, err := e.project.AddLabel(context.Background(), annotations.Label{Name: e.freeName()})
	if err != nil {
		e.fail("add label", err)
		return
	}
	e.reload()
	e.saved()
	for _, r := range e.rows {
		if r.label.ID == l.ID {
			e.scroll.ScrollToBottom()
			e.parent.Canvas().Focus(r.name)
			r.name.TypedShortcut(&fyne.ShortcutSelectAll{})
			break
		}
	}
}

// freeName returns "New label", or "New label 2", 3... when taken.
func (e *labelEditor) freeName() string {
	taken := map[string]bool{}
	for _, r := range e.rows {
		taken[r.label.Name] = true
	}
	name := "New label"
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("New label %d", i)
	}
	return name
}

// remove asks, then deletes row r's label.
func (e *labelEditor) remove(r *labelEditorRow) {
	if !e.commitAll() {
		return
	}
	e.confirm = dialog.NewConfirm("Delete label",
		fmt.Sprintf("Delete the label %q? This cannot be undone.", r.label.Name),
		func(ok bool) {
			if !ok {
				return
			}
			if err := e.project.DeleteLabel(context.Background(), r.label.ID); err != nil {
				e.fail("delete label", err)
				return
			}
			e.reload()
			e.saved()
		}, e.parent)
	e.confirm.SetConfirmText("Delete")
	e.confirm.SetConfirmImportance(widget.DangerImportance)
	e.confirm.Show()
}

// closeDialog saves what is still being edited and closes, unless that was refused.
func (e *labelEditor) closeDialog() {
	if e.commitAll() {
		e.dialog.Hide()
	}
}

// reveal scrolls row r into view, for the keyboard.
func (e *labelEditor) reveal(r *labelEditorRow) {
	top := r.box.Position().Y
	bottom := top + r.box.Size().Height
	off := e.scroll.Offset
	view := e.scroll.Size().Height
	switch {
	case top < off.Y:
		off.Y = top
	case bottom > off.Y+view:
		off.Y = min(top, bottom-view)
	default:
		return
	}
	e.scroll.ScrollToOffset(off)
}

// saved clears the last refusal and tells the caller the label set changed.
func (e *labelEditor) saved() {
	e.message.SetText("")
	if e.changed != nil {
		e.changed()
	}
}

// fail logs err and shows its sentence in the dialog.
func (e *labelEditor) fail(what string, err error) {
	log.Printf("label editor: %s: %v", what, err)
	e.message.SetText(annotations.Message(err))
}

// fieldOf returns field f of l.
func fieldOf(l *annotations.Label, f labelField) *string {
	switch f {
	case nameField:
		return &l.Name
	case hotkeyField:
		return &l.Hotkey
	}
	return &l.Guideline
}

func fieldValue(l annotations.Label, f labelField) string { return *fieldOf(&l, f) }

func withField(l annotations.Label, f labelField, v string) annotations.Label {
	*fieldOf(&l, f) = v
	return l
}

// lastTyped keeps a hotkey field to one character: typed into a field that showed prev, s becomes
// the character just typed (or the last one pasted).
func lastTyped(prev, s string) string {
	if utf8.RuneCountInString(s) <= 1 {
		return s
	}
	if i := strings.Index(s, prev); prev != "" && i >= 0 {
		s = s[:i] + s[i+len(prev):]
	}
	if s == "" {
		return prev
	}
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// colorHex writes c as "#RRGGBB", ignoring transparency.
func colorHex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02X%02X%02X", n.R, n.G, n.B)
}

// commitEntry is an Entry that asks for its text to be saved when Enter is pressed (Shift+Enter when
// multi-line) and when it loses focus. Tab always moves the focus on, also out of a multi-line entry.
type commitEntry struct {
	widget.Entry
	onCommit func()
	onFocus  func()
}

var _ fyne.Tabbable = (*commitEntry)(nil)

func newCommitEntry(multiLine bool, commit func()) *commitEntry {
	c := &commitEntry{onCommit: commit}
	c.MultiLine = multiLine
	c.OnSubmitted = func(string) { c.onCommit() }
	c.ExtendBaseWidget(c)
	return c
}

// AcceptsTab reports false: Tab moves the focus.
func (c *commitEntry) AcceptsTab() bool { return false }

// FocusGained calls onFocus, if set.
func (c *commitEntry) FocusGained() {
	c.Entry.FocusGained()
	if c.onFocus != nil {
		c.onFocus()
	}
}

// FocusLost asks for the text to be saved.
func (c *commitEntry) FocusLost() {
	c.Entry.FocusLost()
	c.onCommit()
}
