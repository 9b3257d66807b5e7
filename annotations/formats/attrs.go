package formats

import (
	"fmt"
	"slices"

	"github.com/tagdesk/tagdesk/annotations"
)

// noAttrFormats are the export formats that cannot carry attribute values: their writers count the
// spans whose values they left out.
var noAttrFormats = []string{Doccano, SpaCy, CoNLL, HF}

// attrsLeftOut wraps the writer of a format that cannot carry attribute values and adds a notice
// counting the spans that had some.
type attrsLeftOut struct {
	Writer
	format string
	spans  int
}

var _ Noticer = (*attrsLeftOut)(nil)

func (w *attrsLeftOut) Write(d *annotations.ExportDocument) error {
	for _, s := range d.Spans {
		if len(s.Attrs) > 0 {
			w.spans++
		}
	}
	return w.Writer.Write(d)
}

// Notices are the wrapped writer's, then the count of spans whose values were left out.
func (w *attrsLeftOut) Notices() []string {
	var out []string
	if n, ok := w.Writer.(Noticer); ok {
		out = n.Notices()
	}
	if w.spans > 0 {
		out = append(out, fmt.Sprintf("%s attribute values that %s cannot hold; they were left out (jsonl, csv, labelstudio and prodigy keep them).",
			plural(w.spans, "1 span has", "%d spans have"), w.format))
	}
	return out
}

// withAttrNotice wraps w when format cannot carry attribute values.
func withAttrNotice(format string, w Writer, err error) (Writer, error) {
	if err != nil || !slices.Contains(noAttrFormats, format) {
		return w, err
	}
	return &attrsLeftOut{Writer: w, format: format}, nil
}

// attrTypes tells the type of each attribute of each label, from the label set a writer was given;
// a value of an attribute it does not know has the type its value suggests (a string a choice).
type attrTypes map[string]map[string]annotations.AttributeType

func newAttrTypes(labels []annotations.Label) attrTypes {
	t := attrTypes{}
	for _, l := range labels {
		for _, a := range l.Attributes {
			if t[l.Name] == nil {
				t[l.Name] = map[string]annotations.AttributeType{}
			}
			t[l.Name][a.Name] = a.Type
		}
	}
	return t
}

// of returns the type of the attribute name of label, whose value is v.
func (t attrTypes) of(label, name string, v any) annotations.AttributeType {
	if typ, ok := t[label][name]; ok {
		return typ
	}
	switch v.(type) {
	case float64:
		return annotations.AttrNumber
	case bool:
		return annotations.AttrFlag
	}
	return annotations.AttrChoice
}

// sortedAttrs returns the names of a's attributes in a stable order.
func sortedAttrs(a annotations.Attrs) []string {
	names := make([]string, 0, len(a))
	for k := range a {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Labels gives the labels of the wrapped token writer (conll, hf), as they were met.
func (w *attrsLeftOut) Labels() []string {
	if l, ok := w.Writer.(interface{ Labels() []string }); ok {
		return l.Labels()
	}
	return nil
}

// attributedLabels are the labels of set that define attributes.
func attributedLabels(set []annotations.Label) map[string]bool {
	out := map[string]bool{}
	for _, l := range set {
		if len(l.Attributes) > 0 {
			out[l.Name] = true
		}
	}
	return out
}

// outAttrs is a span's values as the JSON writers give them: nil (no key) when it has none and its
// label defines no attributes, else its values, an empty object when it has none, so that an import
// keeps them as they are instead of deriving them from the text.
func outAttrs(attributed map[string]bool, s annotations.Span) *annotations.Attrs {
	switch {
	case len(s.Attrs) > 0:
		return &s.Attrs
	case attributed[s.Label]:
		return &annotations.Attrs{}
	}
	return nil
}
