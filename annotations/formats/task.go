package formats

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/tagdesk/tagdesk/annotations"
)

// The JSON Lines formats of the peer tools (doccano, spaCy, Prodigy) hold one document per line as a
// JSON object with "text" and the tool's own keys. Tagdesk's exports add "document_id", "name" and
// "annotator" at the top level and put the document's metadata under "meta"; every other key a tool
// wrote is kept in the document's metadata, as doccano does.

// taskKeys are the keys every such line may have that Tagdesk reads itself.
var taskKeys = map[string]bool{"text": true, "id": true, "document_id": true, "name": true, "annotator": true, "meta": true}

// parseTask decodes a line into its fields and reads the shared ones into rec: the text, the id
// ("document_id", else "id"), the name and the metadata. own are the keys the format reads itself;
// keys for which skip is true are left out of the metadata. It returns the fields, the line's
// annotator ("" when it names none) and a reason when the line cannot be read.
func parseTask(line []byte, rec *annotations.Record, own map[string]bool, skip func(string) bool) (map[string]json.RawMessage, string, string) {
	var fields map[string]json.RawMessage
	if err := decodeStrict(line, &fields, false); err != nil {
		return nil, "", jsonProblem(err)
	}
	if fields == nil {
		return nil, "", "expected a JSON object"
	}
	rawText, ok := fields["text"]
	if !ok || string(bytes.TrimSpace(rawText)) == "null" {
		return nil, "", `"text" is missing`
	}
	if err := json.Unmarshal(rawText, &rec.Text); err != nil {
		return nil, "", `"text" should be a string`
	}
	var annotator string
	for key, dst := range map[string]*string{"name": &rec.Name, "annotator": &annotator} {
		if raw, ok := fields[key]; ok && string(bytes.TrimSpace(raw)) != "null" {
			if err := json.Unmarshal(raw, dst); err != nil {
				return nil, "", fmt.Sprintf("%q should be a string", key)
			}
		}
	}
	idKey := "id"
	if _, ok := fields["document_id"]; ok {
		idKey = "document_id"
	}
	var reason string
	if rec.ID, reason = idString(fields[idKey]); reason != "" {
		return nil, "", reason
	}
	if rec.Meta, reason = taskMeta(fields, idKey, own, skip); reason != "" {
		return nil, "", reason
	}
	return fields, annotator, ""
}

// taskMeta builds the document's metadata from the "meta" object and every key neither the shared
// reading nor the format reads (the line's own "id", when it also has a "document_id").
func taskMeta(fields map[string]json.RawMessage, idKey string, own map[string]bool, skip func(string) bool) (json.RawMessage, string) {
	return extraMeta(fields, func(k string) bool {
		return taskKeys[k] && !(k == "id" && idKey != "id") || own[k] || skip != nil && skip(k)
	})
}

// extraMeta builds metadata from the "meta" object of fields and every other key for which own is
// false; a key of "meta" wins over a key of the same name outside it.
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

// taskOut is what Tagdesk's exports in these formats add to each line: the document's id and name,
// the annotator, and the document's metadata.
type taskOut struct {
	DocumentID string          `json:"document_id"`
	Name       string          `json:"name"`
	Annotator  string          `json:"annotator,omitempty"`
	Meta       json.RawMessage `json:"meta,omitempty"`
}

func newTaskOut(d *annotations.ExportDocument) taskOut {
	t := taskOut{DocumentID: d.Key(), Name: d.Name}
	if len(d.Meta) > 0 && string(d.Meta) != "{}" {
		t.Meta = d.Meta
	}
	return t
}

// eachAnnotator calls fn with each annotator of d and their spans, or once with "" and no spans when
// nobody annotated d: the formats with one line per document and annotator.
func eachAnnotator(d *annotations.ExportDocument, fn func(annotator string, spans []annotations.Span) error) error {
	if len(d.Annotators) == 0 {
		return fn("", nil)
	}
	var spans []annotations.Span
	for _, a := range d.Annotators {
		spans = spans[:0]
		for _, s := range d.Spans {
			if s.Annotator == a {
				spans = append(spans, s)
			}
		}
		if err := fn(a, spans); err != nil {
			return err
		}
	}
	return nil
}

// eachRelation calls fn with each relation of rels whose spans are both in spans, by their indexes
// in spans.
func eachRelation(spans []annotations.Span, rels []annotations.Relation, fn func(from, to int, typ string)) {
	if len(rels) == 0 {
		return
	}
	index := make(map[int64]int, len(spans))
	for i, s := range spans {
		index[s.ID] = i
	}
	for _, r := range rels {
		from, ok1 := index[r.From]
		to, ok2 := index[r.To]
		if ok1 && ok2 {
			fn(from, to, r.Type)
		}
	}
}

// relationsLeftOut counts the relations a writer whose format cannot carry them left out.
type relationsLeftOut struct {
	format string // the format's name for the notice
	n      int
}

func (r *relationsLeftOut) add(d *annotations.ExportDocument) { r.n += len(d.Relations) }

// notice is the sentence that counts them, or nothing.
func (r *relationsLeftOut) notice() []string {
	if r.n == 0 {
		return nil
	}
	return []string{plural(r.n, "1 relation was", "%d relations were") + " left out: " + r.format + " cannot carry relations."}
}
