package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sahilm/fuzzy"
)

// paletteItem is one thing the palette can do: run a command or open a document.
type paletteItem struct {
	Title  string // what is matched and shown
	Detail string // shown after the title, dimmed
	Run    func()
}

// paletteItems lets the fuzzy search read the titles.
type paletteItems []paletteItem

func (s paletteItems) String(i int) string { return s[i].Title }
func (s paletteItems) Len() int            { return len(s) }

// Palette is the Ctrl+K box: type a few letters of a document or a command, Up and Down choose, Enter
// runs it, Escape closes.
type Palette struct {
	widget.BaseWidget

	// OnClosed is called when the palette closes, whether it ran an item or not.
	OnClosed func()

	entry    *keyEntry
	list     *widget.List
	popup    *widget.PopUp
	items    []paletteItem
	shown    []paletteItem
	marks    [][]int
	shownFor string // the query that shown answers
	chosen   int
	gen      int
	work     pending
}

// maxPaletteRows is how many matches the palette lists.
const maxPaletteRows = 200

// NewPalette returns a palette over items.
func NewPalette(items []paletteItem) *Palette {
	p := &Palette{items: items}
	p.entry = newKeyEntry("Go to a document or run a command", p.key)
	p.entry.OnChanged = p.filter
	p.list = widget.NewList(func() int { return len(p.shown) },
		func() fyne.CanvasObject {
			t := widget.NewRichText()
			t.Truncation = fyne.TextTruncateEllipsis
			d := widget.NewLabel("")
			d.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, nil, d, t)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.shown) {
				return
			}
			row := o.(*fyne.Container)
			t := row.Objects[0].(*widget.RichText)
			t.Segments = emphasise(p.shown[i].Title, p.marks[i])
			t.Refresh()
			row.Objects[1].(*widget.Label).SetText(p.shown[i].Detail)
		})
	p.list.OnSelected = func(i widget.ListItemID) { p.chosen = i }
	p.ExtendBaseWidget(p)
	p.filter("")
	return p
}

// Open opens the palette over c with the focus in its entry.
func (p *Palette) Open(c fyne.Canvas) {
	p.popup = widget.NewModalPopUp(p, c)
	size := c.Size()
	p.popup.Resize(fyne.NewSize(min(640, size.Width-40), min(420, size.Height-80)))
	p.popup.Show()
	c.Focus(p.entry)
}

// Close closes the palette.
func (p *Palette) Close() {
	if p.popup != nil {
		p.popup.Hide()
	}
	if p.OnClosed != nil {
		p.OnClosed()
	}
}

// SetHint replaces the text the empty entry shows.
func (p *Palette) SetHint(s string) { p.entry.SetPlaceHolder(s) }

// Shown returns the titles listed, best first (for tests).
func (p *Palette) Shown() []string {
	out := make([]string, len(p.shown))
	for i, it := range p.shown {
		out[i] = it.Title
	}
	return out
}

// Wait waits for a running filter (for tests).
func (p *Palette) Wait() { p.work.Wait() }

func (p *Palette) filter(q string) {
	p.gen++
	gen := p.gen
	if q == "" {
		p.shown, p.shownFor = p.items[:min(len(p.items), maxPaletteRows)], ""
		p.marks = make([][]int, len(p.shown))
		p.choose(0)
		return
	}
	items := p.items
	p.work.Go(func() {
		shown, marks := match(q, items)
		fyne.Do(func() {
			if gen == p.gen {
				p.shown, p.marks, p.shownFor = shown, marks, q
				p.choose(0)
			}
		})
	})
}

// match returns the items matching q, best first, with the matched bytes of each title.
func match(q string, items []paletteItem) ([]paletteItem, [][]int) {
	matches := fuzzy.FindFrom(q, paletteItems(items))
	n := min(len(matches), maxPaletteRows)
	shown, marks := make([]paletteItem, n), make([][]int, n)
	for i := range n {
		shown[i], marks[i] = items[matches[i].Index], matches[i].MatchedIndexes
	}
	return shown, marks
}

func (p *Palette) choose(i int) {
	p.list.Refresh()
	if len(p.shown) == 0 {
		p.chosen = -1
		return
	}
	p.chosen = max(0, min(i, len(p.shown)-1))
	p.list.Select(p.chosen)
	p.list.ScrollTo(p.chosen)
}

func (p *Palette) key(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyDown:
		p.choose(p.chosen + 1)
	case fyne.KeyUp:
		p.choose(p.chosen - 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		if q := p.entry.Text; q != p.shownFor { // typed faster than the search: match now
			p.gen++
			p.shown, p.marks = match(q, p.items)
			p.shownFor, p.chosen = q, 0
		}
		if p.chosen >= 0 && p.chosen < len(p.shown) {
			it := p.shown[p.chosen]
			p.Close()
			it.Run()
		}
	case fyne.KeyEscape:
		p.Close()
	default:
		return false
	}
	return true
}

// CreateRenderer puts the entry above the list.
func (p *Palette) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(
		container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, p.entry), nil, nil, nil, p.list))
}
