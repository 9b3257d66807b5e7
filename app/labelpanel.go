package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// noteDelay is how long the note field waits after the last keystroke before saving.
const noteDelay = 700 * time.Millisecond

// LabelPanel is the right-hand panel: a button per label (colour, number key, hotkey, count in this
// document), the labels' guidelines in collapsible boxes, the document's spans in text order, and
// the note and attribute values of the selected span.
type LabelPanel struct {
	widget.BaseWidget

	// OnApply is called with a label's name when its button is pressed.
	OnApply func(label string)
	// OnSpanSelected is called when a span is picked in the list.
	OnSpanSelected func(id int64)
	// OnNote is called to save the note of a span; it returns whether the note was saved.
	OnNote func(id int64, note string) bool
	// OnAttrsChanged is called with the attribute values of a span when one was edited.
	OnAttrsChanged func(spanID int64, a annotations.Attrs)

	labels  []annotations.Label
	buttons *fyne.Container
	counts  []*widget.Label // the count beside each label's button
	guides  *widget.Accordion
	list    *widget.List
	note    *widget.Entry
	noteFor int64 // the span whose note the field shows
	timer   *time.Timer
	attrs   *attrFields

	spans      []annotations.Span
	excerpt    func(s annotations.Span) string
	selected   int64
	syncing    bool
	savingNote bool // saveNote is saving: a save it causes does not save again
}

// NewLabelPanel returns an empty panel; excerpt gives the text shown for a span in the list.
func NewLabelPanel(excerpt func(annotations.Span) string) *LabelPanel {
	p := &LabelPanel{buttons: container.NewVBox(), guides: widget.NewAccordion(), excerpt: excerpt}
	p.list = widget.NewList(func() int { return len(p.spans) }, p.newRow, p.updateRow)
	p.list.OnSelected = func(i widget.ListItemID) {
		if p.syncing || i >= len(p.spans) {
			return
		}
		if p.OnSpanSelected != nil {
			p.OnSpanSelected(p.spans[i].ID)
		}
	}
	p.note = widget.NewEntry()
	p.note.SetPlaceHolder("Note on the selected span")
	p.note.OnChanged = func(string) { p.noteChanged() }
	p.note.OnSubmitted = func(string) { p.saveNote() }
	p.note.Disable()
	p.attrs = newAttrFields()
	p.attrs.save = func(id int64, a annotations.Attrs) {
		if p.OnAttrsChanged != nil {
			p.OnAttrsChanged(id, a)
		}
	}
	p.ExtendBaseWidget(p)
	return p
}

// SetLabels shows the label set.
func (p *LabelPanel) SetLabels(labels []annotations.Label) {
	p.labels = labels
	p.guides.Items = nil
	for _, l := range labels {
		g := widget.NewLabel(l.Guideline)
		if l.Guideline == "" {
			g.SetText("No guideline yet: add one in the label set editor.")
		}
		g.Wrapping = fyne.TextWrapWord
		p.guides.Append(widget.NewAccordionItem(l.Name, g))
	}
	p.buildButtons()
	p.guides.Refresh()
	p.list.Refresh()
}

// SetSpans shows the document's spans (in text order) and which one is selected.
func (p *LabelPanel) SetSpans(spans []annotations.Span, selected int64) {
	p.spans = spans
	p.showCounts()
	p.list.Refresh()
	p.SetSelected(selected)
}

// SetSelected marks the selected span in the list and shows its note.
func (p *LabelPanel) SetSelected(id int64) {
	if id != p.noteFor {
		p.saveNote()
		p.attrs.flush()
	}
	p.selected = id
	p.syncing = true
	defer func() { p.syncing = false }()
	for i, s := range p.spans {
		if s.ID == id {
			p.list.Select(i)
			p.list.ScrollTo(i)
			p.noteFor = id
			if p.note.Text != s.Note {
				p.note.SetText(s.Note)
			}
			p.note.Enable()
			p.attrs.show(s, p.label(s.Label))
			return
		}
	}
	p.list.UnselectAll()
	p.noteFor = 0
	p.note.SetText("")
	p.note.Disable()
	p.attrs.show(annotations.Span{}, nil)
}

// label returns the label called name, or nil.
func (p *LabelPanel) label(name string) *annotations.Label {
	for i := range p.labels {
		if p.labels[i].Name == name {
			return &p.labels[i]
		}
	}
	return nil
}

// Counts returns how many spans of each label the document has.
func (p *LabelPanel) Counts() map[string]int {
	c := map[string]int{}
	for _, s := range p.spans {
		c[s.Label]++
	}
	return c
}

// buildButtons makes a row per label: swatch, button, keys and the count shown by showCounts.
func (p *LabelPanel) buildButtons() {
	p.buttons.Objects = p.buttons.Objects[:0]
	p.counts = p.counts[:0]
	for i, l := range p.labels {
		swatch := canvas.NewRectangle(parseColor(l.Color))
		swatch.SetMinSize(fyne.NewSize(14, 14))
		swatch.CornerRadius = 3
		keys := ""
		if i < 9 {
			keys = fmt.Sprint(i + 1)
		}
		if l.Hotkey != "" {
			keys = strings.TrimPrefix(keys+" / "+l.Hotkey, " / ")
		}
		name := l.Name
		b := widget.NewButton(name, func() {
			if p.OnApply != nil {
				p.OnApply(name)
			}
		})
		b.Alignment = widget.ButtonAlignLeading
		key := widget.NewLabel(keys)
		key.Importance = widget.LowImportance
		count := widget.NewLabel("")
		count.TextStyle.Monospace = true
		p.counts = append(p.counts, count)
		p.buttons.Add(container.NewBorder(nil, nil, container.NewCenter(swatch), container.NewHBox(key, count), b))
	}
	p.showCounts()
	p.buttons.Refresh()
}

// showCounts shows how many spans of each label the document has.
func (p *LabelPanel) showCounts() {
	counts := p.Counts()
	for i, l := range p.labels {
		p.counts[i].SetText(fmt.Sprint(counts[l.Name]))
	}
}

func (p *LabelPanel) noteChanged() {
	if p.noteFor == 0 {
		return
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	id := p.noteFor
	p.timer = time.AfterFunc(noteDelay, func() {
		fyne.Do(func() {
			if p.noteFor == id {
				p.saveNote()
			}
		})
	})
}

// saveNote saves the note field if it differs from the span's note.
func (p *LabelPanel) saveNote() {
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.noteFor == 0 || p.OnNote == nil || p.savingNote {
		return
	}
	for _, s := range p.spans {
		if s.ID == p.noteFor && s.Note != strings.TrimSpace(p.note.Text) {
			// A refused save reloads the spans, which selects again and would save again: once is enough.
			p.savingNote = true
			defer func() { p.savingNote = false }()
			p.OnNote(s.ID, p.note.Text)
			return
		}
	}
}

func (p *LabelPanel) newRow() fyne.CanvasObject {
	swatch := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	swatch.SetMinSize(fyne.NewSize(4, 18))
	label := widget.NewLabel("claim")
	label.TextStyle.Bold = true
	text := widget.NewLabel("excerpt")
	text.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, container.NewHBox(swatch, label), nil, text)
}

func (p *LabelPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.spans) {
		return
	}
	s := p.spans[i]
	row := o.(*fyne.Container)
	left := row.Objects[1].(*fyne.Container)
	swatch := left.Objects[0].(*canvas.Rectangle)
	for _, l := range p.labels {
		if l.Name == s.Label {
			swatch.FillColor = parseColor(l.Color)
		}
	}
	swatch.Refresh()
	left.Objects[1].(*widget.Label).SetText(s.Label)
	ex := p.excerpt(s)
	if s.Note != "" {
		ex += "  ✎"
	}
	row.Objects[0].(*widget.Label).SetText(ex)
}

// CreateRenderer stacks the label buttons, the guidelines, the span list and the note field.
func (p *LabelPanel) CreateRenderer() fyne.WidgetRenderer {
	head := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	guides := container.NewVScroll(p.guides)
	guides.SetMinSize(fyne.NewSize(0, 120))
	top := container.NewVBox(head("Labels"), p.buttons, guides, widget.NewSeparator(), head("Spans in this document"))
	bottom := container.NewVBox(head("Note"), p.note, p.attrs.box)
	return widget.NewSimpleRenderer(container.NewBorder(top, bottom, nil, nil, p.list))
}
