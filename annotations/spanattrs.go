package annotations

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
)

// SetAttrs sets the attribute values of the span with id, replacing the ones it had; empty or nil a
// removes them all. Each value must be of an attribute its label defines, of the attribute's type.
func (p *Project) SetAttrs(ctx context.Context, id int64, a Attrs) (Span, error) {
	_, s, err := p.editSpan(ctx, id, setAttrs(a))
	return s, err
}

// SetAttrs sets the attribute values of the span seen, as Project.SetAttrs does, unless it is no
// longer as seen.
func (h *History) SetAttrs(ctx context.Context, seen Span, a Attrs) (Span, error) {
	return h.editSpan(ctx, seen, setAttrs(a), func(old, _ Span) string {
		return fmt.Sprintf("edit attributes of %s span", old.Label)
	})
}

func setAttrs(a Attrs) spanChange {
	return func(ctx context.Context, tx *sql.Tx, old Span) (string, []any, error) {
		l, err := labelNamed(ctx, tx, old.Label)
		if err != nil {
			return "", nil, err
		}
		a := normalizeAttrs(a)
		// Only the values that change are checked: a span keeps the values it holds of attributes
		// its label no longer defines (see UpdateLabel) while another of its values is edited.
		changed := Attrs{}
		for name, v := range a {
			if was, ok := old.Attrs[name]; !ok || !equalValues(was, v) {
				changed[name] = v
			}
		}
		if p := checkAttrs(l, changed); p != "" {
			return "", nil, userError(nil, "The attributes of the %s span at %d–%d cannot be set: %s.", old.Label, old.Start, old.End, p)
		}
		return `attrs = ?`, []any{formatAttrs(a)}, nil
	}
}

// relabelAttrs returns the values span old keeps when it takes label l: those of the attributes l
// also defines, with the same type and a value l allows, and the others derived from its text.
func relabelAttrs(ctx context.Context, tx *sql.Tx, old Span, l Label) (Attrs, error) {
	if len(l.Attributes) == 0 {
		return nil, nil
	}
	was, err := labelNamed(ctx, tx, old.Label)
	if err != nil {
		return nil, err
	}
	out := Attrs{}
	var derive []Attribute
	for _, d := range l.Attributes {
		v, has := old.Attrs[d.Name]
		if prev, ok := was.Attribute(d.Name); has && ok && prev.Type == d.Type && attrProblem(l, d.Name, v) == "" {
			out[d.Name] = v
		} else {
			derive = append(derive, d)
		}
	}
	if len(derive) > 0 {
		doc, err := documentRunes(ctx, tx, old.DocumentID)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, DeriveAttrs(derive, doc, old.Start, old.End))
	}
	return normalizeAttrs(out), nil
}

// resizeAttrs returns the values span old has once moved to [start, end): each value that is what
// the old extent gave (or that the old extent gave none and the span has none) is derived again; a
// value edited by hand stays.
func resizeAttrs(ctx context.Context, tx *sql.Tx, old Span, start, end int) (Attrs, error) {
	l, err := labelNamed(ctx, tx, old.Label)
	if err != nil || len(l.Attributes) == 0 {
		return old.Attrs, err
	}
	doc, err := documentRunes(ctx, tx, old.DocumentID)
	if err != nil {
		return nil, err
	}
	before := DeriveAttrs(l.Attributes, doc, old.Start, old.End)
	after := DeriveAttrs(l.Attributes, doc, start, end)
	out := maps.Clone(old.Attrs)
	if out == nil {
		out = Attrs{}
	}
	for _, d := range l.Attributes {
		v, has := old.Attrs[d.Name]
		was, derived := before[d.Name]
		if has != derived || has && !equalValues(v, was) {
			continue // edited by hand
		}
		if now, ok := after[d.Name]; ok {
			out[d.Name] = now
		} else {
			delete(out, d.Name)
		}
	}
	return normalizeAttrs(out), nil
}

// keepAttrs gives a span's values for NewSpan so that they are kept as they are, none included:
// nil would derive them.
func keepAttrs(a Attrs) Attrs {
	if a == nil {
		return Attrs{}
	}
	return a
}
