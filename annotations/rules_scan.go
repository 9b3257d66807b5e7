package annotations

import (
	"encoding/binary"
	"regexp/syntax"
	"slices"
	"unicode/utf8"
)

// Go's regexp searches without a DFA: on a large pattern such as the default figure rule, its
// unanchored search wakes every alternative at every byte and runs below 1 MB/s. A startScanner
// finds first, in one backward pass of a lazily built DFA of the reversed pattern, every place
// where a match can start; regexp then runs only from those places, where it stops after the
// match. The matches are the same as those of FindAllStringSubmatchIndex over the whole text:
//
//   - A start q is in the scan's set exactly when some match of the pattern starts at q.
//   - The leftmost-first match of an unanchored search from p is the match that a search from the
//     least such q ≥ p finds there: threads started before q never reach the end of a match, so
//     they cut no thread of q (a thread of q dropped because an earlier one held the same
//     instruction would, like it, never have matched).
//   - Without empty-width assertions (^ $ \A \z \b \B), what lies before q does not matter, and a
//     pattern that cannot match the empty string gives no empty match, whose handling in
//     FindAll differs.
//
// Patterns outside these bounds get no scanner and run as before.

// maxScanStates bounds the DFA states a scanner keeps; past it, it starts afresh.
const maxScanStates = 4096

// startScanner is the lazily built DFA of a reversed pattern. It is not safe for concurrent use.
type startScanner struct {
	prog   *syntax.Prog // of the reversed pattern
	start  *scanState
	states map[string]*scanState
	stack  []uint32 // scratch of closure
	seen   []bool   // scratch of closure, by instruction
	key    []byte   // scratch of state
}

// scanState is a set of threads of the reversed pattern: the instructions that consume a rune or
// match, sorted.
type scanState struct {
	pcs   []uint32
	match bool
	ascii [utf8.RuneSelf]*scanState
	other map[rune]*scanState
}

// newStartScanner returns a scanner for pattern (as regexp.Compile gets it), or nil when the
// pattern is outside the bounds above or does not parse.
func newStartScanner(pattern string) *startScanner {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil || !reversible(re) {
		return nil
	}
	reverseRegexp(re)
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	sc := &startScanner{prog: prog, seen: make([]bool, len(prog.Inst))}
	sc.reset()
	if sc.start.match {
		return nil // the pattern matches the empty string
	}
	return sc
}

// reversible reports whether re has no empty-width assertion.
func reversible(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return false
	}
	for _, sub := range re.Sub {
		if !reversible(sub) {
			return false
		}
	}
	return true
}

// reverseRegexp turns re, in place, into the pattern of the reversed strings.
func reverseRegexp(re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		slices.Reverse(re.Rune)
	case syntax.OpConcat:
		slices.Reverse(re.Sub)
	}
	for _, sub := range re.Sub {
		reverseRegexp(sub)
	}
}

func (sc *startScanner) reset() {
	sc.states = map[string]*scanState{}
	sc.start = sc.state(sc.closure(nil))
}

// closure returns the consuming and matching instructions reached from the start and from
// seeds, sorted. The start is always added: the search is unanchored.
func (sc *startScanner) closure(seeds []uint32) []uint32 {
	clear(sc.seen)
	var out []uint32
	sc.stack = append(append(sc.stack[:0], seeds...), uint32(sc.prog.Start))
	for len(sc.stack) > 0 {
		pc := sc.stack[len(sc.stack)-1]
		sc.stack = sc.stack[:len(sc.stack)-1]
		if sc.seen[pc] {
			continue
		}
		sc.seen[pc] = true
		i := &sc.prog.Inst[pc]
		switch i.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			sc.stack = append(sc.stack, i.Arg, i.Out)
		case syntax.InstCapture, syntax.InstNop:
			sc.stack = append(sc.stack, i.Out)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL, syntax.InstMatch:
			out = append(out, pc)
		}
	}
	slices.Sort(out)
	return out
}

// state returns the state of the instructions pcs, made once.
func (sc *startScanner) state(pcs []uint32) *scanState {
	key := sc.key[:0]
	for _, pc := range pcs {
		key = binary.AppendUvarint(key, uint64(pc))
	}
	sc.key = key
	if st, ok := sc.states[string(key)]; ok {
		return st
	}
	st := &scanState{pcs: pcs}
	for _, pc := range pcs {
		if sc.prog.Inst[pc].Op == syntax.InstMatch {
			st.match = true
		}
	}
	sc.states[string(key)] = st
	return st
}

// next returns the state after st reads r.
func (sc *startScanner) next(st *scanState, r rune) *scanState {
	if 0 <= r && r < utf8.RuneSelf {
		if n := st.ascii[r]; n != nil {
			return n
		}
	} else if n, ok := st.other[r]; ok {
		return n
	}
	if len(sc.states) >= maxScanStates {
		sc.reset()
	}
	var seeds []uint32
	for _, pc := range st.pcs {
		i := &sc.prog.Inst[pc]
		var ok bool
		switch i.Op { // as regexp's machine steps
		case syntax.InstRune:
			ok = i.MatchRune(r)
		case syntax.InstRune1:
			ok = r == i.Rune[0]
		case syntax.InstRuneAny:
			ok = true
		case syntax.InstRuneAnyNotNL:
			ok = r != '\n'
		}
		if ok {
			seeds = append(seeds, i.Out)
		}
	}
	n := sc.state(sc.closure(seeds))
	if 0 <= r && r < utf8.RuneSelf {
		st.ascii[r] = n
	} else {
		if st.other == nil {
			st.other = map[rune]*scanState{}
		}
		st.other[r] = n
	}
	return n
}

// starts returns the byte offsets of s where a match of the pattern starts, in increasing order,
// and false when s is not valid UTF-8 (whose invalid bytes read backward and forward may differ).
func (sc *startScanner) starts(s string, out []int) ([]int, bool) {
	if !utf8.ValidString(s) {
		return out, false
	}
	out = out[:0]
	st := sc.start
	for i := len(s); i > 0; {
		r, size := rune(s[i-1]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeLastRuneInString(s[:i])
		}
		i -= size
		st = sc.next(st, r)
		if st.match {
			out = append(out, i)
		}
	}
	slices.Reverse(out)
	return out, true
}
