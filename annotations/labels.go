package annotations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/assets"
)

// palette gives colours to labels created without one (by an import, say): the Okabe–Ito colours,
// distinguishable with the common colour-vision deficiencies, then a few more.
var palette = []string{
	"#0072B2", "#E69F00", "#CC79A7", "#009E73", "#56B4E9", "#D55E00", "#F0E442", "#999999",
	"#882255", "#44AA99", "#332288", "#AA4499", "#117733", "#DDCC77", "#88CCEE", "#661100",
}

var colorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// DefaultLabels returns the label set a new project starts with.
func DefaultLabels() ([]Label, error) {
	var raw []struct {
		Name, Color, Hotkey, Guideline string
		Attributes                     []Attribute
	}
	if err := json.Unmarshal(assets.DefaultLabels, &raw); err != nil {
		return nil, fmt.Errorf("default labels: %w", err)
	}
	out := make([]Label, len(raw))
	for i, r := range raw {
		out[i] = Label{Name: r.Name, Color: r.Color, Hotkey: r.Hotkey, Guideline: r.Guideline, Position: i,
			Attributes: r.Attributes}
	}
	return out, nil
}

func (p *Project) seedLabels(ctx context.Context, tx *sql.Tx) error {
	labels, err := DefaultLabels()
	if err != nil {
		return err
	}
	for _, l := range labels {
		l.Attributes = nil // schema 1 has no attributes: migration 4 adds them (addDefaultAttributes)
		if _, err := insertLabel(ctx, tx, l); err != nil {
			return err
		}
	}
	return nil
}

// AddDefaultAttributes gives the labels named as in the default label set (figure, claim) that
// define no attributes the default set's attributes, and returns the names of the labels changed.
// An existing project gets them so on request; a new one has them from the start.
func (p *Project) AddDefaultAttributes(ctx context.Context) (changed []string, err error) {
	err = p.write(ctx, func(tx *sql.Tx) error {
		changed, err = addDefaultAttributes(ctx, tx)
		return err
	})
	return changed, err
}

func addDefaultAttributes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	labels, err := DefaultLabels()
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, l := range labels {
		if len(l.Attributes) == 0 {
			continue
		}
		res, err := tx.ExecContext(ctx, `UPDATE labels SET attributes = ? WHERE name = ? AND attributes = '[]'`, attributesJSON(l.Attributes), l.Name)
		if err != nil {
			return nil, fmt.Errorf("attributes of label %q: %w", l.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			changed = append(changed, l.Name)
		}
	}
	return changed, nil
}

// Labels returns the project's label set in panel order.
func (p *Project) Labels(ctx context.Context) ([]Label, error) {
	return queryLabels(ctx, p.ro)
}

func queryLabels(ctx context.Context, q querier) ([]Label, error) {
	return queryLabelsOf(ctx, q, SchemaVersion)
}

// queryLabelsOf reads the label set of a project file of schema version (a merge's source may be
// older): labels have attributes from version 4.
func queryLabelsOf(ctx context.Context, q querier, version int) ([]Label, error) {
	attributes := "attributes"
	if version < 4 {
		attributes = "'[]'"
	}
	var out []Label
	err := eachRow(ctx, q, `SELECT id, name, color, hotkey, guideline, position, `+attributes+` FROM labels ORDER BY position, id`,
		func(r *sql.Rows) error {
			var l Label
			var attributes string
			if err := r.Scan(&l.ID, &l.Name, &l.Color, &l.Hotkey, &l.Guideline, &l.Position, &attributes); err != nil {
				return err
			}
			if attributes != "[]" {
				if err := json.Unmarshal([]byte(attributes), &l.Attributes); err != nil {
					return fmt.Errorf("attributes of label %q: %w", l.Name, err)
				}
			}
			out = append(out, l)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	return out, nil
}

// AddLabel adds l to the end of the label set. An empty colour gets one from the palette; the
// hotkey may be empty.
func (p *Project) AddLabel(ctx context.Context, l Label) (Label, error) {
	err := p.write(ctx, func(tx *sql.Tx) error {
		labels, err := queryLabels(ctx, tx)
		if err != nil {
			return err
		}
		if l.Color == "" {
			l.Color = nextColor(labels)
		}
		if err := validateLabel(l, labels, ""); err != nil {
			return err
		}
		l.Position = len(labels)
		l, err = insertLabel(ctx, tx, l)
		return err
	})
	return l, err
}

// UpdateLabel changes the name, colour, hotkey, guideline and attributes of the label with l.ID. Spans
// keep their label through a rename, and the values they hold, also of attributes no longer defined.
func (p *Project) UpdateLabel(ctx context.Context, l Label) (Label, error) {
	err := p.write(ctx, func(tx *sql.Tx) error {
		labels, err := queryLabels(ctx, tx)
		if err != nil {
			return err
		}
		others := labels[:0:0]
		found, kept := false, ""
		for _, o := range labels {
			if o.ID == l.ID {
				found, kept = true, o.Hotkey
				l.Position = o.Position
			} else {
				others = append(others, o)
			}
		}
		if !found {
			return userError(ErrNotFound, "There is no such label.")
		}
		if err := validateLabel(l, others, kept); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE labels SET name = ?, color = ?, hotkey = ?, guideline = ?, attributes = ? WHERE id = ?`,
			l.Name, l.Color, l.Hotkey, l.Guideline, attributesJSON(l.Attributes), l.ID)
		return err
	})
	return l, err
}

// MoveLabel moves the label with id to position (from 0) in the panel order.
func (p *Project) MoveLabel(ctx context.Context, id int64, position int) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		labels, err := queryLabels(ctx, tx)
		if err != nil {
			return err
		}
		labels, ok := moveEntry(labels, id, position)
		if !ok {
			return userError(ErrNotFound, "There is no such label.")
		}
		return renumber(ctx, tx, "labels", labels)
	})
}

// ordered is an entry of a list whose order the user sets: a label, a relation type.
type ordered interface {
	place() (id int64, position int)
}

func (l Label) place() (int64, int) { return l.ID, l.Position }

// moveEntry moves the entry with id of list to position (from 0, kept within the list). It returns
// false when list has no such entry.
func moveEntry[T ordered](list []T, id int64, position int) ([]T, bool) {
	from := slices.IndexFunc(list, func(e T) bool {
		eid, _ := e.place()
		return eid == id
	})
	if from < 0 {
		return list, false
	}
	e := list[from]
	list = slices.Delete(list, from, from+1)
	return slices.Insert(list, max(0, min(position, len(list))), e), true
}

// renumber gives the entries of list, rows of table, the positions 0, 1, 2... in the order given.
func renumber[T ordered](ctx context.Context, tx *sql.Tx, table string, list []T) error {
	for i, e := range list {
		id, position := e.place()
		if position == i {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET position = ? WHERE id = ?`, i, id); err != nil {
			return fmt.Errorf("renumber %s: %w", table, err)
		}
	}
	return nil
}

// DeleteLabel removes a label that no span uses.
func (p *Project) DeleteLabel(ctx context.Context, id int64) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		var name string
		var used int
		err := tx.QueryRowContext(ctx, `SELECT name, (SELECT count(*) FROM spans WHERE label_id = labels.id)
			FROM labels WHERE id = ?`, id).Scan(&name, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return userError(ErrNotFound, "There is no such label.")
		}
		if err != nil {
			return err
		}
		if used > 0 {
			return userError(nil, "The label %q is used by %d spans; relabel or delete them first.", name, used)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM labels WHERE id = ?`, id); err != nil {
			return err
		}
		labels, err := queryLabels(ctx, tx) // in order, with a gap where the label was
		if err != nil {
			return err
		}
		return renumber(ctx, tx, "labels", labels)
	})
}

// labelCache is the label set as a bulk change (import, merge) goes along, with the ids by name.
type labelCache struct {
	set []Label // in panel order
	ids map[string]int64
}

func loadLabels(ctx context.Context, q querier) (*labelCache, error) {
	set, err := queryLabels(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &labelCache{set: set, ids: make(map[string]int64, len(set))}
	for _, l := range set {
		c.ids[l.Name] = l.ID
	}
	return c, nil
}

// add inserts l at the end of the label set and returns its id.
func (c *labelCache) add(ctx context.Context, q querier, l Label) (int64, error) {
	l.Position = len(c.set)
	l, err := insertLabel(ctx, q, l)
	if err != nil {
		return 0, err
	}
	c.set = append(c.set, l)
	c.ids[l.Name] = l.ID
	return l.ID, nil
}

// byName returns the label called name.
// withAttributes returns the attribute definitions of the labels that have some, by name, as a copy
// of its own.
func (c *labelCache) withAttributes() map[string][]Attribute {
	defs := map[string][]Attribute{}
	for _, l := range c.set {
		if len(l.Attributes) > 0 {
			defs[l.Name] = slices.Clone(l.Attributes)
		}
	}
	return defs
}

func (c *labelCache) byName(name string) (Label, bool) {
	for _, l := range c.set {
		if l.Name == name {
			return l, true
		}
	}
	return Label{}, false
}

func insertLabel(ctx context.Context, q querier, l Label) (Label, error) {
	query, args := `INSERT INTO labels (name, color, hotkey, guideline, position) VALUES (?, ?, ?, ?, ?)`,
		[]any{l.Name, l.Color, l.Hotkey, l.Guideline, l.Position}
	if len(l.Attributes) > 0 {
		query = `INSERT INTO labels (name, color, hotkey, guideline, position, attributes) VALUES (?, ?, ?, ?, ?, ?)`
		args = append(args, attributesJSON(l.Attributes))
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return l, fmt.Errorf("insert label %q: %w", l.Name, err)
	}
	l.ID, err = res.LastInsertId()
	return l, err
}

// validateLabel checks l against the rest of the label set. kept is the hotkey the label already has,
// which stays allowed even if it is now taken by a key of its own (n and r, in older label sets).
func validateLabel(l Label, others []Label, kept string) error {
	if reason := checkName(l.Name); reason != "" {
		return userError(nil, "A label name %s.", reason)
	}
	if !colorPattern.MatchString(l.Color) {
		return userError(nil, "The colour %q of label %q is not of the form #rrggbb.", l.Color, l.Name)
	}
	if reason := checkHotkey(l.Hotkey); reason != "" && l.Hotkey != kept {
		return userError(nil, "The hotkey %q of label %q %s.", l.Hotkey, l.Name, reason)
	}
	if err := validateAttributes(l); err != nil {
		return err
	}
	for _, o := range others {
		if o.Name == l.Name {
			return userError(nil, "There is already a label named %q.", l.Name)
		}
		if l.Hotkey != "" && strings.EqualFold(o.Hotkey, l.Hotkey) {
			return userError(nil, "The hotkey %q is already used by label %q.", l.Hotkey, o.Name)
		}
	}
	return nil
}

// checkName returns why s cannot name a label or an annotator, or "".
func checkName(s string) string {
	switch {
	case s == "":
		return "cannot be empty"
	case strings.TrimSpace(s) != s:
		return "cannot start or end with spaces"
	case utf8.RuneCountInString(s) > 100:
		return "is limited to 100 characters"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "cannot contain control characters"
	}
	return ""
}

// checkHotkey returns why s cannot be a label hotkey, or "". The digits are taken: 1 to 9 pick labels
// by position; so are n (next suggestion) and r (link spans). Label sets made before those keys existed
// may hold them: there the label keeps the key.
func checkHotkey(s string) string {
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case n != len(s):
		return "must be a single character"
	case unicode.IsDigit(r):
		return "cannot be a digit (1 to 9 choose labels by position)"
	case r == 'n' || r == 'N':
		return "is taken: n moves to the next suggestion"
	case r == 'r' || r == 'R':
		return "is taken: r links the selected span to another"
	case !unicode.IsLetter(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r):
		return "must be a letter, punctuation or symbol"
	}
	return ""
}

// nextColor returns the first palette colour no label uses, or cycles when all are taken.
func nextColor(labels []Label) string {
	used := map[string]bool{}
	for _, l := range labels {
		used[strings.ToUpper(l.Color)] = true
	}
	for _, c := range palette {
		if !used[c] {
			return c
		}
	}
	return palette[len(labels)%len(palette)]
}

// freeHotkey returns the first letter of name that no label uses as a hotkey, or "".
func freeHotkey(name string, labels []Label) string {
	taken := map[string]bool{}
	for _, l := range labels {
		taken[strings.ToLower(l.Hotkey)] = true
	}
	for _, r := range strings.ToLower(name) {
		k := string(r)
		if unicode.IsLetter(r) && !taken[k] && checkHotkey(k) == "" {
			return k
		}
	}
	return ""
}
