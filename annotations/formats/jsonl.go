package formats

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// Tagdesk JSONL: one document per line,
//
//	{"id": "...", "name": "...", "text": "...", "meta": {...},
//	 "spans": [{"start": 0, "end": 5, "label": "actor", "text": "...", "annotator": "alice", "note": "...",
//	            "attributes": {"value": 1100, "unit": "casualties", "approximate": true},
//	            "score": 0.93}],
//	 "status": {"alice": "done"},
//	 "relations": [{"from": 0, "to": 1, "type": "attributed_to"}]}
//
// A relation's "from" and "to" are indexes in "spans", from 0. "score" is a model's confidence in a
// predicted span: any finite number (usually 0 to 1); only tagdesk suggest import uses it, an import of
// spans ignores it.
// Only "text" is required. Offsets are code points over "text". Unknown fields are refused, so a
// misspelt field or a file of another format is not half-read.

// NewJSONLReader returns a reader of Tagdesk JSONL from r; file names it in messages.
func NewJSONLReader(r io.Reader, file string) annotations.RecordReader {
	return &jsonLines{file: file, lines: newLineReader(r), parse: parseJSONL}
}

type jsonlLine struct {
	ID        json.RawMessage   `json:"id"`
	Name      *string           `json:"name"`
	Text      *string           `json:"text"`
	Meta      json.RawMessage   `json:"meta"`
	Spans     []json.RawMessage `json:"spans"`
	Status    map[string]string `json:"status"`
	Relations []json.RawMessage `json:"relations"`
}

type jsonlRelation struct {
	From *int    `json:"from"`
	To   *int    `json:"to"`
	Type *string `json:"type"`
}

type jsonlSpan struct {
	Start     json.RawMessage `json:"start"`
	End       json.RawMessage `json:"end"`
	Label     *string         `json:"label"`
	Text      *string         `json:"text"`
	Annotator string          `json:"annotator"`
	Note      string          `json:"note"`
	Score     *float64        `json:"score"`
	// Attributes are absent (the import derives them), or an object, maybe empty.
	Attributes annotations.Attrs `json:"attributes"`
}

func parseJSONL(line []byte, rec *annotations.Record) string {
	var l jsonlLine
	if err := decodeStrict(line, &l, true); err != nil {
		if f := unknownField(err); f != "" {
			hint := ""
			if f == "label" || f == "entities" {
				hint = " (this looks like a doccano file: use --format doccano)"
			}
			return fmt.Sprintf("unknown field %q%s", f, hint)
		}
		return jsonProblem(err)
	}
	if l.Text == nil {
		return `"text" is missing`
	}
	rec.Text, rec.Meta = *l.Text, l.Meta
	var reason string
	if rec.ID, reason = idString(l.ID); reason != "" {
		return reason
	}
	if l.Name != nil {
		rec.Name = *l.Name
	}
	if len(l.Status) > 0 {
		rec.Statuses = map[string]annotations.Status{}
		for a, s := range l.Status {
			rec.Statuses[a] = annotations.Status(s) // checked by the import
		}
	}
	for i, raw := range l.Spans {
		var s jsonlSpan
		if reason := decodeItem(raw, &s, "span", i); reason != "" {
			return reason
		}
		rs := annotations.RecordSpan{Text: s.Text, Annotator: s.Annotator, Note: s.Note, Score: s.Score, Attrs: s.Attributes}
		if rs.Start, reason = offset(s.Start, "start"); reason != "" {
			return fmt.Sprintf("span %d: %s", i+1, reason)
		}
		if rs.End, reason = offset(s.End, "end"); reason != "" {
			return fmt.Sprintf("span %d: %s", i+1, reason)
		}
		if s.Label == nil {
			return fmt.Sprintf("span %d: \"label\" is missing", i+1)
		}
		rs.Label = *s.Label
		rec.Spans = append(rec.Spans, rs)
	}
	for i, raw := range l.Relations {
		var r jsonlRelation
		if reason := decodeItem(raw, &r, "relation", i); reason != "" {
			return reason
		}
		if r.From == nil || r.To == nil || r.Type == nil {
			return fmt.Sprintf(`relation %d: "from", "to" and "type" are required`, i+1)
		}
		if reason := spanIndex(*r.From, len(rec.Spans)); reason != "" {
			return fmt.Sprintf(`relation %d: "from" %s`, i+1, reason)
		}
		if reason := spanIndex(*r.To, len(rec.Spans)); reason != "" {
			return fmt.Sprintf(`relation %d: "to" %s`, i+1, reason)
		}
		rec.Relations = append(rec.Relations, annotations.RecordRelation{From: *r.From, To: *r.To, Type: *r.Type})
	}
	return ""
}

// decodeItem decodes raw, item i (from 0) of a list of what, into v, refusing unknown fields, and
// returns what is wrong with it, or "".
func decodeItem(raw json.RawMessage, v any, what string, i int) string {
	err := decodeStrict(raw, v, true)
	if err == nil {
		return ""
	}
	if f := unknownField(err); f != "" {
		return fmt.Sprintf("%s %d: unknown field %q", what, i+1, f)
	}
	return fmt.Sprintf("%s %d: %s", what, i+1, jsonProblem(err))
}

// spanIndex says why i is not the index of one of n spans, or "".
func spanIndex(i, n int) string {
	if i < 0 || i >= n {
		return fmt.Sprintf("%d is not the index of a span (there are %d, from 0)", i, n)
	}
	return ""
}

// unknownField returns the field named by a DisallowUnknownFields error, or "".
func unknownField(err error) string {
	const prefix = `json: unknown field "`
	if s := err.Error(); strings.HasPrefix(s, prefix) {
		return strings.TrimSuffix(strings.TrimPrefix(s, prefix), `"`)
	}
	return ""
}

// jsonlWriter writes Tagdesk JSONL.
type jsonlWriter struct {
	jsonOut
	offsets    Offsets
	attributed map[string]bool // the labels that define attributes
}

// NewJSONLWriter returns a writer of Tagdesk JSONL to w: one document per line, spans sorted by start
// then end, offsets in code points. Importing its output into an empty project gives back the same
// documents and spans.
func NewJSONLWriter(w io.Writer) Writer { return newJSONLWriter(w, WriterOptions{}) }

// newJSONLWriter is NewJSONLWriter with offsets in opts.Offsets.
func newJSONLWriter(w io.Writer, opts WriterOptions) Writer {
	return &jsonlWriter{newJSONOut(w), opts.Offsets, attributedLabels(opts.LabelSet)}
}

type jsonlOutLine struct {
	ID        string             `json:"id,omitempty"`
	Name      string             `json:"name"`
	Text      string             `json:"text"`
	Meta      json.RawMessage    `json:"meta"`
	Spans     []jsonlOutSpan     `json:"spans"`
	Status    map[string]string  `json:"status,omitempty"`
	Relations []jsonlOutRelation `json:"relations,omitempty"`
}

type jsonlOutRelation struct {
	From int    `json:"from"`
	To   int    `json:"to"`
	Type string `json:"type"`
}

type jsonlOutSpan struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Label     string `json:"label"`
	Text      string `json:"text"`
	Annotator string `json:"annotator"`
	Note      string `json:"note,omitempty"`
	// Attributes are omitted when the span has none and its label defines none (see outAttrs).
	Attributes *annotations.Attrs `json:"attributes,omitempty"`
}

func (jw *jsonlWriter) Write(d *annotations.ExportDocument) error {
	x, o := text.NewIndex(d.Text), newOutOffsets(d.Text, jw.offsets)
	out := jsonlOutLine{ID: d.SourceID, Name: d.Name, Text: d.Text, Meta: d.Meta, Spans: make([]jsonlOutSpan, len(d.Spans))}
	if len(out.Meta) == 0 {
		out.Meta = json.RawMessage("{}")
	}
	for i, s := range d.Spans {
		out.Spans[i] = jsonlOutSpan{o.at(s.Start), o.at(s.End), s.Label, x.Slice(s.Start, s.End), s.Annotator, s.Note, outAttrs(jw.attributed, s)}
	}
	if len(d.Statuses) > 0 {
		out.Status = map[string]string{}
		for a, s := range d.Statuses {
			out.Status[a] = string(s)
		}
	}
	eachRelation(d.Spans, d.Relations, func(from, to int, typ string) {
		out.Relations = append(out.Relations, jsonlOutRelation{from, to, typ})
	})
	return jw.enc.Encode(out)
}

// jsonOut is the buffered JSON Lines output the JSON writers share. The encoder leaves <, > and & as
// they are: the output is data, not HTML.
type jsonOut struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func newJSONOut(w io.Writer) jsonOut {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return jsonOut{bw, enc}
}

// Close flushes what is buffered.
func (o jsonOut) Close() error { return o.w.Flush() }
