package formats

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// carried says what of a project a format keeps through an export and an import.
type carried struct {
	notes    bool // span notes
	statuses bool // each annotator's status
	names    bool // document names, ids and metadata
	exact    bool // the source id as such (not only the key exports write) and the first line
	// relations between spans
	relations bool
	// attrs keeps the attribute values it reports true for; nil: the format keeps none.
	attrs func(v any) bool
}

// The attribute values formats keep: all of them, or a brat attribute's (true flags and choices).
var (
	allAttrs = func(any) bool { return true }
	bratKept = func(v any) bool { _, choice := v.(string); return v == true || choice }
)

// roundTrips lists every format that Tagdesk both writes and reads, with what it carries, the file
// name its export gets (the import detects the format from it) and the offset units it takes.
var roundTrips = map[string]struct {
	file    string
	keeps   carried
	offsets []Offsets
	opts    WriterOptions // besides the offsets
}{
	JSONL:                 {"export.jsonl", carried{notes: true, statuses: true, names: true, relations: true, attrs: allAttrs}, []Offsets{CodePoints, UTF16}, WriterOptions{}},
	Doccano:               {"export.jsonl", carried{names: true}, []Offsets{CodePoints, UTF16}, WriterOptions{}},
	Doccano + "/entities": {"export.jsonl", carried{names: true, relations: true}, []Offsets{CodePoints, UTF16}, WriterOptions{DoccanoForm: DoccanoEntities}},
	SpaCy:                 {"export.jsonl", carried{names: true}, []Offsets{CodePoints, UTF16}, WriterOptions{}},
	Prodigy:               {"export.jsonl", carried{statuses: true, names: true, relations: true, attrs: allAttrs}, []Offsets{CodePoints, UTF16}, WriterOptions{}},
	LabelStudio:           {"export.json", carried{notes: true, statuses: true, names: true, relations: true, attrs: allAttrs}, []Offsets{CodePoints, UTF16}, WriterOptions{}},
}

// TestRoundTrip exports the corpus (decomposed accents, CRLF-born text, a byte-order mark, an emoji
// flag, Cyrillic, nested and overlapping spans of two annotators, an empty document) in each format,
// imports the file into an empty project, detecting its format, and compares the two projects: the
// same texts and every annotator's spans, and the notes, statuses, names, ids and metadata where the
// format carries them.
func TestRoundTrip(t *testing.T) {
	p := corpusProject(t)
	for name, rt := range roundTrips {
		format, _, _ := strings.Cut(name, "/")
		for _, unit := range rt.offsets {
			t.Run(name+"/"+string(unit), func(t *testing.T) {
				opts := rt.opts
				opts.Offsets = unit
				q := throughFile(t, p, format, rt.file, opts, ReadOptions{Offsets: unit})
				if a, b := describeKept(t, p, rt.keeps), describeKept(t, q, rt.keeps); a != b {
					t.Errorf("the projects differ:\n--- original\n%s\n--- round trip\n%s", a, b)
				}
			})
		}
	}
}

// throughFile exports p in format with opts to a file named file (the import detects the format
// from it, unless read says it) and imports that into a new project, which it returns.
func throughFile(t *testing.T, p *annotations.Project, format, file string, opts WriterOptions, read ReadOptions) *annotations.Project {
	t.Helper()
	out := export(t, p, format, annotations.ExportQuery{}, opts)
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	q := openProject(t)
	r := OpenWith([]string{path}, read, nil)
	defer r.Close()
	if _, err := q.Import(context.Background(), r, annotations.ImportOptions{}); err != nil {
		t.Fatalf("import of the export: %v", err)
	}
	return q
}

// describeKept renders a project's documents and spans with what a format keeps.
func describeKept(t *testing.T, p *annotations.Project, keeps carried) string {
	t.Helper()
	var b strings.Builder
	err := p.Export(context.Background(), annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
		fields := []string{d.Hash, strconv.Quote(d.Text), strconv.Itoa(d.Length)}
		if keeps.names {
			fields = append(fields, d.Name, d.Key(), string(d.Meta))
		}
		if keeps.exact {
			fields = append(fields, d.SourceID, d.FirstLine)
		}
		b.WriteString(strings.Join(fields, " | ") + "\n")
		for _, s := range d.Spans {
			line := []string{"  ", s.Annotator, s.Label, strconv.Itoa(s.Start), strconv.Itoa(s.End)}
			if keeps.notes {
				line = append(line, strconv.Quote(s.Note))
			}
			if keeps.attrs != nil {
				line = append(line, describeAttrs(s.Attrs, keeps.attrs))
			}
			b.WriteString(strings.Join(line, " ") + "\n")
		}
		if keeps.relations {
			b.WriteString(describeRelations(d))
		}
		if keeps.statuses {
			for _, a := range d.Annotators {
				b.WriteString("  status " + a + " " + string(d.Statuses[a]) + "\n")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// describeAttrs renders the values of a that keep reports true for, in name order.
func describeAttrs(a annotations.Attrs, keep func(any) bool) string {
	var out []string
	for _, name := range sortedAttrs(a) {
		if keep(a[name]) {
			out = append(out, fmt.Sprintf("%s=%v", name, a[name]))
		}
	}
	return "{" + strings.Join(out, " ") + "}"
}
