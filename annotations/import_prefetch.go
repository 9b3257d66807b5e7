package annotations

import (
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// An import spends most of its time on work that needs nothing of the project: reading and parsing
// the input, normalising each text, hashing it and segmenting words around spans to derive their
// attribute values. prefetch does that work for the next records on a goroutine of its own while
// the import writes the current one, so that an import uses two cores.

// recordPrep is the work on a record done ahead of the import: what add would otherwise do first.
type recordPrep struct {
	problem string // textProblem's; the rest is unset when it is not ""
	norm    string
	m       *text.Map
	orig    *text.Index
	doc     Document // hash, length and first line of norm
	runes   []rune   // norm, when a span's attribute values are to be derived
	// derived are the attribute values (stored form) derived for the spans of rec.Spans (by index)
	// given none, with the definitions their labels had when the import began; "" where none were
	derived []string
}

// prepare does rec's work ahead. derive holds the attribute definitions of the labels that have
// some, to derive values for their spans given none; labels whose definitions change during the
// import get theirs derived again by add.
func prepare(rec *Record, derive map[string][]Attribute) *recordPrep {
	pre := &recordPrep{problem: textProblem(rec.Text)}
	if pre.problem != "" {
		return pre
	}
	pre.norm, pre.m = text.Normalize(rec.Text)
	pre.orig = text.NewIndex(rec.Text)
	pre.doc = newDocument("", "", nil, pre.norm)
	var want []int // the spans to derive for, with their places in the normalised text
	var places [][2]int
	for i, rs := range rec.Spans {
		if rs.Attrs != nil || derive[rs.Label] == nil || placeProblem(rs, pre.orig) != "" {
			continue
		}
		start, end := pre.m.Start(rs.Start), pre.m.End(rs.End)
		if start >= end || end > pre.doc.Length {
			continue
		}
		want, places = append(want, i), append(places, [2]int{start, end})
	}
	if len(want) == 0 {
		return pre
	}
	pre.runes = []rune(pre.norm)
	pre.derived = make([]string, len(rec.Spans))
	var words []text.Range // nil: segment around each span alone, with the same result
	if len(want)*(cueBefore+cueAfter) > len(pre.runes) {
		words = text.Words(pre.norm) // dense: segment the whole text once
	}
	for k, i := range want {
		start, end := places[k][0], places[k][1]
		cues := func() *cueContext { return newCueContext(pre.runes, words, start, end) }
		pre.derived[i] = formatAttrs(deriveAttrs(derive[rec.Spans[i].Label], pre.runes, start, end, cues))
	}
	return pre
}

// prepared returns rec's work done ahead, or does it now.
func (rec *Record) prepared() *recordPrep {
	if rec.prep == nil {
		rec.prep = prepare(rec, nil)
	}
	return rec.prep
}

// prefetcher is a RecordReader that reads records ahead on a goroutine of its own and prepares them
// on as many more as there are cores, giving them back in the order read.
type prefetcher struct {
	order chan chan prefetched // each record's result, in the order read
	stop  chan struct{}
	done  sync.WaitGroup
}

type prefetched struct {
	rec *Record
	err error
}

// prefetch reads r ahead, up to 64 records, preparing each for the labels in derive (read only).
// The caller must call close.
func prefetch(r RecordReader, derive map[string][]Attribute) *prefetcher {
	const ahead = 64
	f := &prefetcher{order: make(chan chan prefetched, ahead), stop: make(chan struct{})}
	type job struct {
		rec *Record
		out chan prefetched
	}
	jobs := make(chan job, ahead)
	for range runtime.GOMAXPROCS(0) {
		f.done.Go(func() {
			for j := range jobs {
				j.rec.prep = prepare(j.rec, derive)
				j.out <- prefetched{rec: j.rec}
			}
		})
	}
	f.done.Go(func() {
		defer close(f.order)
		defer close(jobs)
		for {
			rec, err := r.Next()
			out := make(chan prefetched, 1)
			select {
			case f.order <- out:
			case <-f.stop:
				return
			}
			if err != nil {
				out <- prefetched{err: err}
				var ie *ImportError
				if !errors.As(err, &ie) {
					return // io.EOF, or a failure of the reader that ends the import
				}
				continue
			}
			jobs <- job{rec, out}
		}
	})
	return f
}

func (f *prefetcher) Next() (*Record, error) {
	out, ok := <-f.order
	if !ok {
		return nil, io.EOF
	}
	it := <-out
	return it.rec, it.err
}

// close stops reading ahead and waits until the goroutines have stopped, and so stopped using the
// reader.
func (f *prefetcher) close() {
	close(f.stop)
	for range f.order {
	}
	f.done.Wait()
}
