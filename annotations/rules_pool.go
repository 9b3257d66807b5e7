package annotations

import (
	"runtime"
	"sync"
)

// matchPool matches texts on several goroutines, one matcher each (a matcher's scanners are not
// safe for concurrent use), and hands the results back in the order the texts came in, so that
// the caller, alone on its transaction, stores them as it did one text at a time.
type matchPool struct {
	jobs    chan *matchJob
	pending []*matchJob // sent, in order, not yet handed back
	wg      sync.WaitGroup
}

type matchJob struct {
	id   int64
	s    string
	done chan []RuleMatch
}

// newMatchPool starts workers matching rules (which newMatcher has accepted).
func newMatchPool(rules []Rule, workers int) (*matchPool, error) {
	mp := &matchPool{jobs: make(chan *matchJob, 2*workers)}
	for range workers {
		m, err := newMatcher(rules)
		if err != nil {
			mp.close()
			return nil, err
		}
		mp.wg.Go(func() {
			for j := range mp.jobs {
				j.done <- m.match(j.s)
			}
		})
	}
	return mp, nil
}

// poolWorkers is how many goroutines match the texts of docs documents (0: all of them).
func poolWorkers(docs int) int {
	n := runtime.GOMAXPROCS(0)
	if docs > 0 {
		n = min(n, docs)
	}
	return n
}

// add queues the text s of document id, then calls fn with the results that are ready, in order;
// it waits for the oldest when many are queued.
func (mp *matchPool) add(id int64, s string, fn func(id int64, ms []RuleMatch) error) error {
	j := &matchJob{id: id, s: s, done: make(chan []RuleMatch, 1)}
	mp.jobs <- j
	mp.pending = append(mp.pending, j)
	return mp.flush(4*cap(mp.jobs), fn)
}

// flush calls fn with the results of the queued texts, in order, until at most keep are queued,
// and after that while the oldest is ready.
func (mp *matchPool) flush(keep int, fn func(id int64, ms []RuleMatch) error) error {
	for len(mp.pending) > 0 {
		j := mp.pending[0]
		var ms []RuleMatch
		if len(mp.pending) > keep {
			ms = <-j.done
		} else {
			select {
			case ms = <-j.done:
			default:
				return nil
			}
		}
		mp.pending = mp.pending[1:]
		if err := fn(j.id, ms); err != nil {
			return err
		}
	}
	return nil
}

// close stops the workers once they have matched what is queued.
func (mp *matchPool) close() {
	close(mp.jobs)
	mp.wg.Wait()
}
