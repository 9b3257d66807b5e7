// Package app is Tagdesk's graphical interface. It holds no SQL: every read and write is a call on
// annotations.Project.
package app

import (
	"context"
	"fmt"
	"log"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/assets"
)

// firstPage is how many documents the overview lists.
const firstPage = 200

// Window is Tagdesk's main window. This version is an overview of the open project: its documents,
// label set and annotators; the annotation workspace replaces its centre.
type Window struct {
	fyne.Window
	project   *annotations.Project
	annotator string

	summary *widget.Label
	docs    *widget.List
	labels  *fyne.Container
	people  *widget.Label

	entries []annotations.DocumentEntry
	loaded  chan struct{} // closed when the first load has been shown
}

// NewWindow returns the main window of a on project p, for annotator (which may be empty). Its
// contents load in the background.
func NewWindow(a fyne.App, p *annotations.Project, annotator string) *Window {
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := &Window{
		Window:    a.NewWindow("Tagdesk — " + filepath.Base(p.Path())),
		project:   p,
		annotator: annotator,
		summary:   widget.NewLabel("Loading…"),
		labels:    container.NewVBox(),
		people:    widget.NewLabel(""),
		loaded:    make(chan struct{}),
	}
	w.docs = widget.NewList(
		func() int { return len(w.entries) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("name")
			name.TextStyle.Bold = true
			line := widget.NewLabel("first line")
			line.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(name, line)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := w.entries[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s  ·  %d characters", e.Name, e.Length))
			box.Objects[1].(*widget.Label).SetText(e.FirstLine)
		})

	who := "No annotator set (start with --annotator NAME)"
	if annotator != "" {
		who = "Annotating as " + annotator
	}
	header := container.NewVBox(
		widget.NewLabelWithStyle(p.Path(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(who),
		w.summary,
	)
	hint := widget.NewLabel("Add documents with: tagdesk import --project " + p.Path() + " FILES…\n" +
		"The annotation workspace comes in the next version of Tagdesk.")
	hint.Wrapping = fyne.TextWrapWord
	side := container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle("Labels", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		w.labels,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Annotators", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		w.people,
	))
	split := container.NewHSplit(w.docs, side)
	split.Offset = 0.6
	w.SetContent(container.NewBorder(header, hint, nil, nil, split))
	w.Resize(fyne.NewSize(1100, 720))

	go w.load()
	return w
}

// overview is what the window shows, read off the UI goroutine.
type overview struct {
	stats   annotations.Stats
	labels  []annotations.Label
	entries []annotations.DocumentEntry
	err     error
}

func (w *Window) load() {
	ctx := context.Background()
	var o overview
	o.stats, o.err = w.project.Stats(ctx)
	if o.err == nil {
		o.labels, o.err = w.project.Labels(ctx)
	}
	if o.err == nil {
		o.entries, o.err = w.project.ListDocuments(ctx, annotations.DocumentQuery{Annotator: w.annotator, Limit: firstPage})
	}
	fyne.Do(func() {
		w.show(o)
		close(w.loaded)
	})
}

func (w *Window) show(o overview) {
	if o.err != nil {
		log.Printf("load overview: %v", o.err)
		w.summary.SetText(annotations.Message(o.err))
		return
	}
	s := plural(o.stats.Documents, "document") + " · " + plural(o.stats.Spans, "span")
	if o.stats.Documents > len(o.entries) {
		s += fmt.Sprintf(" · the first %d are listed", len(o.entries))
	}
	w.summary.SetText(s)
	w.entries = o.entries
	w.docs.Refresh()

	w.labels.RemoveAll()
	for _, l := range o.labels {
		w.labels.Add(labelRow(l, spansOf(o.stats, l.Name)))
	}
	people := ""
	for _, a := range o.stats.Annotators {
		people += fmt.Sprintf("%s: %s; %d done, %d in progress, %d new\n", a.Name, plural(a.Spans, "span"),
			a.Status[annotations.StatusDone], a.Status[annotations.StatusInProgress], a.Status[annotations.StatusNew])
	}
	if people == "" {
		people = "No one has annotated yet."
	}
	w.people.SetText(people)
}

func spansOf(st annotations.Stats, label string) int {
	for _, l := range st.Labels {
		if l.Name == label {
			return l.Spans
		}
	}
	return 0
}

// labelRow shows one label: colour swatch, name, hotkey, count, and its guideline folded away.
func labelRow(l annotations.Label, spans int) fyne.CanvasObject {
	swatch := canvas.NewRectangle(parseColor(l.Color))
	swatch.SetMinSize(fyne.NewSize(18, 18))
	swatch.CornerRadius = 4
	key := ""
	if l.Hotkey != "" {
		key = fmt.Sprintf("  [%s]", l.Hotkey)
	}
	title := widget.NewLabel(fmt.Sprintf("%s%s  ·  %s", l.Name, key, plural(spans, "span")))
	guide := widget.NewLabel(l.Guideline)
	guide.Wrapping = fyne.TextWrapWord
	acc := widget.NewAccordion(widget.NewAccordionItem("Guideline", guide))
	return container.NewVBox(container.NewHBox(container.NewCenter(swatch), title), acc)
}

// plural returns "1 span", "2 spans".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
