package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

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
//
// A relation's "from_id" and "to_id" are ids of the line's entities. Tagdesk writes the "label" form,
// or the "entities" form, which carries relations, when asked (WriterOptions.DoccanoForm).

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
	first := len(rec.Spans) // the span of the first entity
	if raw, ok := fields["entities"]; ok {
		spans, reason := charSpans(raw, spanKeys{list: "entities", item: "entity", start: "start_offset", end: "end_offset"}, annotator)
		if reason != "" {
			return reason
		}
		rec.Spans = append(rec.Spans, spans...)
	}
	if raw, ok := fields["relations"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		if rec.Relations, reason = doccanoRelations(raw, fields["entities"], first); reason != "" {
			return reason
		}
	}
	return ""
}

// doccanoRelations reads "relations": [{"from_id": ..., "to_id": ..., "type": ...}], whose ids are
// those of the entities, which are the record's spans from first on.
func doccanoRelations(raw, entities json.RawMessage, first int) ([]annotations.RecordRelation, string) {
	var items []struct {
		FromID json.RawMessage `json:"from_id"`
		ToID   json.RawMessage `json:"to_id"`
		Type   *string         `json:"type"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, `"relations" should be a list of {"from_id", "to_id", "type"} objects`
	}
	entityAt := map[string]int{} // entity id to span index
	if len(items) > 0 {
		var ids []struct {
			ID json.RawMessage `json:"id"`
		}
		json.Unmarshal(entities, &ids) // charSpans read them: a list of objects, or none
		for i, e := range ids {
			if id, why := idString(e.ID); why == "" && id != "" {
				entityAt[id] = first + i
			}
		}
	}
	out := make([]annotations.RecordRelation, 0, len(items))
	for i, it := range items {
		if it.Type == nil {
			return nil, fmt.Sprintf(`relation %d: "type" is missing`, i+1)
		}
		r := annotations.RecordRelation{Type: *it.Type}
		for _, end := range []struct {
			key string
			raw json.RawMessage
			dst *int
		}{{"from_id", it.FromID, &r.From}, {"to_id", it.ToID, &r.To}} {
			id, why := idString(end.raw)
			at, ok := entityAt[id]
			if why != "" || !ok {
				return nil, fmt.Sprintf("relation %d: %q %s is not the id of an entity of the line", i+1, end.key, bytes.TrimSpace(end.raw))
			}
			*end.dst = at
		}
		out = append(out, r)
	}
	return out, ""
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

// The forms of doccano JSONL, as WriterOptions.DoccanoForm takes them.
const (
	DoccanoLabel    = "label"    // "label": [[start, end, "LABEL"]]; no relations
	DoccanoEntities = "entities" // "entities" with ids, and "relations"
)

// DoccanoForms lists the values of WriterOptions.DoccanoForm.
var DoccanoForms = []string{DoccanoLabel, DoccanoEntities}

// doccanoWriter writes doccano sequence-labelling JSONL.
type doccanoWriter struct {
	jsonOut
	offsets  Offsets
	entities bool
	leftOut  int // relations the label form could not carry
}

// NewDoccanoWriter returns a writer of doccano JSONL to w: one line per document and annotator, with
// the document id, name and annotator as extra keys that doccano keeps as metadata. A document nobody
// annotated is one line without an annotator.
func NewDoccanoWriter(w io.Writer) Writer {
	dw, _ := newDoccanoWriter(w, WriterOptions{})
	return dw
}

// newDoccanoWriter is NewDoccanoWriter with offsets in opts.Offsets.
func newDoccanoWriter(w io.Writer, opts WriterOptions) (Writer, error) {
	if opts.DoccanoForm != "" && !slices.Contains(DoccanoForms, opts.DoccanoForm) {
		return nil, fmt.Errorf("unknown doccano form %q (use %s)", opts.DoccanoForm, strings.Join(DoccanoForms, " or "))
	}
	return &doccanoWriter{jsonOut: newJSONOut(w), offsets: opts.Offsets, entities: opts.DoccanoForm == DoccanoEntities}, nil
}

type doccanoOutLine struct {
	Text  string   `json:"text"`
	Label [][3]any `json:"label"`
	taskOut
}

type doccanoEntitiesLine struct {
	Text      string               `json:"text"`
	Entities  []doccanoOutEntity   `json:"entities"`
	Relations []doccanoOutRelation `json:"relations"`
	taskOut
}

type doccanoOutEntity struct {
	ID          int64  `json:"id"`
	Label       string `json:"label"`
	StartOffset int    `json:"start_offset"`
	EndOffset   int    `json:"end_offset"`
}

type doccanoOutRelation struct {
	ID     int64  `json:"id"`
	FromID int64  `json:"from_id"`
	ToID   int64  `json:"to_id"`
	Type   string `json:"type"`
}

func (dw *doccanoWriter) Write(d *annotations.ExportDocument) error {
	o := newOutOffsets(d.Text, dw.offsets)
	if dw.entities {
		return dw.writeEntities(d, o)
	}
	dw.leftOut += len(d.Relations)
	line := doccanoOutLine{Text: d.Text, taskOut: newTaskOut(d)}
	return eachAnnotator(d, func(annotator string, spans []annotations.Span) error {
		line.Annotator = annotator
		line.Label = make([][3]any, len(spans))
		for i, s := range spans {
			line.Label[i] = [3]any{o.at(s.Start), o.at(s.End), s.Label}
		}
		return dw.enc.Encode(line)
	})
}

// writeEntities writes the lines of d in the entities form: the ids are the spans' and the relations'
// own, unique in the project.
func (dw *doccanoWriter) writeEntities(d *annotations.ExportDocument, o outOffsets) error {
	line := doccanoEntitiesLine{Text: d.Text, taskOut: newTaskOut(d)}
	return eachAnnotator(d, func(annotator string, spans []annotations.Span) error {
		line.Annotator = annotator
		line.Entities = make([]doccanoOutEntity, len(spans))
		for i, s := range spans {
			line.Entities[i] = doccanoOutEntity{s.ID, s.Label, o.at(s.Start), o.at(s.End)}
		}
		line.Relations = []doccanoOutRelation{}
		for _, r := range d.Relations {
			if r.Annotator == annotator {
				line.Relations = append(line.Relations, doccanoOutRelation{r.ID, r.From, r.To, r.Type})
			}
		}
		return dw.enc.Encode(line)
	})
}

// Notices counts the relations the label form left out.
func (dw *doccanoWriter) Notices() []string {
	if dw.leftOut == 0 {
		return nil
	}
	return []string{plural(dw.leftOut, "1 relation", "%d relations") + " left out: use --doccano-form entities."}
}
