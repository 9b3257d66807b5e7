// Package assets holds the files Tagdesk embeds: the icon, the default label set and the sample
// articles.
package assets

import (
	"embed"
	"io/fs"
	"path"
)

// Icon is the application icon, a 256×256 PNG.
//
//go:embed icon.png
var Icon []byte

// DefaultLabels is the label set of a new project, as a JSON array of objects with name, color
// ("#rrggbb"), hotkey (one character), guideline and attributes (as annotations.Attribute).
//
//go:embed labels.json
var DefaultLabels []byte

//go:embed samples/*.txt
var samples embed.FS

// Sample is one sample article: fictional war reporting to annotate on first start.
type Sample struct {
	Name string // the file name, as the txt importer names a document: "01 Offensive sur Valmont.txt"
	Text string // UTF-8, paragraphs separated by blank lines; the first line is the headline
}

// Samples returns the sample articles in the order of their names.
func Samples() []Sample {
	names, err := fs.Glob(samples, "samples/*.txt") // sorted
	if err != nil {
		panic(err) // the pattern is a constant
	}
	out := make([]Sample, len(names))
	for i, n := range names {
		b, err := samples.ReadFile(n)
		if err != nil {
			panic(err) // embedded at build time
		}
		out[i] = Sample{Name: path.Base(n), Text: string(b)}
	}
	return out
}

// DefaultRules are the suggestion rules of a new project, as a JSON array of objects with label, kind
// ("regex" or "words"), pattern (a regular expression) or words (a word list, one entry per element),
// case_sensitive and note.
//
//go:embed rules.json
var DefaultRules []byte
