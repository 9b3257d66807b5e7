package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// task is the running part of a long job started from a dialog (import, export, merge): a progress
// dialog with Cancel while the work runs off the UI goroutine, then a dialog with the result. Its
// widgets are fields so that tests can drive it.
type task struct {
	parent       fyne.Window
	progress     *dialog.CustomDialog
	bar          *widget.ProgressBar
	status       *widget.Label
	cancelButton *widget.Button
	cancel       context.CancelFunc

	result  *dialog.CustomDialog
	message *widget.Label // the sentence that ends the job
	details *widget.Label // more lines under it: counts, notices, problems

	// hold, if set, runs on the worker goroutine before each progress report: tests hold the work
	// there to cancel it at a known point.
	hold     func()
	finished chan struct{} // closed once the result is shown and the dialog's done has returned
}

func newTask(parent fyne.Window) task { return task{parent: parent, finished: make(chan struct{})} }

// begin shows the progress dialog and returns the context the work runs under, which Cancel cancels.
// The work must call the returned cancel function when it ends.
func (t *task) begin(title, status, hint string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.bar = widget.NewProgressBar()
	t.status = widget.NewLabel(status)
	t.progress, t.cancelButton = progressDialog(t.parent, title, hint, t.bar, t.status, t.stop)
	t.progress.Show()
	return ctx, cancel
}

// tick runs on the worker goroutine before each progress report.
func (t *task) tick() {
	if t.hold != nil {
		t.hold()
	}
}

// advance shows how far the work has got: the bar's fraction and, unless cancelling, text.
func (t *task) advance(fraction float64, text string) {
	t.bar.SetValue(fraction)
	if !t.cancelButton.Disabled() {
		t.status.SetText(text)
	}
}

// stop cancels the work; nothing of it is written.
func (t *task) stop() {
	t.cancel()
	t.cancelButton.Disable()
	t.status.SetText("Cancelling…")
}

// end replaces the progress dialog with the result, calls then (if not nil) and marks the task
// finished.
func (t *task) end(title, message string, details []string, then func()) {
	t.progress.Hide()
	t.message = widget.NewLabel(message)
	t.details = widget.NewLabel(strings.Join(details, "\n"))
	t.result = resultDialog(t.parent, title, t.message, t.details)
	t.result.Show()
	if then != nil {
		then()
	}
	close(t.finished)
}

// jobReport is what a job that worked reports: a sentence and lines of details under it.
type jobReport interface {
	Summary() string
	Details() []string
}

// succeed ends t with rep, the report of a job that worked, then calls done (if not nil) with it.
func succeed[R jobReport](t *task, title string, rep R, done func(R)) {
	t.end(title, rep.Summary(), rep.Details(), func() {
		if done != nil {
			done(rep)
		}
	})
}

// refuse shows why the job cannot start, then calls again (to show the options, say) once the user
// closes it.
func (t *task) refuse(title string, err error, again func()) {
	t.message = widget.NewLabel(annotations.Message(err))
	t.result = resultDialog(t.parent, title, t.message, nil)
	t.result.SetOnClosed(again)
	t.result.Show()
}
