package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// Bar is one bar of a BarChart: a name, a value from 0 to 1 (or undefined) and a colour.
type Bar struct {
	Name  string
	Value agreement.Value
	Color color.Color
}

// BarChart draws values from 0 to 1 as horizontal bars, one row each: the name, the bar, the value
// ("undefined" where there is none). It is how the agreement view shows F1 by label.
type BarChart struct {
	widget.BaseWidget
	bars []Bar
}

// Bar chart geometry, in pixels.
const (
	barRowHeight = 26
	barNameWidth = 110
	barValueGap  = 8
)

// NewBarChart returns a chart of bars.
func NewBarChart(bars []Bar) *BarChart {
	c := &BarChart{bars: bars}
	c.ExtendBaseWidget(c)
	return c
}

// SetBars replaces the bars.
func (c *BarChart) SetBars(bars []Bar) {
	c.bars = bars
	c.Refresh()
}

// CreateRenderer returns the chart's renderer.
func (c *BarChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barChartRenderer{chart: c}
	r.Refresh()
	return r
}

// barChartRenderer draws a BarChart: per bar a name, a track, the bar over it and the value.
type barChartRenderer struct {
	chart   *BarChart
	objects []fyne.CanvasObject
	names   []*canvas.Text
	tracks  []*canvas.Rectangle
	fills   []*canvas.Rectangle
	values  []*canvas.Text
}

func (r *barChartRenderer) Destroy() {}

func (r *barChartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *barChartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(barNameWidth+200+80, float32(len(r.chart.bars))*barRowHeight)
}

func (r *barChartRenderer) Layout(size fyne.Size) {
	valueW := float32(80)
	trackW := max(20, size.Width-barNameWidth-valueW-barValueGap)
	for i, b := range r.chart.bars {
		y := float32(i) * barRowHeight
		r.names[i].Move(fyne.NewPos(0, y+4))
		r.tracks[i].Move(fyne.NewPos(barNameWidth, y+5))
		r.tracks[i].Resize(fyne.NewSize(trackW, barRowHeight-10))
		w := float32(0)
		if b.Value.Defined {
			w = trackW * float32(min(1, max(0, b.Value.V)))
		}
		r.fills[i].Move(fyne.NewPos(barNameWidth, y+5))
		r.fills[i].Resize(fyne.NewSize(w, barRowHeight-10))
		r.values[i].Move(fyne.NewPos(barNameWidth+trackW+barValueGap, y+4))
	}
}

func (r *barChartRenderer) Refresh() {
	th, v := theme.Current(), fyne.CurrentApp().Settings().ThemeVariant()
	fg, muted := th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNamePlaceHolder, v)
	track := th.Color(theme.ColorNameInputBackground, v)
	size := th.Size(theme.SizeNameText)
	n := len(r.chart.bars)
	r.names, r.tracks, r.fills, r.values = make([]*canvas.Text, n), make([]*canvas.Rectangle, n), make([]*canvas.Rectangle, n), make([]*canvas.Text, n)
	r.objects = r.objects[:0]
	for i, b := range r.chart.bars {
		r.names[i] = canvas.NewText(excerpt(b.Name, 14), fg)
		r.names[i].TextSize = size
		r.tracks[i] = canvas.NewRectangle(track)
		r.fills[i] = canvas.NewRectangle(b.Color)
		r.values[i] = canvas.NewText(b.Value.String(), fg)
		r.values[i].TextSize = size
		if !b.Value.Defined {
			r.values[i].Color = muted
		}
		r.objects = append(r.objects, r.names[i], r.tracks[i], r.fills[i], r.values[i])
	}
	r.Layout(r.chart.Size())
	canvas.Refresh(r.chart)
}
