package app

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// attributeTypes are the types the type select offers, in order.
var attributeTypes = []string{string(annotations.AttrNumber), string(annotations.AttrChoice),
	string(annotations.AttrFlag), string(annotations.AttrText)}

// attrsEditor edits the attributes of one label, below its guideline: a line per attribute with its
// name, type, values (a choice's, comma-separated) and a delete button, then one entry of
// comma-separated cues per value of a choice, or for a flag. Each change is saved as the label's
// text fields are.
type attrsEditor struct {
	e     *labelEditor
	row   *labelEditorRow
	box   *fyne.Container // the lines, then the add button
	add   *widget.Button
	lines []*attrLine
	shown []annotations.Attribute // what the lines were built from
}

// attrLine edits one attribute.
type attrLine struct {
	name   *commitEntry
	typ    *widget.Select
	values *commitEntry
	del    *widget.Button
	cues   []*commitEntry // per value of a choice, or one for a flag (its "true" cues)
}

func newAttrsEditor(e *labelEditor, r *labelEditorRow) *attrsEditor {
	a := &attrsEditor{e: e, row: r, box: container.NewVBox()}
	a.add = widget.NewButtonWithIcon("Add attribute", theme.ContentAddIcon(), a.addAttribute)
	a.add.Importance = widget.LowImportance
	return a
}

// set shows the saved attributes: the lines are built again when an attribute came or went, or
// changed type or values; otherwise the widgets stay (and so the focus), showing what was saved.
func (a *attrsEditor) set(attrs []annotations.Attribute) {
	if a.lines != nil && sameShape(a.shown, attrs) {
		a.shown = slices.Clone(attrs)
		return
	}
	a.shown = slices.Clone(attrs)
	a.lines = make([]*attrLine, len(attrs))
	objs := make([]fyne.CanvasObject, 0, len(attrs)+1)
	for i, at := range attrs {
		a.lines[i] = a.newLine(at)
		objs = append(objs, a.lines[i].objects(cueKeys(at))...)
	}
	a.box.Objects = append(objs, container.NewHBox(a.add))
	a.box.Refresh()
}

// sameShape reports whether x and y have the same attributes by position, types and values: the
// same widgets can show both.
func sameShape(x, y []annotations.Attribute) bool {
	return slices.EqualFunc(x, y, func(a, b annotations.Attribute) bool {
		return a.Type == b.Type && slices.Equal(a.Values, b.Values)
	})
}

func (a *attrsEditor) newLine(at annotations.Attribute) *attrLine {
	l := &attrLine{}
	l.name = newCommitEntry(false, a.commit)
	l.name.SetPlaceHolder("Attribute")
	l.name.SetText(at.Name)
	l.typ = widget.NewSelect(attributeTypes, nil)
	l.typ.SetSelected(string(at.Type))
	l.typ.OnChanged = func(t string) {
		enable(l.values, t == string(annotations.AttrChoice))
		a.commit()
	}
	l.values = newCommitEntry(false, a.commit)
	l.values.SetPlaceHolder("Values, comma-separated")
	l.values.SetText(strings.Join(at.Values, ", "))
	enable(l.values, at.Type == annotations.AttrChoice)
	l.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { a.remove(l) })
	for _, k := range cueKeys(at) {
		c := newCommitEntry(false, a.commit)
		c.SetPlaceHolder(fmt.Sprintf("Words that set %s, comma-separated", k))
		c.SetText(strings.Join(at.Cues[k], ", "))
		l.cues = append(l.cues, c)
	}
	for _, c := range l.entries() {
		c.onFocus = func() { a.e.reveal(a.row) }
	}
	return l
}

// entries are the line's text fields.
func (l *attrLine) entries() []*commitEntry {
	return append([]*commitEntry{l.name, l.values}, l.cues...)
}

// objects lays out the line: name, type, values and delete on one line, then a line per cue entry,
// under its key (keys).
func (l *attrLine) objects(keys []string) []fyne.CanvasObject {
	left := container.NewHBox(container.NewGridWrap(fyne.NewSize(160, l.name.MinSize().Height), l.name), l.typ)
	out := []fyne.CanvasObject{container.New(layout.NewBorderLayout(nil, nil, left, l.del), left, l.values, l.del)}
	for i, k := range keys {
		out = append(out, container.NewBorder(nil, nil, widget.NewLabel("  "+k+":"), nil, l.cues[i]))
	}
	return out
}

// read returns the attributes the lines show. The cue entries are those of the values the line
// was built with: the cues of a value still there stay with it.
func (a *attrsEditor) read() []annotations.Attribute {
	out := make([]annotations.Attribute, len(a.lines))
	for i, l := range a.lines {
		at := annotations.Attribute{Name: strings.TrimSpace(l.name.Text), Type: annotations.AttributeType(l.typ.Selected)}
		if at.Type == annotations.AttrChoice {
			at.Values = splitList(l.values.Text)
		}
		cues := map[string][]string{}
		for j, k := range cueKeys(a.shown[i]) {
			if words := splitList(l.cues[j].Text); len(words) > 0 {
				cues[k] = words
			}
		}
		for _, k := range cueKeys(at) {
			if c, ok := cues[k]; ok {
				if at.Cues == nil {
					at.Cues = map[string][]string{}
				}
				at.Cues[k] = c
			}
		}
		out[i] = at
	}
	return out
}

// cueKeys are the keys an attribute's cues go under: its values for a choice, "true" for a flag.
func cueKeys(at annotations.Attribute) []string {
	switch at.Type {
	case annotations.AttrChoice:
		return at.Values
	case annotations.AttrFlag:
		return []string{"true"}
	}
	return nil
}

// splitList splits a comma-separated list, trimming its items and leaving out empty ones.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// commit saves the attributes the lines show, if they changed. On a refusal the lines show the saved
// attributes again and the reason shows below.
func (a *attrsEditor) commit() {
	a.save(a.read())
}

// save saves attrs as the label's attributes and reports whether that was done (or not needed).
func (a *attrsEditor) save(attrs []annotations.Attribute) bool {
	if reflect.DeepEqual(normalAttributes(attrs), normalAttributes(a.shown)) {
		return true
	}
	for _, at := range attrs {
		if at.Type == annotations.AttrChoice && len(at.Values) == 0 {
			// a type just set to choice: wait for its values rather than refuse it
			a.e.message.SetText(fmt.Sprintf("Give the values of the choice %q, comma-separated.", at.Name))
			return false
		}
	}
	l := a.row.label
	l.Attributes = attrs
	l, err := a.e.project.UpdateLabel(context.Background(), l)
	if err != nil {
		a.lines = nil // build the lines again from what was saved
		a.set(a.row.label.Attributes)
		a.e.fail("update attributes", err)
		return false
	}
	a.row.set(l)
	a.e.saved()
	return true
}

// normalAttributes gives nil for empty lists and maps, so that read and stored attributes compare.
func normalAttributes(attrs []annotations.Attribute) []annotations.Attribute {
	if len(attrs) == 0 {
		return nil
	}
	out := slices.Clone(attrs)
	for i := range out {
		if len(out[i].Values) == 0 {
			out[i].Values = nil
		}
		if len(out[i].Cues) == 0 {
			out[i].Cues = nil
		}
	}
	return out
}

// addAttribute adds a text attribute with a free name and puts the cursor in its name.
func (a *attrsEditor) addAttribute() {
	if !a.e.commitAll() {
		return
	}
	name := "attribute"
	for i := 2; slices.ContainsFunc(a.shown, func(at annotations.Attribute) bool { return at.Name == name }); i++ {
		name = fmt.Sprintf("attribute %d", i)
	}
	if !a.save(append(slices.Clone(a.shown), annotations.Attribute{Name: name, Type: annotations.AttrText})) {
		return
	}
	l := a.lines[len(a.lines)-1]
	a.e.parent.Canvas().Focus(l.name)
	l.name.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// remove deletes the attribute of line l.
func (a *attrsEditor) remove(l *attrLine) {
	i := slices.Index(a.lines, l)
	if i < 0 || !a.e.commitAll() {
		return
	}
	a.save(slices.Delete(slices.Clone(a.shown), i, i+1))
}
