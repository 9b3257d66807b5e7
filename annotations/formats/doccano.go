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

type doccanoEntity struct {
	Start json.RawMessage `json:"start_offset"`
	End   json.RawMessage `json:"end_offset"`
	Label *string         `json:"label"`
}

// doccanoKeys are the keys Tagdesk reads; every other key of a line goes into the document's meta.
var doccanoKeys = map[string]bool{
	"text": true, "label": true, "entities": true, "relations": true,
	"id": true, "document_id": true, "name": true, "annotator": true, "meta": true,
}

func parseDoccano(line []byte, rec *annotations.Record) string {
	var fields map[string]json.RawMessage
	if err := decodeStrict(line, &fields, false); err != nil {
		return jsonProblem(err)
	}
	if fields == nil {
		return "expected a JSON object"
	}
	var reason string
	rawText, ok := fields["text"]
	if !ok {
		return `"text" is missing`
	}
	if string(bytes.TrimSpace(rawText)) == "null" {
		return `"text" is missing`
	}
	if err := json.Unmarshal(rawText, &rec.Text); err != nil {
		return `"text" should be a string`
	}
	var annotator string
	for key, dst := range map[string]*string{"name": &rec.Name, "annotator": &annotator} {
		if raw, ok := fields[key]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return fmt.Sprintf("%q should be a string", key)
			}
		}
	}
	idKey := "id"
	if _, ok := fields["document_id"]; ok {
		idKey = "document_id"
	}
	if rec.ID, reason = idString(fields[idKey]); reason != "" {
		return reason
	}
	// doccano's own id is metadata when the line also has a document_id
	rec.Meta, reason = extraMeta(fields, func(k string) bool { return doccanoKeys[k] && (k != "id" || idKey == "id") })
	if reason != "" {
		return reason
	}

	if raw, ok := fields["label"]; ok {
		if rec.Spans, reason = doccanoLabels(raw, annotator); reason != "" {
			return reason
		}
	}
	if raw, ok := fields["entities"]; ok {
		spans, reason := doccanoEntities(raw, annotator)
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

// doccanoEntities reads the "entities": [{"start_offset": ..., "end_offset": ..., "label": ...}] form.
func doccanoEntities(raw json.RawMessage, annotator string) ([]annotations.RecordSpan, string) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, `"entities" should be a list of objects`
	}
	var spans []annotations.RecordSpan
	for i, item := range items {
		var e doccanoEntity
		if err := json.Unmarshal(item, &e); err != nil {
			return nil, fmt.Sprintf("entity %d: %s", i+1, jsonProblem(err))
		}
		s := annotations.RecordSpan{Annotator: annotator}
		var reason string
		if s.Start, reason = offset(e.Start, "start_offset"); reason != "" {
			return nil, fmt.Sprintf("entity %d: %s", i+1, reason)
		}
		if s.End, reason = offset(e.End, "end_offset"); reason != "" {
			return nil, fmt.Sprintf("entity %d: %s", i+1, reason)
		}
		if e.Label == nil {
			return nil, fmt.Sprintf("entity %d: \"label\" is missing", i+1)
		}
		s.Label = *e.Label
		spans = append(spans, s)
	}
	return spans, ""
}

// extraMeta builds a document's metadata from the object under "meta" and every field that own
// does not claim ("meta" aside); the keys of the "meta" object win over fields of the same name.
func extraMeta(fields map[string]json.RawMessage, own func(key string) bool) (json.RawMessage, string) {
	meta := map[string]json.RawMessage{}
	if raw, ok := fields["meta"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, `"meta" should be an object`
		}
	}
	for k, v := range fields {
		if k != "meta" && !own(k) {
			if _, taken := meta[k]; !taken {
				meta[k] = v
			}
		}
	}
	if len(meta) == 0 {
		return nil, ""
	}
	b, err := json.Marshal(meta) // keys sorted
	if err != nil {
		return nil, "meta: " + err.Error()
	}
	return b, ""
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
	Text       string          `json:"text"`
	Label      [][3]any        `json:"label"`
	DocumentID string          `json:"document_id"`
	Name       string          `json:"name"`
	Annotator  string          `json:"annotator,omitempty"`
	Meta       json.RawMessage `json:"meta,omitempty"`
}

func (dw *doccanoWriter) Write(d *annotations.ExportDocument) error {
	line := doccanoOutLine{Text: d.Text, DocumentID: d.Key(), Name: d.Name}
	if len(d.Meta) > 0 && string(d.Meta) != "{}" {
		line.Meta = d.Meta
	}
	o := newOutOffsets(d.Text, dw.offsets)
	annotators := d.Annotators
	if len(annotators) == 0 {
		annotators = []string{""}
	}
	for _, a := range annotators {
		line.Annotator = a
		line.Label = line.Label[:0]
		for _, s := range d.Spans {
			if s.Annotator == a {
				line.Label = append(line.Label, [3]any{o.at(s.Start), o.at(s.End), s.Label})
			}
		}
		if line.Label == nil {
			line.Label = [][3]any{}
		}
		if err := dw.enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}
