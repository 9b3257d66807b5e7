package app

import (
	"fmt"
	"image"
	"io"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/tagdesk/tagdesk/annotations"
)

// StartupTrace records how the workspace started, for measuring start-up (tagdesk's
// TAGDESK_STARTUP_TRACE, which .ci/bench-startup reads). Each event is one line: the wall-clock time
// in Unix nanoseconds, the event's name, and what the workspace held then as key=value pairs.
//
// The events a window writes (NewTracedWindow):
//
//	window   the window is built (it shows next)
//	frame    the first frame was painted, whatever it showed
//	ready    the navigator's first page and the first document are set in the widgets
//	painted  the first frame painted after ready: the painter drew the trace's marker, a one-pixel
//	         raster refreshed at ready, whose pixels it asks for while it paints a frame
//	swapped  that frame is on the screen: the UI goroutine ran a function queued while it painted the
//	         frame, which the GLFW driver runs only after it has painted every window and swapped
//	listed   the navigator has read every document (Listed)
//	settled  listed, and every event given to Settle has been marked
//
// The caller marks its own events (Mark), such as the on-open backup.
type StartupTrace struct {
	// OnSettled is called once, when settled is marked, on the goroutine that marked the last event
	// it waited for.
	OnSettled func()

	mu      sync.Mutex
	out     io.Writer
	pending map[string]bool // the events settled waits for
	settled bool

	marker  *canvas.Raster
	ready   bool // ready has been marked: the next frame the marker is painted in is the one
	painted bool
	framed  bool
}

// NewStartupTrace returns a trace writing to out. settle names the caller's events that must be
// marked, besides listed, before start-up has settled.
func NewStartupTrace(out io.Writer, settle ...string) *StartupTrace {
	t := &StartupTrace{out: out, pending: map[string]bool{"listed": true}}
	for _, e := range settle {
		t.pending[e] = true
	}
	return t
}

// Mark writes event with the time now and detail (key=value pairs, may be empty).
func (t *StartupTrace) Mark(event, detail string) {
	now := time.Now().UnixNano()
	t.mu.Lock()
	fmt.Fprintf(t.out, "%d %s %s\n", now, event, detail)
	settle := t.pending[event] && !t.settled
	if settle {
		delete(t.pending, event)
		settle = len(t.pending) == 0
		t.settled = settle
	}
	t.mu.Unlock()
	if settle {
		t.Mark("settled", goMemory())
		if t.OnSettled != nil {
			t.OnSettled()
		}
	}
}

// NewTracedWindow is NewWindow with a window that writes the events of its start-up to t; a nil t
// writes none.
func NewTracedWindow(a fyne.App, p *annotations.Project, annotator string, t *StartupTrace) *Window {
	return newWindow(a, p, annotator, t)
}

// traceStartup has the window write the events of its start-up to t, before it loads anything.
func (w *Window) traceStartup(t *StartupTrace) {
	t.marker = canvas.NewRaster(func(width, height int) image.Image {
		t.frame(w) // the painter asks for the pixels while it paints a frame
		return image.NewNRGBA(image.Rect(0, 0, width, height))
	})
	t.marker.Resize(fyne.NewSize(1, 1))
	w.SetContent(container.NewStack(w.Content(), container.NewWithoutLayout(t.marker)))
	w.trace = t
	t.Mark("window", "")
}

// traceReady marks ready and has the next frame paint the marker; it runs on the UI goroutine.
func (w *Window) traceReady() {
	t := w.trace
	if t == nil || t.ready {
		return
	}
	t.ready = true
	t.Mark("ready", w.traceState())
	t.marker.Refresh()
}

// frame marks the first frame, and the first painted after ready; it runs on the UI goroutine, in
// the middle of painting a frame.
func (t *StartupTrace) frame(w *Window) {
	switch {
	case !t.framed:
		t.framed = true
		t.Mark("frame", w.traceState())
		if t.ready {
			break // ready before the first frame: this frame shows it too
		}
		return
	case !t.ready || t.painted:
		return
	}
	t.painted = true
	t.Mark("painted", w.traceState())
	go fyne.Do(func() { t.Mark("swapped", w.traceState()) })
}

// goMemory describes the Go heap, for the trace: what is live after the last collection, what the
// heap spans hold, and what the runtime holds from the system, in MB.
func goMemory() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	mb := func(b uint64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }
	return fmt.Sprintf("go_live=%s go_heap_inuse=%s go_heap_idle=%s go_released=%s go_sys=%s go_gcs=%d",
		mb(m.HeapAlloc), mb(m.HeapInuse), mb(m.HeapIdle), mb(m.HeapReleased), mb(m.Sys), m.NumGC)
}

// traceState describes what the workspace holds, for the trace.
func (w *Window) traceState() string {
	return fmt.Sprintf("entries=%d shown=%d doc=%q chars=%d spans=%d", len(w.nav.all), len(w.nav.shown),
		w.doc.Name, w.view.Len(), len(w.view.Spans()))
}
