package annotations

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// parseAttrs reads a span's stored attribute values; "{}" gives nil.
func parseAttrs(s string) (Attrs, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	var a Attrs
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("attributes: %w", err)
	}
	if len(a) == 0 {
		return nil, nil
	}
	return a, nil
}

// formatAttrs gives attribute values as stored: a JSON object, "{}" when there are none.
func formatAttrs(a Attrs) string {
	if len(a) == 0 {
		return "{}"
	}
	b, err := json.Marshal(a)
	if err != nil { // only NaN or infinities, which no parser gives
		return "{}"
	}
	return string(b)
}

// maxAttributeName is how many characters an attribute's name may have.
const maxAttributeName = 50

// Attribute returns the definition of the attribute called name, if the label has one.
func (l Label) Attribute(name string) (Attribute, bool) {
	for _, a := range l.Attributes {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

// validateAttributes checks the attribute definitions of label l.
func validateAttributes(l Label) error {
	seen := map[string]bool{}
	for i, a := range l.Attributes {
		switch reason := attrNameProblem(a.Name); {
		case a.Name == "":
			return userError(nil, "Attribute %d of label %q has no name.", i+1, l.Name)
		case reason != "":
			return userError(nil, "The attribute name %q of label %q %s.", a.Name, l.Name, reason)
		case seen[a.Name]:
			return userError(nil, "Label %q has two attributes named %q.", l.Name, a.Name)
		}
		seen[a.Name] = true
		if err := validateAttribute(l.Name, a); err != nil {
			return err
		}
	}
	return nil
}

// attrNameProblem says why s cannot name an attribute, or "": as a label name, within 50 characters.
func attrNameProblem(s string) string {
	if utf8.RuneCountInString(s) > maxAttributeName {
		return fmt.Sprintf("is limited to %d characters", maxAttributeName)
	}
	return checkName(s)
}

// validateAttribute checks the type, values and cues of one attribute of the label called label.
func validateAttribute(label string, a Attribute) error {
	switch a.Type {
	case AttrChoice:
		if len(a.Values) == 0 {
			return userError(nil, "The choice attribute %q of label %q needs at least one value.", a.Name, label)
		}
		values := map[string]bool{}
		for _, v := range a.Values {
			if strings.TrimSpace(v) == "" || strings.IndexFunc(v, unicode.IsControl) >= 0 {
				return userError(nil, "The attribute %q of label %q has an empty value or one with control characters.", a.Name, label)
			}
			if values[v] {
				return userError(nil, "The attribute %q of label %q has the value %q twice.", a.Name, label, v)
			}
			values[v] = true
		}
		for k := range a.Cues {
			if !values[k] {
				return userError(nil, "The attribute %q of label %q has cues for %q, which is not one of its values.", a.Name, label, k)
			}
		}
	case AttrFlag:
		for k := range a.Cues {
			if k != "true" {
				return userError(nil, "The flag attribute %q of label %q can only have cues under \"true\", not %q.", a.Name, label, k)
			}
		}
	case AttrNumber, AttrText:
		if len(a.Values) > 0 {
			return userError(nil, "The %s attribute %q of label %q cannot have values; only a choice has.", a.Type, a.Name, label)
		}
		if len(a.Cues) > 0 {
			return userError(nil, "The %s attribute %q of label %q cannot have cues; only a choice or a flag has.", a.Type, a.Name, label)
		}
	default:
		return userError(nil, "The attribute %q of label %q has the type %q; it must be number, choice, flag or text.", a.Name, label, a.Type)
	}
	return nil
}

// attributesJSON gives a label's attribute definitions as stored: a JSON array.
func attributesJSON(attrs []Attribute) string {
	if len(attrs) == 0 {
		return "[]"
	}
	b, err := json.Marshal(attrs)
	if err != nil { // cannot happen: strings and slices only
		return "[]"
	}
	return string(b)
}

// attrProblem says what is wrong with the value v given for attribute name of label l, or "".
func attrProblem(l Label, name string, v any) string {
	a, ok := l.Attribute(name)
	if !ok {
		return fmt.Sprintf("the label %q has no attribute %q", l.Name, name)
	}
	switch a.Type {
	case AttrNumber:
		if f, ok := v.(float64); !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("the attribute %q of label %q takes a number, not %s", name, l.Name, describeValue(v))
		}
	case AttrFlag:
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("the attribute %q of label %q takes true or false, not %s", name, l.Name, describeValue(v))
		}
	case AttrChoice:
		s, ok := v.(string)
		if !ok || !slices.Contains(a.Values, s) {
			return fmt.Sprintf("the attribute %q of label %q takes one of %s, not %s", name, l.Name,
				strings.Join(a.Values, ", "), describeValue(v))
		}
	case AttrText:
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("the attribute %q of label %q takes a text, not %s", name, l.Name, describeValue(v))
		}
	}
	return ""
}

// checkAttrs checks the values a of a span of label l and returns the first problem, or "".
func checkAttrs(l Label, a Attrs) string {
	for _, name := range sortedKeys(a) {
		if p := attrProblem(l, name, normalizeValue(a[name])); p != "" {
			return p
		}
	}
	return ""
}

// normalizeValue gives numbers of any Go type as float64, as JSON gives them back.
func normalizeValue(v any) any {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float32:
		return float64(n)
	case json.Number:
		if f, err := n.Float64(); err == nil {
			return f
		}
	}
	return v
}

// normalizeAttrs returns a with numbers as float64, nil when it is empty.
func normalizeAttrs(a Attrs) Attrs {
	if len(a) == 0 {
		return nil
	}
	out := make(Attrs, len(a))
	for k, v := range a {
		out[k] = normalizeValue(v)
	}
	return out
}

func describeValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// InferAttribute returns the definition of an attribute called name that a label lacks, from the
// values an import brought for it: a number when they are all numbers, a flag when they are all
// booleans, a choice of the strings when there are at most 20 of them, else a text. It reports false
// when the values mix kinds.
func InferAttribute(name string, values []any) (Attribute, bool) {
	a := Attribute{Name: name}
	var strs []string
	for _, v := range values {
		var t AttributeType
		switch s := normalizeValue(v).(type) {
		case float64:
			t = AttrNumber
		case bool:
			t = AttrFlag
		case string:
			t = AttrChoice
			if !slices.Contains(strs, s) {
				strs = append(strs, s)
			}
		default:
			return a, false
		}
		if a.Type != "" && a.Type != t {
			return a, false
		}
		a.Type = t
	}
	if a.Type == AttrChoice {
		if len(strs) > 20 || slices.ContainsFunc(strs, func(s string) bool { return strings.TrimSpace(s) == "" }) {
			a.Type = AttrText
		} else {
			a.Values = strs
		}
	}
	return a, a.Type != ""
}

// equalValues reports whether two attribute values are the same.
func equalValues(a, b any) bool {
	return normalizeValue(a) == normalizeValue(b)
}

// EqualAttrs reports whether a and b hold the same values (nil and empty are equal).
func EqualAttrs(a, b Attrs) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !equalValues(v, w) {
			return false
		}
	}
	return true
}

// The words around a span where cues count: flags look 3 words back, choices 3 back and 4 ahead.
const (
	cueWordsBefore = 3
	cueWordsAfter  = 4
	// cueBefore and cueAfter are how many code points before and after a span DeriveAttrs reads:
	// enough for 3 words before it and a cue of several words starting 4 words after it.
	cueBefore = 60
	cueAfter  = 100
)

// DeriveAttrs returns the values of the attributes defs that a span [start, end) of doc (code
// points) gets when it is made, nil when there are none:
//   - a number is the first number in the span's text (see ParseNumber);
//   - a flag is true when one of its cues occurs in the span or in the 3 words before it;
//   - a choice is the value with a cue in the span or in the 3 words before or 4 words after it:
//     a cue in the span wins over one around it, an earlier cue in the span over a later one, and
//     around the span the cue nearest to it (counted in words), after it on a tie;
//   - a text is never derived.
//
// Cues match whole words, case-insensitively, after NFC normalisation; a cue of several words
// ("plus de") matches those words in a row.
func DeriveAttrs(defs []Attribute, doc []rune, start, end int) Attrs {
	if start < 0 || end > len(doc) || start >= end {
		return nil
	}
	return deriveAttrs(defs, doc, start, end, func() *cueContext { return newCueContext(doc, nil, start, end) })
}

// deriveAttrs is DeriveAttrs given the span's cue context, made by cues when a flag or a choice needs
// it: an import makes them ahead.
func deriveAttrs(defs []Attribute, doc []rune, start, end int, cues func() *cueContext) Attrs {
	if len(defs) == 0 || start < 0 || end > len(doc) || start >= end {
		return nil
	}
	var out Attrs
	set := func(name string, v any) {
		if out == nil {
			out = Attrs{}
		}
		out[name] = v
	}
	var ctx *cueContext
	for _, d := range defs {
		switch d.Type {
		case AttrNumber:
			if n, ok := ParseNumber(string(doc[start:end])); ok {
				set(d.Name, n)
			}
		case AttrFlag:
			if len(d.Cues["true"]) == 0 {
				continue
			}
			if ctx == nil {
				ctx = cues()
			}
			if _, ok := ctx.find(d.Cues["true"], cueWordsBefore, 0); ok {
				set(d.Name, true)
			}
		case AttrChoice:
			if len(d.Cues) == 0 {
				continue
			}
			if ctx == nil {
				ctx = cues()
			}
			best, bestRank := "", math.MaxInt
			for _, v := range d.Values {
				if rank, ok := ctx.find(d.Cues[v], cueWordsBefore, cueWordsAfter); ok && rank < bestRank {
					best, bestRank = v, rank
				}
			}
			if bestRank < math.MaxInt {
				set(d.Name, best)
			}
		}
	}
	return out
}

// cueContext is a span with the words around it, folded for matching cues.
type cueContext struct {
	words         []string        // folded, letters or digits in them, in text order
	has           map[string]bool // the words, for skipping cues that cannot match
	first, last   int             // the span's words are words[first:last]
	before, after int             // how many words precede and follow the span in words
}

// maxCueWords is how many words past the 4 after a span a cue that starts there may take.
const maxCueWords = 8

// wordy reports whether the word r of doc has a letter or a digit: the words cues count.
func wordy(doc []rune, r text.Range) bool { return slices.ContainsFunc(doc[r.Start:r.End], isWordRune) }

// wordsAround returns the word segments of a stretch of doc around [start, end) that are exactly
// those text.Words gives for the whole of doc there, and enough of them for newCueContext: the
// stretch starts and ends on word boundaries (see wordBoundary), and grows until it holds as many
// words before and after the span as a cue may look at, or reaches an end of the text. A span among
// a few hundred characters costs a few hundred characters of segmentation, whatever the text's
// length.
func wordsAround(doc []rune, start, end int) []text.Range {
	for before, after := cueBefore, cueAfter; ; before, after = 2*before, 2*after {
		from := max(0, start-before)
		for from > 0 && !wordBoundary(doc, from) {
			from--
		}
		to := min(len(doc), end+after)
		for to < len(doc) && !wordBoundary(doc, to) {
			to++
		}
		words := text.Words(string(doc[from:to]))
		var wordsBefore, wordsAfter int
		for i := range words {
			words[i].Start += from
			words[i].End += from
			switch r := words[i]; {
			case !wordy(doc, r):
			case r.End <= start:
				wordsBefore++
			case r.Start >= end:
				wordsAfter++
			}
		}
		if (from == 0 || wordsBefore >= cueWordsBefore) && (to == len(doc) || wordsAfter >= cueWordsAfter+maxCueWords) {
			return words
		}
	}
}

// wordBoundary reports whether a word boundary of text.Words lies between doc[i-1] and doc[i] in
// the whole of doc, judged from those two alone: white space on one side only, and Unicode's
// grapheme and word rules breaking between the two (a combining mark after a space, or a space
// after a prepended mark, joins them). No word or grapheme rule looks across such a break, so
// segmenting from or up to i gives the same segments as segmenting the whole text.
func wordBoundary(doc []rune, i int) bool {
	a, b := doc[i-1], doc[i]
	if unicode.IsSpace(a) == unicode.IsSpace(b) {
		return false
	}
	pair := string([]rune{a, b})
	cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(pair, -1)
	word, _, _ := uniseg.FirstWordInString(pair, -1)
	return len(cluster) == utf8.RuneLen(a) && len(word) == utf8.RuneLen(a)
}

// newCueContext gathers the words of [start, end) of doc and those around it, from words, the word
// segments of the whole text, or when words is nil from the text around the span.
func newCueContext(doc []rune, words []text.Range, start, end int) *cueContext {
	if words == nil {
		words = wordsAround(doc, start, end)
	}
	i := sort.Search(len(words), func(i int) bool { return words[i].End > start })
	lo := i
	for n := 0; lo > 0 && n < cueWordsBefore; {
		if lo--; wordy(doc, words[lo]) {
			n++
		}
	}
	hi := i
	for hi < len(words) && words[hi].Start < end {
		hi++
	}
	for n := 0; hi < len(words) && n < cueWordsAfter+maxCueWords; hi++ {
		if wordy(doc, words[hi]) {
			n++
		}
	}
	c := &cueContext{first: -1}
	for _, r := range words[lo:hi] {
		if !wordy(doc, r) {
			continue
		}
		if r.End <= start {
			c.before++
		} else if r.Start < end {
			if c.first < 0 {
				c.first = len(c.words)
			}
			c.last = len(c.words) + 1
		} else {
			c.after++
		}
		c.words = append(c.words, foldWord(string(doc[r.Start:r.End])))
	}
	c.has = make(map[string]bool, len(c.words))
	for _, w := range c.words {
		c.has[w] = true
	}
	if c.first < 0 {
		c.first, c.last = c.before, c.before
	}
	return c
}

// find looks for any of cues starting in the span's words or up to before words before and after
// words after them. rank orders the matches: in the span by position, then around it by distance in
// words.
func (c *cueContext) find(cues []string, before, after int) (rank int, ok bool) {
	lo, hi := max(0, c.first-before), c.last+after
	rank = math.MaxInt
	for _, cue := range cues {
		cw := cueWords(cue)
		if len(cw) == 0 || !c.has[cw[0]] {
			continue
		}
		for i := lo; i < hi && i+len(cw) <= len(c.words); i++ {
			if !slices.Equal(c.words[i:i+len(cw)], cw) {
				continue
			}
			var r int
			switch {
			case i+len(cw) <= c.first: // before the span
				r = len(c.words) + 2*(c.first-(i+len(cw))) + 1
			case i >= c.last: // after it
				r = len(c.words) + 2*(i-c.last)
			default: // in it, or across an edge
				r = i
			}
			rank = min(rank, r)
		}
	}
	return rank, rank < math.MaxInt
}

// cueCache keeps the words of the cues met: a label set has a few dozen, and an import derives
// values for every span.
var cueCache sync.Map // cue → []string

// cueWords splits a cue into folded words as newCueContext splits a text.
func cueWords(cue string) []string {
	if w, ok := cueCache.Load(cue); ok {
		return w.([]string)
	}
	w := splitCue(cue)
	cueCache.Store(cue, w)
	return w
}

func splitCue(cue string) []string {
	cue = norm.NFC.String(cue)
	rs := []rune(cue)
	var out []string
	for _, r := range text.Words(cue) {
		if w := string(rs[r.Start:r.End]); strings.IndexFunc(w, isWordRune) >= 0 {
			out = append(out, foldWord(w))
		}
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// foldWord gives a word for comparison: lower case, with ’ as ', and without a French elided article
// or pronoun ("d’environ" is "environ").
func foldWord(w string) string {
	w = strings.ReplaceAll(strings.ToLower(w), "’", "'")
	if head, tail, ok := strings.Cut(w, "'"); ok && tail != "" && elided[head] {
		return tail
	}
	return w
}

var elided = map[string]bool{"c": true, "d": true, "j": true, "l": true, "m": true, "n": true, "s": true,
	"t": true, "qu": true, "jusqu": true, "lorsqu": true, "puisqu": true}

// ParseNumber finds the number a span's text gives and reports whether there is one:
//   - digits, with thousands grouped by a space (also no-break or narrow no-break), a dot (the French
//     way: "1.100" is 1100, a dot followed by exactly three digits) or a comma ("1,100" is 1100), and
//     a decimal comma or point ("12,5", "2.5");
//   - followed by a scale word: "3 millions", "2.5 million", "2 milliards", "4 mille";
//   - without digits, numbers written out in French or English, up to millions: "trois cents" is
//     300, "vingt et un" 21, "quatre-vingt-dix" 90, "one hundred and twenty" 120, "a dozen" 12.
//
// Vague amounts ("dozens", "plusieurs milliers", "des centaines") are not numbers.
func ParseNumber(s string) (float64, bool) {
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if !isDigit(rs[i]) || i > 0 && (isDigit(rs[i-1]) || unicode.IsLetter(rs[i-1])) {
			continue
		}
		n, next := scanDigits(rs, i)
		if scale, ok := scaleAfter(rs[next:]); ok {
			n *= scale
		}
		return finite(n)
	}
	return parseWords(s)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isGroupSpace reports whether r separates thousands: a space, a no-break space, a narrow no-break
// space or a thin space.
func isGroupSpace(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' }

// scanDigits reads the number whose first digit is rs[i] and returns it with the index after it.
func scanDigits(rs []rune, i int) (float64, int) {
	digitsAt := func(j int) int { // how many digits start at j
		n := 0
		for j+n < len(rs) && isDigit(rs[j+n]) {
			n++
		}
		return n
	}
	var b strings.Builder
	n := digitsAt(i)
	b.WriteString(string(rs[i : i+n]))
	j := i + n
	var group rune // the thousands separator, once met
	if n <= 3 {
		for j+1 < len(rs) {
			sep := rs[j]
			if group == 0 && !isGroupSpace(sep) && sep != '.' && sep != ',' || group != 0 && !sameGroup(sep, group) {
				break
			}
			if digitsAt(j+1) != 3 {
				break
			}
			if group == 0 {
				group = sep
			}
			b.WriteString(string(rs[j+1 : j+4]))
			j += 4
		}
	}
	// A decimal part: a point or comma that is not the thousands separator, then digits.
	if j+1 < len(rs) && (rs[j] == '.' || rs[j] == ',') && rs[j] != group {
		if k := digitsAt(j + 1); k > 0 {
			b.WriteByte('.')
			b.WriteString(string(rs[j+1 : j+1+k]))
			j += 1 + k
		}
	}
	f, _ := strconv.ParseFloat(b.String(), 64) // digits only: at worst out of range, +Inf
	return f, j
}

func sameGroup(a, b rune) bool {
	return a == b || isGroupSpace(a) && isGroupSpace(b)
}

// scaleAfter reads a scale word ("millions", "thousand") at the start of rs, after white space.
func scaleAfter(rs []rune) (float64, bool) {
	s := strings.TrimLeftFunc(string(rs), unicode.IsSpace)
	words := text.Words(s)
	if len(words) == 0 || words[0].Start != 0 {
		return 0, false
	}
	w := foldWord(string([]rune(s)[words[0].Start:words[0].End]))
	if n, ok := numberWords[w]; ok && (n.scale || n.times && n.value == 100) {
		return n.value, true
	}
	return 0, false
}

// numberWord is a word of a written-out number: a value to add, or a scale to multiply by.
type numberWord struct {
	value float64
	scale bool // multiplies what precedes it: mille, million
	times bool // multiplies the last small number: cent, hundred, dozen
}

var numberWords = func() map[string]numberWord {
	m := map[string]numberWord{}
	for i, w := range strings.Fields("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize") {
		m[w] = numberWord{value: float64(i)}
	}
	for i, w := range strings.Fields("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty") {
		m[w] = numberWord{value: float64(i)}
	}
	for i, w := range strings.Fields("vingt trente quarante cinquante soixante") {
		m[w] = numberWord{value: float64(20 + 10*i)}
	}
	for i, w := range strings.Fields("thirty forty fifty sixty seventy eighty ninety") {
		m[w] = numberWord{value: float64(30 + 10*i)}
	}
	m["une"], m["a"], m["vingts"] = m["un"], numberWord{value: 1}, m["vingt"]
	m["douzaine"], m["dozen"] = numberWord{value: 12, times: true}, numberWord{value: 12, times: true}
	for _, w := range strings.Fields("cent cents hundred") {
		m[w] = numberWord{value: 100, times: true}
	}
	for _, s := range []struct {
		words string
		value float64
	}{
		{"mille thousand", 1e3},
		{"million millions", 1e6},
		{"milliard milliards billion billions", 1e9},
	} {
		for _, w := range strings.Fields(s.words) {
			m[w] = numberWord{value: s.value, scale: true}
		}
	}
	return m
}()

// parseWords reads the first number written out in words in s.
func parseWords(s string) (float64, bool) {
	rs := []rune(s)
	var total, current float64
	started, found := false, false
	for _, r := range text.Words(s) {
		w := foldWord(string(rs[r.Start:r.End]))
		nw, isNumber := numberWords[w]
		switch {
		case isNumber && w == "a" && !started:
			// "a" counts only before another number word: "a dozen", "a hundred"
			current, started = 1, true
			continue
		case isNumber:
		case started && (w == "-" || w == "et" || w == "and"):
			continue
		case started && found:
			return finite(total + current)
		case started: // "a" before a word that is no number
			current, started = 0, false
			continue
		default:
			continue
		}
		started, found = true, found || w != "a"
		switch {
		case nw.times:
			current = max(current, 1) * nw.value
		case nw.scale:
			total += max(current, 1) * nw.value
			current = 0
		case nw.value == 20 && current == 4: // quatre-vingt(s)
			current *= 20
		default:
			current += nw.value
		}
	}
	if !found {
		return 0, false
	}
	return finite(total + current)
}

// finite returns n, and false when it is infinite ("cent cent cent...", 400 digits): no number to
// keep.
func finite(n float64) (float64, bool) {
	if math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}
