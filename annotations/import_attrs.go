package annotations

import (
	"fmt"
	"slices"
	"strings"
)

// importAttrs are the attribute definitions an import added, by label and attribute name. A choice
// the import added takes the new values it meets.
type importAttrs map[[2]string]bool // by label and attribute name

func (a importAttrs) has(label, name string) bool { return a[[2]string{label, name}] }

// recordAttrs are the types of the attributes that the spans of one record give values for and their
// labels lack, by label and attribute name, as inferred from the first value met.
type recordAttrs map[[2]string]AttributeType

// attrsProblem checks the values a span of label brings against the label's attributes as the
// import has them so far, and against the values earlier spans of the record gave (pending), and
// says what is wrong, or "". Values of an attribute the label lacks are fine unless the labels are
// strict: the import adds the attribute (see defineAttrs).
func (im *importer) attrsProblem(label string, a Attrs, pending *recordAttrs) string {
	l, known := im.labels.byName(label)
	for _, name := range sortedKeys(a) {
		v := normalizeValue(a[name])
		if reason := attrNameProblem(name); reason != "" {
			return fmt.Sprintf("the attribute name %q %s", name, reason)
		}
		def, defined := l.Attribute(name)
		switch {
		case defined && im.attrs.has(label, name):
			inferred, ok := InferAttribute(name, []any{v})
			if !ok || inferred.Type != def.Type && !(def.Type == AttrText && inferred.Type == AttrChoice) {
				return fmt.Sprintf("the attribute %q of label %q was given %s values before; %s is not one",
					name, label, def.Type, describeValue(v))
			}
		case defined:
			if w, ok := spacedChoice(def, v); ok {
				a[name], v = w, w
			}
			if p := attrProblem(l, name, v); p != "" {
				return p
			}
		case known && im.opts.StrictLabels:
			return fmt.Sprintf("the label %q has no attribute %q (--strict-labels)", label, name)
		default:
			inferred, ok := InferAttribute(name, []any{v})
			if !ok {
				return fmt.Sprintf("the value %s of attribute %q is not a number, true or false, or a text",
					describeValue(v), name)
			}
			key := [2]string{label, name}
			if t, met := (*pending)[key]; met && t != inferred.Type {
				return fmt.Sprintf("the attribute %q of label %q was given %s values before; %s is not one",
					name, label, t, describeValue(v))
			}
			if *pending == nil {
				*pending = recordAttrs{}
			}
			(*pending)[key] = inferred.Type
		}
	}
	return ""
}

// spacedChoice returns the value of the choice def that v spells with _ for its spaces, as formats
// whose values cannot hold spaces write it (brat's "not_confirmed" for "not confirmed").
func spacedChoice(def Attribute, v any) (string, bool) {
	s, ok := v.(string)
	if !ok || def.Type != AttrChoice || slices.Contains(def.Values, s) {
		return "", false
	}
	found := ""
	for _, w := range def.Values {
		if strings.Join(strings.Fields(w), "_") == s {
			if found != "" {
				return "", false // two values spell so: neither is taken
			}
			found = w
		}
	}
	return found, found != ""
}

// defineAttrs adds to the label the definitions of the attributes a gives values for and it lacks,
// inferring their types from the values, and adds new values to the choices the import defined.
// attrsProblem has checked a.
func (im *importer) defineAttrs(label string, a Attrs) error {
	l, _ := im.labels.byName(label)
	changed := false
	for _, name := range sortedKeys(a) {
		v := normalizeValue(a[name])
		i := slices.IndexFunc(l.Attributes, func(d Attribute) bool { return d.Name == name })
		switch {
		case i < 0:
			def, _ := InferAttribute(name, []any{v})
			l.Attributes = append(l.Attributes, def)
			im.attrs[[2]string{label, name}] = true
			im.attrsAdded = append(im.attrsAdded, fmt.Sprintf("%s.%s (%s)", label, name, def.Type))
			changed = true
		case im.attrs.has(label, name) && l.Attributes[i].Type == AttrChoice:
			if s, ok := v.(string); ok && !slices.Contains(l.Attributes[i].Values, s) {
				d := &l.Attributes[i]
				d.Values = append(slices.Clip(d.Values), s)
				changed = true
			}
		}
	}
	if !changed {
		return nil
	}
	if err := validateAttributes(l); err != nil {
		return err
	}
	im.redefined[label] = true // values derived ahead with the old definitions no longer hold
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE labels SET attributes = ? WHERE id = ?`, attributesJSON(l.Attributes), l.ID); err != nil {
		return fmt.Errorf("import: attributes of label %q: %w", label, err)
	}
	for i := range im.labels.set {
		if im.labels.set[i].ID == l.ID {
			im.labels.set[i] = l
		}
	}
	return nil
}
