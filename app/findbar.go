package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// FindBar searches the article view's text as the user types, ignoring case and accents. Enter selects
// the match, closes the bar and gives the focus back to the text; Escape closes it keeping the
// selection. FindNext (Ctrl+G) selects the next match of the last search, bar open or not.
type FindBar struct {
	widget.BaseWidget

	// OnClosed is called when the bar closes, to give the focus back to the view.
	OnClosed func()

	view   *ArticleView
	finder *text.Finder
	entry  *keyEntry
	count  *widget.Label
	last   string // the last query searched
	from   int    // where the incremental search started: the caret when the bar opened
}

// NewFindBar returns a hidden find bar for v.
func NewFindBar(v *ArticleView) *FindBar {
	f := &FindBar{view: v, count: widget.NewLabel("")}
	f.entry = newKeyEntry("Find in the article (Enter selects, Esc closes)", f.key)
	f.entry.OnChanged = func(string) { f.search() }
	f.ExtendBaseWidget(f)
	f.Hide()
	return f
}

// SetFinder tells the bar that the view shows a new text, prepared for searching by
// text.NewFinder (off the UI goroutine: it folds every character).
func (f *FindBar) SetFinder(finder *text.Finder) {
	f.finder = finder
	f.count.SetText("")
}

// Open shows the bar with the focus in its entry, its text selected for typing over.
func (f *FindBar) Open() {
	f.from = f.view.Selection().Start
	f.Show()
	// the view's canvas: the entry has no canvas of its own until it has been drawn once
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.view); c != nil {
		c.Focus(f.entry)
	}
	f.entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	f.search()
}

// Close hides the bar, keeping the selection.
func (f *FindBar) Close() {
	f.Hide()
	if f.OnClosed != nil {
		f.OnClosed()
	}
}

// FindNext selects the next match of the last search after the caret; it reports whether there was one.
func (f *FindBar) FindNext() bool {
	if f.last == "" || f.finder == nil {
		return false
	}
	sel := f.view.Selection()
	from := sel.Start + 1
	if sel.End == sel.Start {
		from = sel.Start
	}
	r, ok := f.finder.Next(f.last, from)
	if ok {
		f.view.Select(r.Start, r.End)
	}
	return ok
}

// search selects the first match at or after where the search started, as the user types.
func (f *FindBar) search() {
	q := f.entry.Text
	if f.finder == nil || q == "" {
		f.count.SetText("")
		return
	}
	f.last = q
	n := f.finder.Count(q)
	r, ok := f.finder.Next(q, f.from)
	if !ok {
		f.count.SetText("no match")
		return
	}
	if n == 1 {
		f.count.SetText("1 match")
	} else {
		f.count.SetText(fmt.Sprintf("%d matches", n))
	}
	f.view.Select(r.Start, r.End)
}

func (f *FindBar) key(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		f.search()
		f.Close()
		return true
	case fyne.KeyEscape:
		f.Close()
		return true
	}
	return false
}

// CreateRenderer lays the bar out: an entry, the number of matches and a close button.
func (f *FindBar) CreateRenderer() fyne.WidgetRenderer {
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), f.Close)
	closeBtn.Importance = widget.LowImportance
	next := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { f.FindNext() })
	next.Importance = widget.LowImportance
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()),
		container.NewHBox(f.count, next, closeBtn), f.entry))
}
