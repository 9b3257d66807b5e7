package app

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// ConfusionGrid draws a label confusion matrix: one annotator's labels down the side, the other's
// along the top, each cell shaded by its count. Agreement lies on the diagonal; the last row and
// column count spans the other annotator has nothing overlapping.
type ConfusionGrid struct {
	widget.BaseWidget
	rows, cols string // who the rows and the columns are
	c          agreement.Confusion
}

// Confusion grid geometry, in pixels.
const (
	gridCell   = 56
	gridRowH   = 30
	gridHeader = 110 // the width of the row names
)

// NewConfusionGrid returns a grid of c, rows being annotator rows's labels and columns cols's.
func NewConfusionGrid(rows, cols string, c agreement.Confusion) *ConfusionGrid {
	g := &ConfusionGrid{rows: rows, cols: cols, c: c}
	g.ExtendBaseWidget(g)
	return g
}

// SetConfusion replaces the matrix and the names of its annotators.
func (g *ConfusionGrid) SetConfusion(rows, cols string, c agreement.Confusion) {
	g.rows, g.cols, g.c = rows, cols, c
	g.Refresh()
}

// CreateRenderer returns the grid's renderer.
func (g *ConfusionGrid) CreateRenderer() fyne.WidgetRenderer {
	r := &confusionGridRenderer{grid: g}
	r.Refresh()
	return r
}

// confusionGridRenderer draws a ConfusionGrid: a caption, column and row names, and the cells.
type confusionGridRenderer struct {
	grid    *ConfusionGrid
	objects []fyne.CanvasObject
}

func (r *confusionGridRenderer) Destroy() {}

func (r *confusionGridRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *confusionGridRenderer) MinSize() fyne.Size {
	n := len(r.grid.c.Labels)
	return fyne.NewSize(gridHeader+float32(n)*gridCell, float32(n+2)*gridRowH)
}

func (r *confusionGridRenderer) Layout(fyne.Size) {}

// Refresh rebuilds the objects in place: the grid is small (labels + 1 squared).
func (r *confusionGridRenderer) Refresh() {
	th, v := theme.Current(), fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	agree, differ := th.Color(theme.ColorNamePrimary, v), th.Color(theme.ColorNameError, v)
	size := th.Size(theme.SizeNameCaptionText)
	c := r.grid.c
	r.objects = r.objects[:0]
	text := func(s string, x, y float32, bold bool) {
		t := canvas.NewText(s, fg)
		t.TextSize, t.TextStyle.Bold = size, bold
		t.Move(fyne.NewPos(x, y))
		r.objects = append(r.objects, t)
	}
	text(fmt.Sprintf("rows: %s · columns: %s", excerpt(r.grid.rows, 20), excerpt(r.grid.cols, 20)), 0, 4, true)
	most := 1
	for _, row := range c.Counts {
		for _, n := range row {
			most = max(most, n)
		}
	}
	for j, l := range c.Labels {
		text(excerpt(l, 7), gridHeader+float32(j)*gridCell+4, gridRowH+8, false)
	}
	for i, l := range c.Labels {
		y := float32(i+2) * gridRowH
		text(excerpt(l, 14), 0, y+8, false)
		for j := range c.Labels {
			n := c.Counts[i][j]
			base := differ
			if i == j {
				base = agree
			}
			cell := canvas.NewRectangle(shade(base, n, most))
			cell.StrokeColor, cell.StrokeWidth = th.Color(theme.ColorNameSeparator, v), 1
			cell.Move(fyne.NewPos(gridHeader+float32(j)*gridCell, y))
			cell.Resize(fyne.NewSize(gridCell-2, gridRowH-2))
			r.objects = append(r.objects, cell)
			if n > 0 {
				text(fmt.Sprint(n), gridHeader+float32(j)*gridCell+6, y+7, i == j)
			}
		}
	}
	canvas.Refresh(r.grid)
}

// shade is c with an opacity that grows with n out of most: empty cells stay clear.
func shade(c color.Color, n, most int) color.Color {
	r, g, b, _ := c.RGBA()
	a := uint8(0)
	if n > 0 {
		a = uint8(40 + 160*n/most)
	}
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}
