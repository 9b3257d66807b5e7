package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tagdesk/tagdesk/annotations"
)

// doccano sequence labelling JSONL, one document per line, in either of its two forms:
//
//	{"text": "...", "label": [[0, 2, "ORG"], [11, 17, "MISC"]]}
//	{"text": "...", "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}],
//	 "relations": [{"id": 0, "from_id": 0, "to_id": 1, "type": "foundedAt"}]}
//
// Offsets are code points. doccano keeps other keys as metadata, and so does Tagdesk, except for the
// ones Tagdesk's own doccano export writes: "document_id" (or doccano's "id"), "name", "annotator"
// and "meta".

// NewDoccanoReader returns a reader of doccano sequence-labelling JSONL from r; file names it in
// messages.
func NewDoccanoReader(r io.Reader, file string) annotations.RecordReader {
	return &jsonLines{file: file, lines: newLineReader(r), parse: parseDoccano}
}

// doccanoKeys are the keys of doccano's own that Tagdesk reads.
var doccanoKeys = map[string]bool{"label": true, "entities": true, "relations": true}

func parseDoccano(line []byte, rec *annotations.Record) string {
	fields, annotator, reason := parseTask(line, rec, doccanoKeys, nil)
	if reason != "" {
		return reason
	}
	if raw, ok := fields["label"]; ok {
		if rec.Spans, reason = doccanoLabels(raw, annotator); reason != "" {
			return reason
		}
	}
	if raw, ok := fields["entities"]; ok {
		spans, reason := charSpans(raw, spanKeys{list: "entities", item: "entity", start: "start_offset", end: "end_offset"}, annotator)
		if reason != "" {
			return reason
		}
		rec.Spans = append(rec.Spans, spans...)
	}
	if raw, ok := fields["relations"]; ok {
		var rels []json.RawMessage
		if err := json.Unmarshal(raw, &rels); err != nil {
			return `"relations" should be a list`
		}
		rec.Relations = len(rels)
	}
	return ""
}

// doccanoLabels reads the classic "label": [[start, end, "LABEL"], ...] form.
func doccanoLabels(raw json.RawMessage, annotator string) ([]annotations.RecordSpan, string) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, `"label" should be a list of [start, end, "label"] triples`
	}
	var spans []annotations.RecordSpan
	for i, item := range items {
		var triple []json.RawMessage
		if err := json.Unmarshal(item, &triple); err != nil || len(triple) != 3 {
			if len(bytes.TrimSpace(item)) > 0 && bytes.TrimSpace(item)[0] == '"' {
				return nil, `"label" holds plain labels, not [start, end, "label"] triples: this is a text-classification file, not sequence labelling`
			}
			return nil, fmt.Sprintf("label %d should be [start, end, \"label\"]", i+1)
		}
		s := annotations.RecordSpan{Annotator: annotator}
		var reason string
		if s.Start, reason = offset(triple[0], "start"); reason != "" {
			return nil, fmt.Sprintf("label %d: %s", i+1, reason)
		}
		if s.End, reason = offset(triple[1], "end"); reason != "" {
			return nil, fmt.Sprintf("label %d: %s", i+1, reason)
		}
		if err := json.Unmarshal(triple[2], &s.Label); err != nil {
			return nil, fmt.Sprintf("label %d: the label should be a string", i+1)
		}
		spans = append(spans, s)
	}
	return spans, ""
}

// doccanoWriter writes doccano sequence-labelling JSONL.
type doccanoWriter struct {
	jsonOut
	offsets Offsets
}

// NewDoccanoWriter returns a writer of doccano JSONL to w: one line per document and annotator, with
// the document id, name and annotator as extra keys that doccano keeps as metadata. A document nobody
// annotated is one line without an annotator.
func NewDoccanoWriter(w io.Writer) Writer { return newDoccanoWriter(w, WriterOptions{}) }

// newDoccanoWriter is NewDoccanoWriter with offsets in opts.Offsets.
func newDoccanoWriter(w io.Writer, opts WriterOptions) Writer {
	return &doccanoWriter{newJSONOut(w), opts.Offsets}
}

type doccanoOutLine struct {
	Text  string   `json:"text"`
	Label [][3]any `json:"label"`
	taskOut
}

func (dw *doccanoWriter) Write(d *annotations.ExportDocument) error {
	line := doccanoOutLine{Text: d.Text, taskOut: newTaskOut(d)}
	o := newOutOffsets(d.Text, dw.offsets)
	return eachAnnotator(d, func(annotator string, spans []annotations.Span) error {
		line.Annotator = annotator
		line.Label = make([][3]any, len(spans))
		for i, s := range spans {
			line.Label[i] = [3]any{o.at(s.Start), o.at(s.End), s.Label}
		}
		return dw.enc.Encode(line)
	})
}
