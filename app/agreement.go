package app

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// agreementSheet is the agreement view: for a pair of annotators, the table of measures by label, a
// bar chart of F1 by label and the confusion of labels of overlapping spans; and the measures across
// all annotators.
type agreementSheet struct {
	report *agreement.Report
	colors map[string]color.Color

	pair    *widget.Select
	mode    *widget.Select
	summary *widget.Label
	table   *fyne.Container
	chart   *BarChart
	grid    *ConfusionGrid
}

// ShowAgreement computes the agreement of p's annotators off the UI goroutine and shows it in a dialog.
// all compares every document two annotators touched instead of those both marked done.
func ShowAgreement(win fyne.Window, p *annotations.Project, labels []annotations.Label, all bool) {
	colors := map[string]color.Color{}
	for _, l := range labels {
		colors[l.Name] = parseColor(l.Color)
	}
	wait := dialog.NewCustomWithoutButtons("Agreement", widget.NewProgressBarInfinite(), win)
	wait.Show()
	go func() {
		report, err := agreement.Compute(context.Background(), p, agreement.Options{All: all})
		fyne.Do(func() {
			wait.Hide()
			if err != nil {
				dialog.ShowInformation("Agreement", "The agreement could not be computed: "+annotations.Message(err), win)
				return
			}
			s := &agreementSheet{report: report, colors: colors}
			d := dialog.NewCustom("Agreement", "Close", s.content(win, p, labels, all), win)
			d.Resize(fyne.NewSize(min(980, win.Canvas().Size().Width-40), min(720, win.Canvas().Size().Height-40)))
			d.Show()
		})
	}()
}

func (s *agreementSheet) content(win fyne.Window, p *annotations.Project, labels []annotations.Label, all bool) fyne.CanvasObject {
	r := s.report
	if len(r.Pairs) == 0 {
		msg := widget.NewLabel("There is nothing to compare yet: agreement needs two annotators who both marked the same documents done. " +
			"Merge the annotators' project files first, or tick “every document both touched”.")
		msg.Wrapping = fyne.TextWrapWord
		return container.NewVBox(msg, s.allCheck(win, p, labels, all))
	}
	var names []string
	for _, pr := range r.Pairs {
		names = append(names, pr.Annotators[0]+" and "+pr.Annotators[1])
	}
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	modes := make([]string, len(agreement.Modes))
	for i, m := range agreement.Modes {
		modes[i] = string(m)
	}
	s.table = container.NewGridWithColumns(len(modes) + 2)
	s.chart = NewBarChart(nil)
	s.grid = NewConfusionGrid("", "", agreement.Confusion{})
	s.mode = widget.NewSelect(modes, func(string) { s.show() })
	s.pair = widget.NewSelect(names, func(string) { s.show() })
	s.mode.SetSelected(string(agreement.Overlap))
	s.pair.SetSelectedIndex(0)

	everyone := widget.NewLabel(s.acrossAll())
	everyone.Wrapping = fyne.TextWrapWord
	bold := fyne.TextStyle{Bold: true}
	body := container.NewVBox(
		container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, widget.NewLabel("Pair:"), nil, s.pair),
			container.NewBorder(nil, nil, widget.NewLabel("F1 mode of the chart:"), nil, s.mode)),
		s.allCheck(win, p, labels, all),
		s.summary,
		s.table,
		widget.NewLabelWithStyle("Span F1 by label", fyne.TextAlignLeading, bold), s.chart,
		widget.NewLabelWithStyle("Labels of overlapping spans", fyne.TextAlignLeading, bold), s.grid,
		widget.NewLabelWithStyle("All annotators, over word tokens", fyne.TextAlignLeading, bold), everyone,
	)
	return container.NewVScroll(body)
}

// allCheck switches between documents both marked done and every document both touched.
func (s *agreementSheet) allCheck(win fyne.Window, p *annotations.Project, labels []annotations.Label, all bool) fyne.CanvasObject {
	c := widget.NewCheck("Every document both touched (not only those both marked done)", nil)
	c.SetChecked(all)
	c.OnChanged = func(on bool) {
		for _, o := range win.Canvas().Overlays().List() {
			win.Canvas().Overlays().Remove(o) // close this sheet; a new one replaces it
		}
		ShowAgreement(win, p, labels, on)
	}
	return c
}

// show fills the table, chart and grid for the chosen pair and mode.
func (s *agreementSheet) show() {
	if s.pair == nil || s.mode == nil || s.pair.SelectedIndex() < 0 || s.table == nil {
		return
	}
	pr := s.report.Pairs[s.pair.SelectedIndex()]
	what := "marked done by both"
	if s.report.All {
		what = "touched by both"
	}
	relations := "Relations: neither linked any spans."
	if pr.RelationF1.Defined {
		relations = "Relation F1 (same type, both spans exact): " + pr.RelationF1.String() + "."
	}
	s.summary.SetText(fmt.Sprintf("%s compared, %s. Overlap: the spans share a character. Kappa: word tokens in or out of the label. %s",
		annotations.Plural(pr.Documents, "document"), what, relations))
	s.table.RemoveAll()
	header := []string{"label"}
	for _, m := range agreement.Modes {
		header = append(header, strings.ReplaceAll(string(m), "_", " ")) // as the rows below take them
	}
	for _, h := range append(header, "Cohen's κ") {
		s.table.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	row := func(name string, f1 func(agreement.Scores) agreement.Value, kappa string) {
		s.table.Add(widget.NewLabel(name))
		for _, m := range agreement.Modes {
			s.table.Add(widget.NewLabel(f1(pr.SpanF1[m]).String()))
		}
		s.table.Add(widget.NewLabel(kappa))
	}
	row("all labels", func(sc agreement.Scores) agreement.Value { return sc.Overall }, "")
	mode := agreement.Mode(s.mode.Selected)
	var bars []Bar
	for _, l := range s.report.Labels {
		row(l, func(sc agreement.Scores) agreement.Value { return sc.ByLabel[l] }, pr.CohenKappa[l].String())
		c := s.colors[l]
		if c == nil {
			c = theme.Color(theme.ColorNamePrimary)
		}
		bars = append(bars, Bar{Name: l, Value: pr.SpanF1[mode].ByLabel[l], Color: c})
	}
	s.chart.SetBars(bars)
	s.grid.SetConfusion(pr.Annotators[0], pr.Annotators[1], pr.Confusion)
}

// acrossAll writes Fleiss' kappa and Krippendorff's alpha by label.
func (s *agreementSheet) acrossAll() string {
	r := s.report
	out := fmt.Sprintf("Fleiss' κ over the %s all %d annotators qualify for; Krippendorff's α (nominal) over the %s at least two do:",
		annotations.Plural(r.FleissDocuments, "document"), len(r.Annotators), annotations.Plural(r.KrippendorffDocuments, "document"))
	for _, l := range r.Labels {
		out += fmt.Sprintf("\n%s: κ %s, α %s", l, r.FleissKappa[l], r.KrippendorffAlpha[l])
	}
	return out
}
