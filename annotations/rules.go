package annotations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/tagdesk/tagdesk/annotations/text"
	"github.com/tagdesk/tagdesk/assets"
)

// Rules find text to suggest in two ways:
//
//   - A regex rule is a Go regular expression (RE2 syntax) run over the stored NFC text; "(?i)" is put
//     before it unless the rule is case-sensitive. When it has a capturing group named span
//     ("(?P<span>...)"), only that group is suggested, so the rest of the pattern can match context:
//     `(?P<span>\d+ drones) (?:abattus|shot down)`. Other groups, named or not, are only groups (they
//     are often there for alternation). Matches of no width are skipped.
//   - A word list has one entry per line; blank lines and lines starting with # are left out. An entry
//     may hold several words, and any white space of the text (a no-break space too) matches a space of
//     the entry.
//
// Either way a match must start and end on word boundaries (UAX #29), as Occurrences does: `\d+` does
// not suggest the "100" of "1.100", nor "char" the start of "charge". Of the matches of one label, a
// match inside a longer one is left out ("lance-roquettes" inside "lance-roquettes de 240 mm").

// RuleMatch is a stretch of text a rule suggests.
type RuleMatch struct {
	Start, End int // code points
	Label      string
	RuleID     int64
}

// RulesReport says what RunRules did.
type RulesReport struct {
	Documents   int           `json:"documents"`
	Suggestions int           `json:"suggestions"`
	ByDocument  map[int64]int `json:"by_document"` // the suggestions each document got, zeros included
	Rules       int           `json:"rules"`       // the enabled rules run
}

// SettingRulesOnOpen is the setting that makes the app run the rules on a document when it opens it:
// "true" or "false" (the default).
const SettingRulesOnOpen = "rules_on_open"

// compiledRule is a rule ready to match.
type compiledRule struct {
	Rule
	re      *regexp.Regexp
	scan    *startScanner // where re's matches start; nil when it cannot tell (see rules_scan.go)
	starts  []int         // scratch of scan
	group   int           // the submatch suggested: 0, or the group named span
	phrases []string      // a word list's entries, prepared (see preparePhrase)
}

// compileRule checks r's pattern and prepares it; the error is a sentence for users.
func compileRule(r Rule) (*compiledRule, error) {
	c := &compiledRule{Rule: r}
	if strings.TrimSpace(r.Pattern) == "" {
		return nil, userError(nil, "The rule's pattern is empty.")
	}
	switch r.Kind {
	case RuleRegex:
		pattern, _ := text.Normalize(r.Pattern)
		if !r.CaseSensitive {
			pattern = "(?i)" + pattern
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			if _, plain := regexp.Compile(strings.TrimPrefix(pattern, "(?i)")); plain != nil {
				err = plain // about the user's pattern, without the flag added to it
			}
			return nil, userError(err, "The regular expression `%s` is not valid: %s.", excerptRaw(r.Pattern), regexProblem(err))
		}
		c.re = re
		c.scan = newStartScanner(pattern)
		if i := re.SubexpIndex("span"); i > 0 {
			c.group = i
		}
	case RuleWords:
		for _, line := range strings.Split(r.Pattern, "\n") {
			if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if p := preparePhrase(line, r.CaseSensitive); p != "" && !slices.Contains(c.phrases, p) {
				c.phrases = append(c.phrases, p)
			}
		}
		if len(c.phrases) == 0 {
			return nil, userError(nil, "The word list has no words (one entry a line; lines starting with # are comments).")
		}
	default:
		return nil, userError(nil, "The rule kind %q is not regex or words.", r.Kind)
	}
	return c, nil
}

// regexProblem is Go's reason a pattern does not compile: "missing closing ): `(a`".
func regexProblem(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: `%s`", se.Code, se.Expr)
	}
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// match adds the matches of c in t to out.
func (c *compiledRule) match(t *phraseText, out []RuleMatch) []RuleMatch {
	if c.re != nil {
		if fast, ok := c.matchFrom(t, out); ok {
			return fast
		}
		for _, m := range c.re.FindAllStringSubmatchIndex(t.s, -1) {
			out = c.add(t, m, 0, out)
		}
		return out
	}
	for _, p := range c.phrases {
		t.find(p, func(start, end int) {
			out = append(out, RuleMatch{start, end, c.Label, c.ID})
		})
	}
	return out
}

// add adds the submatch of c in m, offsets after byte at of t, if it is on word boundaries.
func (c *compiledRule) add(t *phraseText, m []int, at int, out []RuleMatch) []RuleMatch {
	a, b := m[2*c.group], m[2*c.group+1]
	if a < 0 || a == b {
		return out // the group took no part, or an empty match
	}
	start, end := t.words.codePoint(at+a), t.words.codePoint(at+b)
	if t.words.onBoundaries(start, end) {
		out = append(out, RuleMatch{start, end, c.Label, c.ID})
	}
	return out
}

// matchFrom adds the matches of c's regex in t as FindAllStringSubmatchIndex finds them, running
// it only from where c.scan says a match starts. It returns false, and out as it was, when c has
// no scanner or t is not valid UTF-8.
func (c *compiledRule) matchFrom(t *phraseText, out []RuleMatch) ([]RuleMatch, bool) {
	if c.scan == nil {
		return out, false
	}
	var ok bool
	if c.starts, ok = c.scan.starts(t.s, c.starts); !ok {
		return out, false
	}
	n, p := len(out), 0
	for _, q := range c.starts {
		if q < p {
			continue // inside the last match
		}
		m := c.re.FindStringSubmatchIndex(t.s[q:])
		if m == nil || m[0] != 0 || m[1] == 0 {
			return out[:n], false // cannot happen (see rules_scan.go); the plain way is right anyway
		}
		out = c.add(t, m, q, out)
		p = q + m[1]
	}
	return out, true
}

// matcher runs compiled rules over texts. Word lists are grouped by case sensitivity, so that each
// text is folded at most twice.
type matcher struct {
	rules []*compiledRule
}

func newMatcher(rules []Rule) (*matcher, error) {
	m := &matcher{}
	for _, r := range rules {
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("rule %d: %w", r.ID, err)
		}
		m.rules = append(m.rules, c)
	}
	return m, nil
}

// match returns the matches of every rule in s, in text order (start, end, label), without
// duplicates and without a match inside a longer one of the same label.
func (m *matcher) match(s string) []RuleMatch {
	words := &wordBounds{s: s}
	var texts [2]*phraseText // folded, then case-sensitive
	var all []RuleMatch
	for _, c := range m.rules {
		k := 0
		if c.CaseSensitive {
			k = 1
		}
		if texts[k] == nil {
			texts[k] = newPhraseText(s, c.CaseSensitive, words)
		}
		all = c.match(texts[k], all)
	}
	byLabel := map[string][]text.Range{}
	ruleOf := map[RuleMatch]int64{}
	for _, x := range all {
		r := text.Range{Start: x.Start, End: x.End}
		key := RuleMatch{Start: x.Start, End: x.End, Label: x.Label}
		if _, seen := ruleOf[key]; !seen {
			ruleOf[key] = x.RuleID
			byLabel[x.Label] = append(byLabel[x.Label], r)
		}
	}
	out := make([]RuleMatch, 0, len(ruleOf))
	for label, rs := range byLabel {
		for _, r := range longestFirst(rs) {
			key := RuleMatch{Start: r.Start, End: r.End, Label: label}
			out = append(out, RuleMatch{r.Start, r.End, label, ruleOf[key]})
		}
	}
	slices.SortFunc(out, func(a, b RuleMatch) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		return strings.Compare(a.Label, b.Label)
	})
	return out
}

// MatchRules returns what the rules suggest in s (a stored, NFC text), disabled rules included: the
// caller chooses the rules. An error names the first bad rule.
func MatchRules(rules []Rule, s string) ([]RuleMatch, error) {
	m, err := newMatcher(rules)
	if err != nil {
		return nil, err
	}
	return m.match(s), nil
}

// Rules returns the project's rules in order.
func (p *Project) Rules(ctx context.Context) ([]Rule, error) {
	return queryRules(ctx, p.ro, false)
}

func queryRules(ctx context.Context, q querier, enabledOnly bool) ([]Rule, error) {
	var out []Rule
	err := eachRow(ctx, q, `SELECT r.id, l.name, r.kind, r.pattern, r.case_sensitive, r.enabled, r.note, r.position
		FROM rules r JOIN labels l ON l.id = r.label_id WHERE r.enabled OR NOT ? ORDER BY r.position, r.id`, func(rows *sql.Rows) error {
		var r Rule
		err := rows.Scan(&r.ID, &r.Label, &r.Kind, &r.Pattern, &r.CaseSensitive, &r.Enabled, &r.Note, &r.Position)
		out = append(out, r)
		return err
	}, enabledOnly)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return out, nil
}

// CheckRule returns a sentence for users saying what is wrong with r, or nil: a pattern that is
// empty or not a valid regular expression (with Go's reason), a word list with no words, a label the
// project does not have.
func (p *Project) CheckRule(ctx context.Context, r Rule) error {
	return checkRule(ctx, p.ro, r)
}

func checkRule(ctx context.Context, q querier, r Rule) error {
	if _, err := compileRule(r); err != nil {
		return err
	}
	_, err := labelID(ctx, q, r.Label)
	return err
}

// AddRule adds r at the end of the rules and returns it with its ID and position.
func (p *Project) AddRule(ctx context.Context, r Rule) (Rule, error) {
	err := p.write(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = insertRule(ctx, tx, r)
		return err
	})
	return r, err
}

func insertRule(ctx context.Context, tx *sql.Tx, r Rule) (Rule, error) {
	if err := checkRule(ctx, tx, r); err != nil {
		return r, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(position) + 1, 0) FROM rules`).Scan(&r.Position); err != nil {
		return r, fmt.Errorf("add rule: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO rules (label_id, kind, pattern, case_sensitive, enabled, note, position)
		VALUES ((SELECT id FROM labels WHERE name = ?), ?, ?, ?, ?, ?, ?)`,
		r.Label, r.Kind, r.Pattern, r.CaseSensitive, r.Enabled, r.Note, r.Position)
	if err != nil {
		return r, fmt.Errorf("add rule: %w", err)
	}
	r.ID, err = res.LastInsertId()
	return r, err
}

// UpdateRule stores r over the rule with its ID (all but its position).
func (p *Project) UpdateRule(ctx context.Context, r Rule) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		if err := checkRule(ctx, tx, r); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE rules SET label_id = (SELECT id FROM labels WHERE name = ?), kind = ?,
			pattern = ?, case_sensitive = ?, enabled = ?, note = ? WHERE id = ?`,
			r.Label, r.Kind, r.Pattern, r.CaseSensitive, r.Enabled, r.Note, r.ID)
		return ruleChanged(res, err, r.ID)
	})
}

// DeleteRule deletes the rule with id. The suggestions it made stay until the rules run again.
func (p *Project) DeleteRule(ctx context.Context, id int64) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM rules WHERE id = ?`, id)
		return ruleChanged(res, err, id)
	})
}

func ruleChanged(res sql.Result, err error, id int64) error {
	if err != nil {
		return fmt.Errorf("rule %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return userError(ErrNotFound, "There is no rule %d.", id)
	}
	return nil
}

// DefaultRules returns the rules of assets/rules.json, which new projects start with.
func DefaultRules() ([]Rule, error) {
	var raw []struct {
		Label         string   `json:"label"`
		Kind          RuleKind `json:"kind"`
		Pattern       string   `json:"pattern"`
		Words         []string `json:"words"` // a word list, one entry per element
		CaseSensitive bool     `json:"case_sensitive"`
		Note          string   `json:"note"`
	}
	if err := json.Unmarshal(assets.DefaultRules, &raw); err != nil {
		return nil, fmt.Errorf("default rules: %w", err)
	}
	out := make([]Rule, len(raw))
	for i, r := range raw {
		if r.Words != nil {
			r.Pattern = strings.Join(r.Words, "\n")
		}
		out[i] = Rule{Label: r.Label, Kind: r.Kind, Pattern: r.Pattern, CaseSensitive: r.CaseSensitive, Enabled: true,
			Note: r.Note, Position: i}
	}
	return out, nil
}

// AddDefaultRules adds the default rules that the project lacks (same label, kind and pattern), of
// labels it has, and returns how many it added.
func (p *Project) AddDefaultRules(ctx context.Context) (int, error) {
	var n int
	err := p.write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = addDefaultRules(ctx, tx)
		return err
	})
	return n, err
}

func addDefaultRules(ctx context.Context, tx *sql.Tx) (int, error) {
	defaults, err := DefaultRules()
	if err != nil {
		return 0, err
	}
	have, err := queryRules(ctx, tx, false)
	if err != nil {
		return 0, err
	}
	labels, err := loadLabels(ctx, tx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range defaults {
		if _, ok := labels.ids[d.Label]; !ok || slices.ContainsFunc(have, func(r Rule) bool {
			return r.Label == d.Label && r.Kind == d.Kind && r.Pattern == d.Pattern
		}) {
			continue
		}
		if _, err := insertRule(ctx, tx, d); err != nil {
			return n, fmt.Errorf("default rule %d: %w", d.Position+1, err)
		}
		n++
	}
	return n, nil
}

// RunRules replaces the suggestions of source "rules" of the given documents (nil: every document;
// one given twice is run once) with what the enabled rules suggest now, in one transaction.
func (p *Project) RunRules(ctx context.Context, documentIDs []int64) (RulesReport, error) {
	rep := RulesReport{ByDocument: map[int64]int{}}
	if documentIDs != nil {
		// A second run on a document would find its suggestions there and count them as none.
		documentIDs = distinct(documentIDs)
	}
	sqlCtx := context.WithoutCancel(ctx) // see Import: ctx is checked between documents
	err := p.write(sqlCtx, func(tx *sql.Tx) error {
		rules, err := queryRules(sqlCtx, tx, true)
		if err != nil {
			return err
		}
		rep.Rules = len(rules)
		m, err := newMatcher(rules)
		if err != nil {
			return err
		}
		labels, err := loadLabels(sqlCtx, tx)
		if err != nil {
			return err
		}
		if documentIDs == nil {
			_, err = tx.ExecContext(sqlCtx, `DELETE FROM suggestions WHERE source = ?`, SourceRules)
		} else {
			err = forEachID(documentIDs, func(ids string) error {
				_, err := tx.ExecContext(sqlCtx, `DELETE FROM suggestions WHERE source = ? AND document_id IN (`+ids+`)`, SourceRules)
				return err
			})
		}
		if err != nil {
			return fmt.Errorf("run rules: %w", err)
		}
		ins, err := tx.PrepareContext(sqlCtx, insertSuggestion)
		if err != nil {
			return fmt.Errorf("run rules: %w", err)
		}
		defer ins.Close()
		now := formatTime(p.now())
		store := func(id int64, ms []RuleMatch) error {
			rep.Documents++
			rep.ByDocument[id] = 0
			for _, x := range ms {
				res, err := ins.ExecContext(sqlCtx, id, labels.ids[x.Label], x.Start, x.End, SourceRules, nil, now)
				if err != nil {
					return fmt.Errorf("run rules on document %d: %w", id, err)
				}
				if n, _ := res.RowsAffected(); n > 0 {
					rep.ByDocument[id]++
					rep.Suggestions++
				}
			}
			return nil
		}
		if workers := poolWorkers(len(documentIDs)); len(m.rules) > 0 && (documentIDs == nil || workers > 1) {
			// Texts are matched on other goroutines while this one stores what they found.
			pool, err := newMatchPool(rules, workers)
			if err != nil {
				return err
			}
			defer pool.close()
			if err := p.eachText(ctx, tx, documentIDs, func(id int64, s string) error {
				return pool.add(id, s, store)
			}); err != nil {
				return err
			}
			return pool.flush(0, store)
		}
		return p.eachText(ctx, tx, documentIDs, func(id int64, s string) error {
			if len(m.rules) == 0 {
				return store(id, nil)
			}
			return store(id, m.match(s))
		})
	})
	if err != nil {
		return RulesReport{}, err
	}
	return rep, nil
}

// distinct returns ids without repeats, in the order first met.
func distinct(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// insertSuggestion adds a suggestion: document, label id, start, end, source, score, created at.
const insertSuggestion = `INSERT INTO suggestions (document_id, label_id, start, "end", source, score, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`

// eachText calls fn with the id and text of each document of ids (nil: every document, in id order),
// read through tx one at a time. ctx is checked between documents.
func (p *Project) eachText(ctx context.Context, tx *sql.Tx, ids []int64, fn func(id int64, s string) error) error {
	sqlCtx := context.WithoutCancel(ctx)
	if ids != nil {
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			var s string
			err := tx.QueryRowContext(sqlCtx, `SELECT text FROM texts WHERE document_id = ?`, id).Scan(&s)
			if errors.Is(err, sql.ErrNoRows) {
				return userError(ErrNotFound, "There is no document %d.", id)
			}
			if err != nil {
				return fmt.Errorf("text of document %d: %w", id, err)
			}
			if err := fn(id, s); err != nil {
				return err
			}
		}
		return nil
	}
	// Pages of documents by id: a statement stays open only while its page is read, not while fn
	// writes.
	const page = 200
	type doc struct {
		id int64
		s  string
	}
	for after := int64(0); ; {
		var batch []doc
		err := eachRow(sqlCtx, tx, `SELECT document_id, text FROM texts WHERE document_id > ? ORDER BY document_id LIMIT ?`,
			func(r *sql.Rows) error {
				var d doc
				err := r.Scan(&d.id, &d.s)
				batch = append(batch, d)
				return err
			}, after, page)
		if err != nil {
			return fmt.Errorf("texts: %w", err)
		}
		for _, d := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(d.id, d.s); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		after = batch[len(batch)-1].id
	}
}

// forEachID calls fn with the ids as a list for IN (...), in chunks that stay below SQLite's limit
// on variables.
func forEachID(ids []int64, fn func(list string) error) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var b strings.Builder
		for i, id := range ids[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, id)
		}
		if err := fn(b.String()); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// Setting returns the project setting key, or "" when it is not set.
func (p *Project) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := p.ro.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting sets the project setting key to value.
func (p *Project) SetSetting(ctx context.Context, key, value string) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		if err != nil {
			return fmt.Errorf("set %s: %w", key, err)
		}
		return nil
	})
}

// RulesOnOpen reports whether the rules run on a document when the app opens it (the setting
// rules_on_open).
func (p *Project) RulesOnOpen(ctx context.Context) (bool, error) {
	v, err := p.Setting(ctx, SettingRulesOnOpen)
	return v == "true", err
}
