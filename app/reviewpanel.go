package app

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// ReviewPanel is review mode's side panel: the accept rules, the document's annotators (numbered as
// their keys, in the order of the rows of marks under each line), the conflicts in text order, and the
// versions of the current conflict with what the gold layer holds for it.
type ReviewPanel struct {
	widget.BaseWidget

	// OnSelected is called when a conflict is picked in the list.
	OnSelected func(i int)
	// OnAccept is called to accept the version of the annotator numbered n, from 1.
	OnAccept func(n int)
	// OnReject is called to reject the current conflict.
	OnReject func()
	// OnEdit is called to edit the current conflict's gold span in the article view.
	OnEdit func()
	// OnRuleChanged is called when the user changes the accept rule.
	OnRuleChanged func(rule annotations.AcceptRule)

	unanimous *widget.Check
	majority  *widget.Select
	heading   *widget.Label
	who       *widget.Label // the annotators, numbered
	list      *widget.List
	detail    *fyne.Container // the current conflict's versions
	syncing   bool

	rd        annotations.ReviewDocument
	conflicts []annotations.Group
	current   int
	excerpt   func(start, end int) string
	colors    func(label string) color.Color
}

// NewReviewPanel returns an empty panel. excerpt gives the text of a stretch of the document, colors the
// colour of a label.
func NewReviewPanel(excerpt func(start, end int) string, colors func(label string) color.Color) *ReviewPanel {
	p := &ReviewPanel{excerpt: excerpt, colors: colors, current: -1}
	p.unanimous = widget.NewCheck("Accept spans all annotators agree on", func(bool) { p.ruleChanged() })
	p.majority = widget.NewSelect([]string{"never", "2 agree", "3 agree", "4 agree", "5 agree"}, func(string) { p.ruleChanged() })
	p.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.heading.Wrapping = fyne.TextWrapWord
	p.who = widget.NewLabel("")
	p.who.Wrapping = fyne.TextWrapWord
	p.detail = container.NewVBox()
	p.list = widget.NewList(func() int { return len(p.conflicts) }, p.newRow, p.updateRow)
	p.list.OnSelected = func(i widget.ListItemID) {
		if !p.syncing && p.OnSelected != nil && i < len(p.conflicts) {
			p.OnSelected(i)
		}
	}
	p.ExtendBaseWidget(p)
	return p
}

// SetRule shows the accept rule without calling OnRuleChanged.
func (p *ReviewPanel) SetRule(rule annotations.AcceptRule) {
	p.syncing = true
	defer func() { p.syncing = false }()
	p.unanimous.SetChecked(rule.Unanimous)
	if rule.Majority >= 2 && rule.Majority-1 < len(p.majority.Options) {
		p.majority.SetSelectedIndex(rule.Majority - 1)
	} else {
		p.majority.SetSelectedIndex(0)
	}
}

// Rule returns the accept rule the panel shows.
func (p *ReviewPanel) Rule() annotations.AcceptRule {
	rule := annotations.AcceptRule{Unanimous: p.unanimous.Checked}
	if i := p.majority.SelectedIndex(); i > 0 {
		rule.Majority = i + 1
	}
	return rule
}

func (p *ReviewPanel) ruleChanged() {
	if !p.syncing && p.OnRuleChanged != nil {
		p.OnRuleChanged(p.Rule())
	}
}

// SetDocument shows a document's review, its conflicts and which one is current (-1: none).
func (p *ReviewPanel) SetDocument(rd annotations.ReviewDocument, conflicts []annotations.Group, current int) {
	p.rd, p.conflicts = rd, conflicts
	who := make([]string, len(rd.Annotators))
	for i, a := range rd.Annotators {
		who[i] = fmt.Sprintf("%d %s (%s)", i+1, a, statusText(rd.Statuses[a]))
	}
	if len(who) == 0 {
		p.who.SetText("Nobody has annotated this document yet.")
	} else {
		p.who.SetText("Rows under each line: " + strings.Join(who, " · "))
	}
	resolved := 0
	for _, g := range conflicts {
		if g.Resolved() {
			resolved++
		}
	}
	switch {
	case len(conflicts) == 0:
		p.heading.SetText(fmt.Sprintf("No conflicts · %s · %s", annotations.Plural(len(rd.Gold), "gold span"), rd.Review.Status))
	default:
		p.heading.SetText(fmt.Sprintf("%d of %s decided · %s · %s", resolved, annotations.Plural(len(conflicts), "conflict"),
			annotations.Plural(len(rd.Gold), "gold span"), rd.Review.Status))
	}
	p.list.Refresh()
	p.SetCurrent(current)
}

// SetCurrent makes conflict i current: selected in the list, its versions shown.
func (p *ReviewPanel) SetCurrent(i int) {
	p.current = i
	p.syncing = true
	if i >= 0 && i < len(p.conflicts) {
		p.list.Select(i)
		p.list.ScrollTo(i)
	} else {
		p.list.UnselectAll()
	}
	p.syncing = false
	p.showDetail()
}

// showDetail lists the current conflict's versions, each with its key, and its decision.
func (p *ReviewPanel) showDetail() {
	p.detail.RemoveAll()
	if p.current < 0 || p.current >= len(p.conflicts) {
		hint := widget.NewLabel("Pick a conflict in the list, or press J or ↓.")
		if len(p.conflicts) == 0 {
			hint.SetText("Nothing to decide here: edit the gold layer with E, or press Ctrl+Enter to mark the document reviewed.")
		}
		hint.Wrapping = fyne.TextWrapWord
		p.detail.Add(hint)
		return
	}
	g := p.conflicts[p.current]
	p.detail.Add(widget.NewLabelWithStyle(fmt.Sprintf("Conflict %d of %d · %d–%d", p.current+1, len(p.conflicts), g.Start, g.End),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for n, a := range p.rd.Annotators {
		n := n + 1
		version := g.Version(a)
		text := "no span here"
		if len(version) > 0 {
			text = p.describe(version)
		}
		accept := widget.NewButton(fmt.Sprintf("%d", n), func() {
			if p.OnAccept != nil {
				p.OnAccept(n)
			}
		})
		if n > 9 {
			accept.SetText("✓")
		}
		line := widget.NewLabel(a + ": " + text)
		line.Truncation = fyne.TextTruncateEllipsis
		p.detail.Add(container.NewBorder(nil, nil, container.NewHBox(accept, p.swatches(version)), nil, line))
	}
	decision := "Undecided."
	switch {
	case len(g.Gold) > 0:
		decision = "Gold: " + p.describe(g.Gold)
	case g.Rejected:
		decision = "Rejected: no span here."
	}
	d := widget.NewLabel(decision)
	d.Wrapping = fyne.TextWrapWord
	if len(g.Gold) > 0 || g.Rejected {
		d.Importance = widget.SuccessImportance
	}
	p.detail.Add(d)
	p.detail.Add(container.NewHBox(
		widget.NewButtonWithIcon("Reject (X)", theme.CancelIcon(), func() {
			if p.OnReject != nil {
				p.OnReject()
			}
		}),
		widget.NewButtonWithIcon("Edit (E)", theme.DocumentCreateIcon(), func() {
			if p.OnEdit != nil {
				p.OnEdit()
			}
		}),
	))
}

// describe writes spans as "actor «Kovalenko»; figure «240»".
func (p *ReviewPanel) describe(spans []annotations.Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = fmt.Sprintf("%s “%s”", s.Label, p.excerpt(s.Start, s.End))
	}
	return strings.Join(parts, "; ")
}

// swatches are small squares in the colours of the spans' labels.
func (p *ReviewPanel) swatches(spans []annotations.Span) fyne.CanvasObject {
	box := container.NewHBox()
	for _, s := range spans {
		r := canvas.NewRectangle(p.colors(s.Label))
		r.SetMinSize(fyne.NewSize(10, 10))
		box.Add(container.NewCenter(r))
	}
	return box
}

func (p *ReviewPanel) newRow() fyne.CanvasObject {
	mark := widget.NewIcon(theme.RadioButtonIcon())
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, mark, nil, text)
}

func (p *ReviewPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.conflicts) {
		return
	}
	g := p.conflicts[i]
	row := o.(*fyne.Container)
	text, mark := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Icon)
	switch {
	case g.Rejected:
		mark.SetResource(theme.CancelIcon())
	case len(g.Gold) > 0:
		mark.SetResource(theme.ConfirmIcon())
	default:
		mark.SetResource(theme.RadioButtonIcon())
	}
	text.SetText(fmt.Sprintf("%s · “%s”", p.kind(g), p.excerpt(g.Start, g.End)))
}

// kind says how a conflict's versions differ.
func (p *ReviewPanel) kind(g annotations.Group) string {
	labels, extents, missing := map[string]bool{}, map[[2]int]bool{}, 0
	for _, s := range g.Spans {
		labels[s.Label] = true
		extents[[2]int{s.Start, s.End}] = true
	}
	for _, a := range p.rd.Annotators {
		if len(g.Version(a)) == 0 {
			missing++
		}
	}
	var kinds []string
	if len(labels) > 1 {
		kinds = append(kinds, "labels differ")
	}
	if len(extents) > 1 {
		kinds = append(kinds, "edges differ")
	}
	if missing > 0 {
		kinds = append(kinds, fmt.Sprintf("%d without", missing))
	}
	if len(kinds) == 0 {
		return "to decide"
	}
	return strings.Join(kinds, ", ")
}

// CreateRenderer lays the panel out: rules and annotators on top, the conflict list in the middle, the
// current conflict below.
func (p *ReviewPanel) CreateRenderer() fyne.WidgetRenderer {
	keys := widget.NewLabel("J/K move · 1–9 accept · X reject · E edit · Ctrl+Enter reviewed")
	keys.Wrapping = fyne.TextWrapWord
	keys.Importance = widget.LowImportance
	top := container.NewVBox(p.unanimous, container.NewBorder(nil, nil, widget.NewLabel("Or accept when"), nil, p.majority),
		widget.NewSeparator(), p.who, p.heading)
	bottom := container.NewVBox(widget.NewSeparator(), p.detail, keys)
	return widget.NewSimpleRenderer(container.NewBorder(top, bottom, nil, nil, p.list))
}
