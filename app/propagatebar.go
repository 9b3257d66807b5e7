package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// PropagateBar offers, after a span is labelled, to label the other occurrences of its text: in the
// document (Ctrl+P) or in the whole corpus (Ctrl+Shift+P), as spans or as suggestions to review, matching
// case or not. It sits below the article view and never takes the focus from it.
type PropagateBar struct {
	widget.BaseWidget

	// OnLabel is called when the user chooses to label the occurrences: in the whole corpus or only in
	// the document.
	OnLabel func(corpus bool)
	// OnCaseChanged is called when the user turns matching case on or off: the counts must be found again.
	OnCaseChanged func(matchCase bool)
	// OnClosed is called when the bar closes.
	OnClosed func()

	message     *widget.Label
	here, all   *widget.Button
	suggest     *widget.Check
	matchCase   *widget.Check
	inDocument  int
	inCorpus    int
	settingCase bool
}

// NewPropagateBar returns a hidden bar.
func NewPropagateBar() *PropagateBar {
	b := &PropagateBar{message: widget.NewLabel("")}
	b.message.Truncation = fyne.TextTruncateEllipsis
	b.here = widget.NewButton("", func() { b.Label(false) })
	b.all = widget.NewButton("", func() { b.Label(true) })
	b.here.Importance = widget.HighImportance
	b.suggest = widget.NewCheck("as suggestions", nil)
	b.matchCase = widget.NewCheck("match case", func(on bool) {
		if !b.settingCase && b.OnCaseChanged != nil {
			b.OnCaseChanged(on)
		}
	})
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// Offer shows the bar for the text just labelled with label, found inDocument more times in the document
// and inCorpus times in docs other documents. With no other occurrence the bar hides.
func (b *PropagateBar) Offer(needle, label string, inDocument, inCorpus, docs int) {
	b.inDocument, b.inCorpus = inDocument, inCorpus
	if inDocument+inCorpus == 0 {
		b.Close()
		return
	}
	msg := fmt.Sprintf("“%s”: %d more here", excerpt(needle, 40), inDocument)
	if inCorpus > 0 {
		msg += fmt.Sprintf(", %d in %s", inCorpus, annotations.Plural(docs, "other document"))
	}
	b.message.SetText(msg + ": label as " + label + "?")
	b.here.SetText(fmt.Sprintf("Label %d here (Ctrl+P)", inDocument))
	b.all.SetText(fmt.Sprintf("Label all %d (Ctrl+Shift+P)", inDocument+inCorpus))
	enable(b.here, inDocument > 0)
	enable(b.all, inCorpus > 0)
	b.Show()
}

// AsSuggestions reports whether the occurrences are to become suggestions rather than spans.
func (b *PropagateBar) AsSuggestions() bool { return b.suggest.Checked }

// SetAsSuggestions sets the "as suggestions" choice (remembered between sessions by the window).
func (b *PropagateBar) SetAsSuggestions(on bool) { b.suggest.SetChecked(on) }

// MatchCase reports whether occurrences must have the same case.
func (b *PropagateBar) MatchCase() bool { return b.matchCase.Checked }

// SetMatchCase sets the "match case" choice without calling OnCaseChanged.
func (b *PropagateBar) SetMatchCase(on bool) {
	b.settingCase = true
	b.matchCase.SetChecked(on)
	b.settingCase = false
}

// Close hides the bar.
func (b *PropagateBar) Close() {
	if !b.Visible() {
		return
	}
	b.Hide()
	if b.OnClosed != nil {
		b.OnClosed()
	}
}

// Label does what the buttons do: label the occurrences in the document, or in the corpus, when the
// bar offers them.
func (b *PropagateBar) Label(corpus bool) {
	if !b.Visible() || corpus && b.inCorpus == 0 || !corpus && b.inDocument == 0 {
		return
	}
	if b.OnLabel != nil {
		b.OnLabel(corpus)
	}
}

// CreateRenderer lays the message out beside the buttons and choices.
func (b *PropagateBar) CreateRenderer() fyne.WidgetRenderer {
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), b.Close)
	closeBtn.Importance = widget.LowImportance
	right := container.NewHBox(b.here, b.all, b.suggest, b.matchCase, closeBtn)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, widget.NewIcon(theme.ContentCopyIcon()), right, b.message))
}
