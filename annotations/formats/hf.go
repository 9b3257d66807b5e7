package formats

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
)

// Hugging Face token classification JSONL (hf), one sentence per line:
//
//	{"id":"0","document_id":"fr-001","annotator":"alice","tokens":["Selon","l’état","-","major",","],"ner_tags":[0,1,2,2,0]}
//
// This is the shape of Hugging Face's conll2003 dataset ("id", a running number as a string,
// "tokens", "ner_tags") with the document's id and the annotator added; "annotator" is left out for
// a document nobody annotated. Tokens, sentences and the rules for labels and nested spans are those
// of the token formats (see conll.go). ner_tags are numbers into TagNames: O, then B- and I- of each
// label in the order of WriterOptions.Labels, as in conll2003 (O, B-PER, I-PER, B-ORG, ...). With
// NestedColumns, ner_tags gives way to one field per label, "<label>_tags" in label order, whose
// numbers count over LabelTagNames(label): O, B-label, I-label.
//
// The numbers mean nothing without the names of the tags: WriteHFTags writes them, as a JSON object
// from each tag field to its names, which makes the fields ClassLabel sequences:
//
//	ds = load_dataset("json", data_files="export.jsonl", split="train")
//	for field, names in json.load(open("export.tags.json")).items():
//	    ds = ds.cast_column(field, Sequence(ClassLabel(names=names)))

// hfWriter writes Hugging Face token classification JSONL.
type hfWriter struct {
	*tagger
	jsonOut
	line    bytes.Buffer  // the line being written
	lineEnc *json.Encoder // to line, without escaping <, > and &
	next    int           // the id of the next line
}

var _ Noticer = (*hfWriter)(nil)

// NewHFWriter returns a writer of Hugging Face token classification JSONL to w, as the comment at the
// top of hf.go describes. opts.Labels and opts.Nested apply; offsets do not, so opts.Offsets must be
// CodePoints or "". Without opts.Labels, the tags are numbered as their labels are met: pass the
// writer's Labels() to WriteHFTags once the export is done.
func NewHFWriter(w io.Writer, opts WriterOptions) (Writer, error) {
	t, err := newTagger(HF, opts)
	if err != nil {
		return nil, err
	}
	hw := &hfWriter{tagger: t, jsonOut: newJSONOut(w)}
	hw.lineEnc = json.NewEncoder(&hw.line)
	hw.lineEnc.SetEscapeHTML(false)
	return hw, nil
}

func init() {
	streamWriters[HF] = func(w io.Writer, o WriterOptions) (Writer, error) { return NewHFWriter(w, o) }
}

func (hw *hfWriter) Write(d *annotations.ExportDocument) error {
	return hw.each(d, func(b *block) error {
		for i := range b.sentences {
			from, to := b.sentence(i)
			hw.line.Reset()
			hw.field("{", "id", strconv.Itoa(hw.next))
			hw.field(",", "document_id", d.Key())
			if b.annotator != "" {
				hw.field(",", "annotator", b.annotator)
			}
			hw.field(",", "tokens", b.words[from:to])
			for c := range b.tags {
				name := "ner_tags"
				if hw.nested == NestedColumns {
					name = hfTagsField(hw.labels[c])
				}
				hw.field(",", name, b.tags[c][from:to])
			}
			hw.line.WriteString("}\n")
			if _, err := hw.w.Write(hw.line.Bytes()); err != nil {
				return err
			}
			hw.next++
		}
		return nil
	})
}

// field adds sep, then "key":value, to the line.
func (hw *hfWriter) field(sep, key string, value any) {
	hw.line.WriteString(sep)
	hw.lineEnc.Encode(key) // strings, and slices of strings or ints, always encode
	hw.line.Truncate(hw.line.Len() - 1)
	hw.line.WriteByte(':')
	hw.lineEnc.Encode(value)
	hw.line.Truncate(hw.line.Len() - 1) // the encoder's newline
}

// Notices are the tagger's, then what the numbers of the tag fields stand for.
func (hw *hfWriter) Notices() []string {
	out := hw.tagger.notices()
	if hw.nested != NestedColumns {
		return append(out, "ner_tags count from 0 over the tags "+strings.Join(tagNames(hw.labels), ", ")+".")
	}
	fields := make([]string, len(hw.labels))
	for i, l := range hw.labels {
		fields[i] = hfTagsField(l)
	}
	return append(out, "Each <label>_tags field counts from 0 over O, B-<label>, I-<label>: "+strings.Join(fields, ", ")+".")
}

// hfTagsField names the tag field of label with NestedColumns.
func hfTagsField(label string) string { return label + "_tags" }

// WriteHFTags writes the names of the tags of an hf export with opts to w, a JSON object from each tag
// field to the names its numbers count over: {"ner_tags": ["O", "B-actor", "I-actor", ...]}, or with
// NestedColumns {"actor_tags": ["O", "B-actor", "I-actor"], ...}. opts.Labels must be the labels the
// export wrote: the writer's Labels() when none were given to it.
func WriteHFTags(w io.Writer, opts WriterOptions) error {
	tags := map[string][]string{}
	if opts.Nested == NestedColumns {
		for _, l := range opts.Labels {
			tags[hfTagsField(l)] = LabelTagNames(l)
		}
	} else {
		tags["ner_tags"] = TagNames(opts)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(tags)
}
