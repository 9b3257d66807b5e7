package app

import (
	"maps"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// attrFields shows the attribute values of the selected span under its note, a field per attribute
// its label defines: an entry for a number (checked) or a text, a select for a choice, a check for a
// flag. A field's value is saved when it changes (entries: on Enter or when they lose focus).
type attrFields struct {
	box      *fyne.Container
	span     annotations.Span // the span shown
	def      []annotations.Attribute
	fields   map[string]attrField
	save     func(spanID int64, a annotations.Attrs)
	sync     bool // the fields are being set, not edited
	flushing bool // flush is saving: a save it causes does not flush again
}

// attrField is the widget of one attribute and how it shows a value.
type attrField struct {
	widget fyne.CanvasObject
	set    func(v any)
	flush  func() // saves what was typed and not saved yet (entries); nil for the others
}

func newAttrFields() *attrFields {
	return &attrFields{box: container.NewVBox()}
}

// show shows the values of s, a span of label l; a nil label (no span selected, or a label without
// attributes) empties the box. The fields stay when the span and its label are the same, so that
// a save does not take the focus away.
func (f *attrFields) show(s annotations.Span, l *annotations.Label) {
	if l == nil || len(l.Attributes) == 0 {
		f.span, f.def, f.fields = annotations.Span{}, nil, nil
		f.box.Objects = nil
		f.box.Refresh()
		return
	}
	same := f.fields != nil && f.span.ID == s.ID && f.span.Label == s.Label && sameAttributes(f.def, l.Attributes)
	f.span = s
	if !same {
		f.def = l.Attributes
		f.fields = map[string]attrField{}
		form := widget.NewForm()
		for _, d := range l.Attributes {
			fld := f.newField(d)
			f.fields[d.Name] = fld
			form.Append(d.Name, fld.widget)
		}
		f.box.Objects = []fyne.CanvasObject{form}
		f.box.Refresh()
	}
	f.sync = true
	defer func() { f.sync = false }()
	for _, d := range f.def {
		f.fields[d.Name].set(s.Attrs[d.Name])
	}
}

func sameAttributes(a, b []annotations.Attribute) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type || strings.Join(a[i].Values, "\x00") != strings.Join(b[i].Values, "\x00") {
			return false
		}
	}
	return true
}

// newField makes the field of attribute d.
func (f *attrFields) newField(d annotations.Attribute) attrField {
	name := d.Name
	switch d.Type {
	case annotations.AttrChoice:
		const none = "—"
		sel := widget.NewSelect(append([]string{none}, d.Values...), nil)
		sel.OnChanged = func(v string) {
			if v == none {
				f.commit(name, nil)
			} else {
				f.commit(name, v)
			}
		}
		return attrField{widget: sel, set: func(v any) {
			s, _ := v.(string)
			if s == "" {
				s = none
			}
			sel.SetSelected(s)
		}}
	case annotations.AttrFlag:
		check := widget.NewCheck("", func(on bool) { f.commit(name, on) })
		return attrField{widget: check, set: func(v any) { on, _ := v.(bool); check.SetChecked(on) }}
	}
	number := d.Type == annotations.AttrNumber
	var e *commitEntry
	spanID := f.span.ID // the fields are made anew for each span
	e = newCommitEntry(false, func() {
		if f.span.ID != spanID {
			return // the entry lost the focus after another span was shown: flush saved it
		}
		text := strings.TrimSpace(e.Text)
		switch {
		case text == "":
			f.commit(name, nil)
		case !number:
			f.commit(name, text)
		default:
			if n, ok := parseNumberField(text); ok {
				f.commit(name, n)
			}
		}
	})
	if number {
		e.SetPlaceHolder("A number")
		e.Validator = func(s string) error {
			if _, ok := parseNumberField(strings.TrimSpace(s)); !ok && strings.TrimSpace(s) != "" {
				return errNotNumber
			}
			return nil
		}
	}
	return attrField{widget: e, flush: e.onCommit, set: func(v any) {
		text := ""
		switch v := v.(type) {
		case float64:
			text = strconv.FormatFloat(v, 'f', -1, 64)
		case string:
			text = v
		}
		if e.Text != text {
			e.SetText(text)
		}
	}}
}

// flush saves the values typed in the fields of the span shown and not saved yet, before another
// span is shown.
func (f *attrFields) flush() {
	if f.flushing {
		return // a refused save reloads the spans, which shows a span again and would flush again
	}
	f.flushing = true
	defer func() { f.flushing = false }()
	for _, d := range f.def {
		if fld := f.fields[d.Name]; fld.flush != nil {
			fld.flush()
		}
	}
}

// errNotNumber is the validation error of a number field.
var errNotNumber = &annotations.Error{Message: "Not a number."}

// parseNumberField reads a number typed in a field: "1100", "1 100", "12,5", "-3".
func parseNumberField(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(s)
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// commit saves v (nil: none) as the value of attribute name of the span shown, if it changed.
func (f *attrFields) commit(name string, v any) {
	if f.sync || f.span.ID == 0 || f.save == nil {
		return
	}
	old, had := f.span.Attrs[name]
	if had && old == v || !had && v == nil {
		return
	}
	a := maps.Clone(f.span.Attrs)
	if a == nil {
		a = annotations.Attrs{}
	}
	if v == nil {
		delete(a, name)
	} else {
		a[name] = v
	}
	f.save(f.span.ID, a)
}
