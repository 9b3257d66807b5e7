package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// traceLines collects the lines a StartupTrace writes, as they come.
type traceLines chan string

func (c traceLines) Write(b []byte) (int, error) {
	c <- string(b)
	return len(b), nil
}

// next returns the event and details of the next line, failing the test when none comes.
func (c traceLines) next(t *testing.T) (event, detail string) {
	t.Helper()
	select {
	case line := <-c:
		var at int64
		fields := strings.SplitN(strings.TrimSuffix(line, "\n"), " ", 3)
		if _, err := fmt.Sscan(fields[0], &at); err != nil || len(fields) != 3 {
			t.Fatalf("trace line %q is not TIME EVENT DETAIL", line)
		}
		return fields[1], fields[2]
	case <-time.After(10 * time.Second):
		t.Fatal("the trace wrote nothing more")
		return "", ""
	}
}

// expect reads the next line and checks its event and that its details hold each of want.
func (c traceLines) expect(t *testing.T, event string, want ...string) {
	t.Helper()
	got, detail := c.next(t)
	if got != event {
		t.Fatalf("the trace's next event is %s %s, want %s", got, detail, event)
	}
	for _, w := range want {
		if !strings.Contains(detail, w) {
			t.Errorf("%s says %q, want %q in it", event, detail, w)
		}
	}
}

func TestStartupTrace(t *testing.T) {
	a := test.NewTempApp(t)
	p := openProject(t)
	addDocs(t, p, workspaceDocs...)
	lines := make(traceLines, 100)
	trace := NewStartupTrace(lines, "backup")
	settled := 0
	trace.OnSettled = func() { settled++ }
	w := NewTracedWindow(a, p, "alice", trace)
	w.noOffers = true
	t.Cleanup(func() { w.Wait(); w.Close() })
	waitLoaded(t, w)
	w.Wait()

	lines.expect(t, "window")
	got := map[string]string{} // ready and listed, in either order: the list reads on as the document opens
	for range 2 {
		event, detail := lines.next(t)
		got[event] = detail
	}
	if !strings.Contains(got["ready"], "entries=3 ") || !strings.Contains(got["ready"], `doc="front-est.txt"`) ||
		got["listed"] != "entries=3" {
		t.Errorf("the trace says %q, want ready with 3 entries and front-est.txt, and listed with 3", got)
	}
	// the test driver paints when asked: the first frame shows the workspace ready
	w.Canvas().Capture()
	lines.expect(t, "frame", "entries=3 ", `doc="front-est.txt"`)
	lines.expect(t, "painted", "entries=3 ", `doc="front-est.txt"`, "spans=0")
	lines.expect(t, "swapped", "entries=3 ")
	w.Canvas().Capture()
	trace.Mark("backup", "took=1s")
	lines.expect(t, "backup", "took=1s") // the second frame marked nothing
	lines.expect(t, "settled", "go_live=")
	trace.Mark("backup", "again")
	lines.expect(t, "backup", "again")
	if settled != 1 {
		t.Errorf("OnSettled was called %d times, want once", settled)
	}
	select {
	case line := <-lines:
		t.Errorf("the trace wrote %q after settling", line)
	default:
	}
}
