package app

import (
	"context"
	"errors"
	"log"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// ShowMerge lets the user choose annotators' copies of the project (.tagdesk files, one "Add file…"
// at a time), then merges them into p with Project.Merge, off the UI goroutine, with a progress
// dialog and Cancel, and ends with the report's summary and details or what went wrong. done, if not
// nil, is called on the UI goroutine with the report after a successful merge, so the caller can
// reload. A failed or cancelled merge changes nothing.
func ShowMerge(win fyne.Window, p *annotations.Project, done func(annotations.MergeReport)) {
	newMergeDialog(win, p, done).show()
}

// mergeDialog is one merge from the GUI: the list of files, the work with its progress, and the
// result. Its widgets are fields so that tests can drive it without the file dialog.
type mergeDialog struct {
	parent  fyne.Window
	project *annotations.Project
	done    func(annotations.MergeReport)

	paths        []string
	selected     int // in paths; -1 for none
	list         *widget.List
	addButton    *widget.Button
	removeButton *widget.Button
	mergeButton  *widget.Button
	chooser      *dialog.CustomDialog

	task
	report annotations.MergeReport
}

func newMergeDialog(parent fyne.Window, p *annotations.Project, done func(annotations.MergeReport)) *mergeDialog {
	d := &mergeDialog{parent: parent, project: p, done: done, selected: -1, task: newTask(parent)}
	d.list = widget.NewList(func() int { return len(d.paths) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.paths[i]) })
	d.list.OnSelected = func(i widget.ListItemID) {
		d.selected = i
		d.refresh()
	}
	d.list.OnUnselected = func(widget.ListItemID) {
		d.selected = -1
		d.refresh()
	}
	d.addButton = widget.NewButton("Add file…", d.chooseFile)
	d.removeButton = widget.NewButton("Remove", d.removeSelected)
	d.mergeButton = widget.NewButton("Merge", d.start)
	d.mergeButton.Importance = widget.HighImportance
	d.refresh()
	return d
}

func (d *mergeDialog) show() {
	hint := widget.NewLabel("Add the annotators' copies of this project. Their new spans, notes and statuses " +
		"come in; work that differs from what this project holds under the same name is kept beside it " +
		"as \"NAME (from FILE)\". The files are only read.")
	hint.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(d.list)
	scroll.SetMinSize(fyne.NewSize(560, 160))
	content := container.NewBorder(hint, container.NewHBox(d.addButton, d.removeButton), nil, nil, scroll)
	d.chooser = dialog.NewCustomWithoutButtons("Merge annotators' work", content, d.parent)
	d.chooser.SetButtons([]fyne.CanvasObject{widget.NewButton("Cancel", d.chooser.Hide), d.mergeButton})
	d.chooser.Resize(fyne.NewSize(640, d.chooser.MinSize().Height))
	d.chooser.Show()
}

// refresh enables Remove when a file is selected and Merge when there is a file.
func (d *mergeDialog) refresh() {
	enable(d.removeButton, d.selected >= 0 && d.selected < len(d.paths))
	enable(d.mergeButton, len(d.paths) > 0)
	d.list.Refresh()
}

// chooseFile asks for one more .tagdesk file.
func (d *mergeDialog) chooseFile() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if r == nil && err == nil {
			return // the user changed their mind
		}
		var path string
		if r != nil {
			r.Close()
			path, err = localPath(r.URI())
		}
		if err != nil {
			showProblem(d.parent, "Merge", "open that file", err)
			return
		}
		d.add(path)
	}, d.parent)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{annotations.Extension}))
	dir := filepath.Dir(d.project.Path())
	if len(d.paths) > 0 {
		dir = filepath.Dir(d.paths[len(d.paths)-1])
	}
	showFileDialog(fd, dir)
}

// add puts path in the list, once.
func (d *mergeDialog) add(path string) {
	if !slices.Contains(d.paths, path) {
		d.paths = append(d.paths, path)
	}
	d.refresh()
}

func (d *mergeDialog) removeSelected() {
	if d.selected < 0 || d.selected >= len(d.paths) {
		return
	}
	d.paths = slices.Delete(d.paths, d.selected, d.selected+1)
	d.selected = -1
	d.list.UnselectAll()
	d.refresh()
}

// start runs the merge off the UI goroutine.
func (d *mergeDialog) start() {
	if len(d.paths) == 0 {
		return
	}
	d.chooser.Hide()
	paths := slices.Clone(d.paths)
	ctx, cancel := d.begin("Merging "+displayName(paths), "Reading…", "Cancel stops the merge and leaves the project as it was.")
	go func() {
		rep, err := d.project.Merge(ctx, paths, annotations.MergeOptions{Progress: func(mp annotations.MergeProgress) {
			d.tick()
			fyne.Do(func() { d.showProgress(mp) })
		}})
		cancel()
		if err != nil {
			log.Printf("merge %q: %v", paths, err)
		}
		fyne.Do(func() { d.finish(rep, err) })
	}()
}

func (d *mergeDialog) showProgress(mp annotations.MergeProgress) {
	d.advance(mp.Fraction(), filepath.Base(mp.File)+": "+annotations.Plural(mp.Documents, "document")+" merged")
}

func (d *mergeDialog) finish(rep annotations.MergeReport, err error) {
	d.report = rep
	if err != nil {
		d.end("Nothing was merged", mergeFailure(err), nil, nil)
		return
	}
	succeed(&d.task, "Merge finished", rep, d.done)
}

// mergeFailure is the sentence for a failed merge, which always says that nothing was merged.
func mergeFailure(err error) string {
	if errors.Is(err, context.Canceled) {
		return "The merge was cancelled; nothing was merged and the project is unchanged."
	}
	return annotations.Message(err) + " Nothing was merged."
}
