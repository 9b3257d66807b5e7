package app

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/internal/benchdata"
	"github.com/tagdesk/tagdesk/internal/benchproject"
)

// BenchmarkStartup100k measures the headless part of start-up with a project of 100,000 documents
// and 1,000,000 spans of 3 annotators, opened as ana (the budget of the Scale issue is the first frame
// within 1 s of exec; .ci/bench-startup measures that in a real window):
//
//	first-page  opening the project and building the window (Fyne's test driver) until the workspace
//	            shows the navigator's first page and ana's last document
//	listed      the same until the navigator has read every document; heap-MB is the Go heap the
//	            open workspace keeps, after a collection
//
// TAGDESK_BENCH_PROJECT names such a project to copy (.ci/bench-scale passes the one it made);
// without it the benchmark makes one, with short texts, which takes about half a minute.
func BenchmarkStartup100k(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "startup.tagdesk")
	if src := os.Getenv("TAGDESK_BENCH_PROJECT"); src != "" {
		if err := benchproject.Copy(src, path); err != nil {
			b.Fatal(err)
		}
	} else if err := benchproject.Make(ctx, path, benchdata.Options{Docs: 100_000, TotalSpans: 1_000_000,
		Annotators: benchdata.Annotators(3), MinChars: 200, MaxChars: 400}); err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	// start opens the project and its window, and waits until the window has shown the first document.
	start := func(b *testing.B) (*annotations.Project, *Window) {
		p, err := annotations.Open(ctx, path, annotations.OpenOptions{})
		if err != nil {
			b.Fatal(err)
		}
		w := NewWindow(a, p, "ana")
		<-w.Loaded()
		return p, w
	}
	stop := func(b *testing.B, p *annotations.Project, w *Window) {
		<-w.Listed()
		w.Wait()
		if n := len(w.nav.all); n != 100_000 {
			b.Fatalf("the navigator lists %d documents, want 100000", n)
		}
		w.Close()
		p.Close()
	}
	b.Run("first-page", func(b *testing.B) {
		for b.Loop() {
			p, w := start(b)
			b.StopTimer()
			if w.doc.ID == 0 || w.view.Len() == 0 || len(w.nav.all) < navigatorFirstPage {
				b.Fatalf("the workspace shows document %d (%d characters) and %d entries", w.doc.ID, w.view.Len(), len(w.nav.all))
			}
			stop(b, p, w)
			b.StartTimer()
		}
	})
	b.Run("listed", func(b *testing.B) {
		var heap float64
		for b.Loop() {
			b.StopTimer()
			before := liveHeap()
			b.StartTimer()
			p, w := start(b)
			<-w.Listed()
			b.StopTimer()
			heap = liveHeap() - before
			stop(b, p, w)
			b.StartTimer()
		}
		b.ReportMetric(heap/(1<<20), "heap-MB")
	})
}

// liveHeap returns the bytes the Go heap holds after a collection.
func liveHeap() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}
