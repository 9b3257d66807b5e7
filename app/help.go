package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// shortcut is one line of the shortcuts sheet. The README has the same table; a test keeps them equal.
type shortcut struct{ Keys, Action string }

// shortcutGroup is a titled part of the sheet.
type shortcutGroup struct {
	Title string
	Lines []shortcut
}

// Shortcuts is the selection and labelling contract, as shown in the app (F1) and the README.
var Shortcuts = []shortcutGroup{
	{"Selecting", []shortcut{
		{"Drag", "select whole words"},
		{"Alt+drag", "select exact characters"},
		{"Double click", "select a word"},
		{"Triple click", "select a sentence"},
		{"Shift+click", "extend the selection"},
		{"Click on a span", "select it; click again for the span around it; a bar under the line selects its span"},
		{"Left / Right", "move the caret by word"},
		{"Shift+Left / Shift+Right", "extend the selection by word"},
		{"Shift+Alt+Left / Shift+Alt+Right", "extend the selection by character"},
		{"Up / Down, Home / End", "move by line, to the line's start or end (with Shift: extend)"},
		{"Ctrl+F", "find: typing searches (ignoring case and accents), Enter selects the match, Esc closes"},
		{"Ctrl+G", "select the next match of the last search"},
		{"Esc", "clear the selection"},
	}},
	{"Labelling", []shortcut{
		{"1 … 9", "apply the label at that position to the selection, or relabel the selected span"},
		{"Label hotkey (a, f, w, c…)", "the same, by the label's letter"},
		{"Delete / Backspace", "remove the selected span"},
		{"Tab / Shift+Tab", "select the next / previous span"},
		{"Drag an edge of the selected span", "resize it (whole words; Alt: characters)"},
		{"Shift+Left / Shift+Right on a span", "move its end by a word (with Alt: a character)"},
		{"Ctrl+Shift+Left / Ctrl+Shift+Right on a span", "move its start by a word (with Alt: a character)"},
		{"Ctrl+Z", "undo"},
		{"Ctrl+Shift+Z / Ctrl+Y", "redo"},
	}},
	{"Assisted annotation", []shortcut{
		{"n / Shift+N", "go to the next / previous suggestion (dashed outline); a click on one goes to it"},
		{"Enter", "accept the suggestion as its label"},
		{"Label key (1 … 9, a, f…)", "accept the suggestion as that label"},
		{"Backspace / Delete", "reject the suggestion: it is not offered again"},
		{"Ctrl+Shift+A", "accept every suggestion in the document (one undo takes them back)"},
		{"Ctrl+P / Ctrl+Shift+P", "after labelling, label the other occurrences in the document / in every document"},
		{"r", "link the selected span (a claim) to another (its source): pick it from a list; again unlinks"},
		{"Ctrl+click on a span", "link the selected span to it (attributed_to); again unlinks"},
	}},
	{"Documents", []shortcut{
		{"Ctrl+Enter", "mark the document done and open the next one not done"},
		{"Page Down / Page Up", "next / previous document"},
		{"Ctrl+K", "palette: jump to any document or run a command"},
		{"Ctrl+= / Ctrl+- / Ctrl+0", "larger / smaller / normal text"},
		{"F1", "this sheet"},
	}},
	{"Review (Ctrl+Shift+R turns review mode on and off)", []shortcut{
		{"J / K, Down / Up", "next / previous conflict"},
		{"1 … 9", "accept annotator N's version of the conflict into the gold layer (no span there: reject)"},
		{"X", "reject the conflict: no span belongs there"},
		{"E", "edit the gold layer at the conflict with the labelling keys; Esc goes back to the conflicts"},
		{"Ctrl+Enter", "mark the document reviewed and open the next one not reviewed"},
		{"Ctrl+Z / Ctrl+Shift+Z", "undo / redo decisions as any edit"},
	}},
}

// showShortcuts opens the shortcuts sheet and returns it.
func showShortcuts(w fyne.Window) dialog.Dialog {
	box := container.NewVBox()
	for _, g := range Shortcuts {
		box.Add(widget.NewLabelWithStyle(g.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid := container.New(&sheetLayout{})
		for _, s := range g.Lines {
			k := widget.NewLabelWithStyle(s.Keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			a := widget.NewLabel(s.Action)
			a.Wrapping = fyne.TextWrapWord
			grid.Add(k)
			grid.Add(a)
		}
		box.Add(grid)
	}
	box.Add(widget.NewLabel("Every edit is saved the moment you make it: there is nothing to save by hand."))
	scroll := container.NewVScroll(box)
	d := dialog.NewCustom("Keyboard and mouse", "Close", scroll, w)
	d.Resize(fyne.NewSize(min(900, w.Canvas().Size().Width-40), min(640, w.Canvas().Size().Height-40)))
	d.Show()
	return d
}

// sheetLayout puts pairs of objects in two columns: keys (as wide as the widest) and their action.
type sheetLayout struct{}

func (l *sheetLayout) keyWidth(objs []fyne.CanvasObject) float32 {
	var w float32
	for i := 0; i < len(objs); i += 2 {
		w = max(w, objs[i].MinSize().Width)
	}
	return w
}

func (l *sheetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	kw := l.keyWidth(objs)
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		aw := max(50, size.Width-kw)
		objs[i+1].Resize(fyne.NewSize(aw, 0))
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(kw, h))
		objs[i+1].Move(fyne.NewPos(kw, y))
		objs[i+1].Resize(fyne.NewSize(aw, h))
		y += h
	}
}

func (l *sheetLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	kw := l.keyWidth(objs)
	var h float32
	for i := 0; i+1 < len(objs); i += 2 {
		h += max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
	}
	return fyne.NewSize(kw+200, h)
}
