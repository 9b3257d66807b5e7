package formats

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// TestBratAttributes reads A and M lines of spans as flags and choices.
func TestBratAttributes(t *testing.T) {
	const txt = "🇺🇦 environ 1.100 pertes, selon Kyiv."
	dir := writeFiles(t, map[string]string{"c/a.txt": txt, "c/a.ann": "" +
		"T1\tfigure 11 23\t1.100 pertes\n" +
		"A1\tapproximate T1\n" +
		"M2\tunit T1 troops\n" +
		"T2\tactor 31 35\tKyiv\n" +
		"A3\tside T2 Ukraine\n"})
	p := openProject(t)
	rep := importFiles(t, p, "", annotations.ImportOptions{Annotator: "carol"}, filepath.Join(dir, "c"))
	if got := strings.Join(rep.AttributesAdded, ", "); got != "actor.side (choice)" {
		t.Errorf("attributes added %q", got)
	}
	spans, err := p.Spans(context.Background(), 1, "carol")
	if err != nil || len(spans) != 2 {
		t.Fatalf("spans %v, %v", spans, err)
	}
	// Given values are kept as given: the value of the figure, which brat cannot hold, is not derived.
	if want := (annotations.Attrs{"approximate": true, "unit": "troops"}); !annotations.EqualAttrs(spans[0].Attrs, want) {
		t.Errorf("figure %v, want %v", spans[0].Attrs, want)
	}
	if want := (annotations.Attrs{"side": "Ukraine"}); !annotations.EqualAttrs(spans[1].Attrs, want) {
		t.Errorf("actor %v, want %v", spans[1].Attrs, want)
	}

	bad := writeFiles(t, map[string]string{"c/a.txt": txt, "c/a.ann": "" +
		"T1\tfigure 11 23\t1.100 pertes\n" +
		"A1\tapproximate\n" +
		"A2\tunit T9 troops\n" +
		"A3\tunit T1 troops casualties\n" +
		"A4\tunit T1 tanks\n"})
	got := problems(t, openProject(t), bad, "", annotations.ImportOptions{Annotator: "carol"}, "c")
	want := []string{
		"c/a.ann:2: A1: expected an attribute name, the id it is about and maybe a value (Negated T1), found \"approximate\"",
		"c/a.ann:3: A2: the attribute is about T9, which this file does not have",
		"c/a.ann:4: A3: expected an attribute name, the id it is about and maybe a value (Negated T1), found \"unit T1 troops casualties\"",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
