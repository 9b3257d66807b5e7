package formats

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
)

// bratAttrs writes the A lines of spans' flags and choices and gathers them for annotation.conf.
type bratAttrs struct {
	types   attrTypes
	labels  []annotations.Label // for the values of a choice
	order   []string            // attribute names, as written
	byName  map[string]*bratAttrConf
	leftOut int // spans with number or text values
}

type bratAttrConf struct {
	flag   bool
	types  []string // the brat types of the labels that have it
	values []string
}

func newBratAttrs(labels []annotations.Label) bratAttrs {
	return bratAttrs{types: newAttrTypes(labels), labels: labels, byName: map[string]*bratAttrConf{}}
}

// underscoreSpaces gives s for formats whose names and values cannot hold spaces (brat types,
// attributes and values; CoNLL tags): its white space runs replaced by _, "_" for none.
func underscoreSpaces(s string) string {
	t := strings.Join(strings.Fields(s), "_")
	if t == "" {
		return "_"
	}
	return t
}

// write adds the A lines of span s, written as T<t> of brat type typ, to ann; n is the last A number
// used in the file, and write returns the new one.
func (b *bratAttrs) write(ann *bytes.Buffer, n, t int, typ string, s annotations.Span) int {
	left := false
	for _, name := range sortedAttrs(s.Attrs) {
		v := s.Attrs[name]
		bn := underscoreSpaces(name)
		switch b.types.of(s.Label, name, v) {
		case annotations.AttrFlag:
			if v != true {
				continue // brat's binary attribute is false when absent
			}
			n++
			fmt.Fprintf(ann, "A%d\t%s T%d\n", n, bn, t)
			b.met(s.Label, bn, typ, "")
		case annotations.AttrChoice:
			n++
			value := underscoreSpaces(fmt.Sprint(v))
			fmt.Fprintf(ann, "A%d\t%s T%d %s\n", n, bn, t, value)
			b.met(s.Label, bn, typ, value)
		default:
			left = true
		}
	}
	if left {
		b.leftOut++
	}
	return n
}

// met records an attribute written for annotation.conf: a flag when value is "".
func (b *bratAttrs) met(label, name, typ, value string) {
	c := b.byName[name]
	if c == nil {
		c = &bratAttrConf{flag: value == ""}
		for _, l := range b.labels {
			if def, ok := l.Attribute(name); ok && l.Name == label && def.Type == annotations.AttrChoice {
				for _, v := range def.Values {
					c.values = append(c.values, underscoreSpaces(v))
				}
			}
		}
		b.byName[name] = c
		b.order = append(b.order, name)
	}
	if !slices.Contains(c.types, typ) {
		c.types = append(c.types, typ)
	}
	if value != "" && !slices.Contains(c.values, value) {
		c.values = append(c.values, value)
	}
}

// conf writes the [attributes] lines: "approximate Arg:figure", "unit Arg:figure, Value:a|b".
func (b *bratAttrs) conf(out *bytes.Buffer) {
	for _, name := range b.order {
		c := b.byName[name]
		if !bratConfSafe(name) {
			continue
		}
		out.WriteString(name + "\tArg:" + strings.Join(c.types, "|"))
		if !c.flag {
			out.WriteString(", Value:" + strings.Join(c.values, "|"))
		}
		out.WriteByte('\n')
	}
}
