package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// cancelTask taps Cancel once tk's work has reached its first progress report (reached, from
// holdOnce), checks that the dialog says it is cancelling, lets the work go on (release) and waits
// for what, the end of the task.
func cancelTask(t *testing.T, tk *task, reached, release chan struct{}, what string) {
	t.Helper()
	wait(t, reached, "the first progress report")
	test.Tap(tk.cancelButton)
	if tk.status.Text != "Cancelling…" || !tk.cancelButton.Disabled() {
		t.Errorf("after Cancel: status %q, button disabled %v", tk.status.Text, tk.cancelButton.Disabled())
	}
	close(release)
	wait(t, tk.finished, what)
}

// checkResult checks that tk's result holds message, and each of details in the lines under it.
func checkResult(t *testing.T, tk *task, message string, details []string) {
	t.Helper()
	if !strings.Contains(tk.message.Text, message) {
		t.Errorf("message %q; want it to hold %q", tk.message.Text, message)
	}
	for _, s := range details {
		if !strings.Contains(tk.details.Text, s) {
			t.Errorf("details %q; want them to hold %q", tk.details.Text, s)
		}
	}
}
