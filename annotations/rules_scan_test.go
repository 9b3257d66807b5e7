package annotations

import (
	"slices"
	"strings"
	"testing"
)

// TestRegexFastPathSameMatches checks that running a regex only from where its scanner says
// matches start gives what FindAllStringSubmatchIndex over the whole text gives, on text with
// emoji, combining and precomposed accents, no-break spaces, elisions and digits.
func TestRegexFastPathSameMatches(t *testing.T) {
	texts := []string{
		"Selon l’état-major, environ 1.100 hommes ont été tués ; près de 3\u00a0000 soldats 🇺🇦 et 12 % des effectifs.",
		"« plus de 40 drones » abattus 👩🏽‍🚀 près de Bakhmout, et des lance-roquettes de 240 mm, obus de 155\u202fmm.",
		"Cafe\u0301 40 drones FPV, at least 30 civilians, hundreds of civilians, 122mm rockets, jusqu'à 2 500 morts.",
		"plusieurs milliers de soldats, quelques centaines d’hommes, des dizaines de drones 1,5 km 7.7.7 aaa 0",
		"", "1", "drones", "x40 drones40 drones 40 drones\n40\ndrones",
	}
	rules, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	extra := []string{`(?P<span>\d+ drones) (?:abattus|shot down)`, `a+?b|é+`, `(?:x|y)*z`, `\p{L}+’\p{L}+`, `drone|drones|s`}
	for i, p := range extra {
		rules = append(rules, Rule{ID: int64(100 + i), Label: "figure", Kind: RuleRegex, Pattern: p, CaseSensitive: i%2 == 0})
	}
	long := strings.Repeat(strings.Join(texts, " "), 20)
	found := 0
	for _, r := range rules {
		if r.Kind != RuleRegex {
			continue
		}
		c, err := compileRule(r)
		if err != nil {
			t.Fatal(err)
		}
		if c.scan == nil {
			t.Fatalf("%s: no scanner", r.Pattern)
		}
		for _, s := range append(texts, long) {
			pt := newPhraseText(s, r.CaseSensitive, nil)
			fast, ok := c.matchFrom(pt, nil)
			if !ok {
				t.Fatalf("%s on %q: fast path refused", r.Pattern, s)
			}
			var plain []RuleMatch
			for _, m := range c.re.FindAllStringSubmatchIndex(s, -1) {
				plain = c.add(pt, m, 0, plain)
			}
			if !slices.Equal(fast, plain) {
				t.Errorf("%s on %q:\nfast  %v\nplain %v", r.Pattern, s, fast, plain)
			}
			found += len(fast)
		}
	}
	if found == 0 {
		t.Error("no rule matched anything: the comparison proved nothing")
	}
}

// TestStartScannerRefuses checks that patterns whose matches depend on what comes before them, or
// that match the empty string, get no scanner (and so run the plain way).
func TestStartScannerRefuses(t *testing.T) {
	for _, p := range []string{`\bchar\b`, `^drones`, `drones$`, `(?m)^x`, `a*`, `x|`} {
		if newStartScanner(p) != nil {
			t.Errorf("%s: got a scanner", p)
		}
	}
	if newStartScanner(`(?i)\d+ drones`) == nil {
		t.Error("no scanner for a plain pattern")
	}
}
