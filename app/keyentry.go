package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// keyEntry is a one-line entry that lets its owner take some keys first (Escape, Up, Down...), for
// the find bar and the palette.
type keyEntry struct {
	widget.Entry
	// onKey gets every key first and returns whether it used it.
	onKey func(ev *fyne.KeyEvent) bool
	// onFocus, if set, is called when the entry gets the keyboard focus.
	onFocus func()
}

// FocusGained calls onFocus, if set.
func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

var _ fyne.Focusable = (*keyEntry)(nil)

func newKeyEntry(placeholder string, onKey func(*fyne.KeyEvent) bool) *keyEntry {
	e := &keyEntry{onKey: onKey}
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey hands the key to onKey, and to the entry when onKey did not use it.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}
