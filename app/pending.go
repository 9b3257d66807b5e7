package app

import "sync"

// pending counts a widget's background goroutines so that tests can wait for them. Unlike a
// sync.WaitGroup it may be reused while a Wait is in progress: a goroutine of one widget often starts
// another's (a load opens a document, which refreshes the navigator), and a WaitGroup panics when Add
// races with a Wait that is waking up.
type pending struct {
	mu   sync.Mutex
	n    int
	idle *sync.Cond
}

// Go runs f on a new goroutine, counted until it returns.
func (p *pending) Go(f func()) {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
	go func() {
		defer p.done()
		f()
	}()
}

func (p *pending) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n--
	if p.n == 0 && p.idle != nil {
		p.idle.Broadcast()
	}
}

// Wait blocks until no counted goroutine is running.
func (p *pending) Wait() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idle == nil {
		p.idle = sync.NewCond(&p.mu)
	}
	for p.n > 0 {
		p.idle.Wait()
	}
}
