package formats

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// spaCy character spans, JSON Lines, one document and annotator per line:
//
//	{"text": "...", "ents": [{"start": 4, "end": 10, "label": "ORG"}],
//	 "spans": [{"start": 4, "end": 10, "label": "ORG"}, ...], "title": "...",
//	 "document_id": "...", "name": "...", "annotator": "alice", "meta": {...}}
//
// "ents" is what displaCy's manual mode renders and what becomes a spaCy Doc's ents
// (doc.char_span(start, end, label=label)); a Doc's ents cannot overlap, so "ents" holds the outermost
// of overlapping spans (the earliest, then the longest). "spans" holds every span, nested ones
// included, for a span group (doc.spans["sc"]). Offsets are code points, as Python counts them.
//
// The reader takes "spans" when a line has it (every span), else "ents".

func init() {
	streamReaders[SpaCy] = NewSpaCyReader
	streamWriters[SpaCy] = func(w io.Writer, o WriterOptions) (Writer, error) { return newSpaCyWriter(w, o), nil }
}

// NewSpaCyReader returns a reader of spaCy character-span JSONL from r; file names it in messages.
func NewSpaCyReader(r io.Reader, file string) annotations.RecordReader {
	return &jsonLines{file: file, lines: newLineReader(r), parse: parseSpaCy}
}

// spacyKeys are the keys of the spaCy lines Tagdesk reads itself; "title" is displaCy's heading.
var spacyKeys = map[string]bool{"ents": true, "spans": true, "title": true}

func parseSpaCy(line []byte, rec *annotations.Record) string {
	fields, annotator, reason := parseTask(line, rec, spacyKeys, nil)
	if reason != "" {
		return reason
	}
	if raw, ok := fields["title"]; ok && rec.Name == "" {
		json.Unmarshal(raw, &rec.Name) // a title that is not a string is no name
	}
	key := "spans"
	if _, ok := fields[key]; !ok {
		key = "ents"
	}
	raw, ok := fields[key]
	if !ok {
		return ""
	}
	rec.Spans, reason = charSpans(raw, spanKeys{list: key, item: key, start: "start", end: "end"}, annotator)
	return reason
}

// spanKeys name the parts of a list of span objects: the list's key, a word for one item in
// messages, and the keys of the offsets.
type spanKeys struct{ list, item, start, end string }

// charSpans reads a list of {"start", "end", "label"} objects (under the keys k names), the spans of
// spaCy and Prodigy lines and of doccano's "entities".
func charSpans(raw json.RawMessage, k spanKeys, annotator string) ([]annotations.RecordSpan, string) {
	if string(raw) == "null" {
		return nil, ""
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Sprintf("%q should be a list of {%q, %q, \"label\"} objects", k.list, k.start, k.end)
	}
	spans := make([]annotations.RecordSpan, 0, len(items))
	for i, item := range items {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(item, &fields); err != nil {
			return nil, fmt.Sprintf("%s %d: %s", k.item, i+1, jsonProblem(err))
		}
		s := annotations.RecordSpan{Annotator: annotator}
		var reason string
		if s.Start, reason = offset(fields[k.start], k.start); reason != "" {
			return nil, fmt.Sprintf("%s %d: %s", k.item, i+1, reason)
		}
		if s.End, reason = offset(fields[k.end], k.end); reason != "" {
			return nil, fmt.Sprintf("%s %d: %s", k.item, i+1, reason)
		}
		label, ok := fields["label"]
		if !ok || string(label) == "null" {
			return nil, fmt.Sprintf("%s %d: \"label\" is missing", k.item, i+1)
		}
		if err := json.Unmarshal(label, &s.Label); err != nil {
			return nil, fmt.Sprintf("%s %d: \"label\" should be a string", k.item, i+1)
		}
		spans = append(spans, s)
	}
	return spans, ""
}

// spacyWriter writes spaCy character-span JSONL.
type spacyWriter struct {
	jsonOut
	offsets              Offsets
	overlapping, offWord int // spans left out of "ents"; spans not on word boundaries
	relations            relationsLeftOut
}

func newSpaCyWriter(w io.Writer, opts WriterOptions) *spacyWriter {
	return &spacyWriter{jsonOut: newJSONOut(w), offsets: opts.Offsets, relations: relationsLeftOut{format: "spaCy"}}
}

type spacyOutLine struct {
	Text  string        `json:"text"`
	Ents  []charSpanOut `json:"ents"`
	Spans []charSpanOut `json:"spans"`
	Title string        `json:"title"`
	taskOut
}

type charSpanOut struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Label string `json:"label"`
}

func (sw *spacyWriter) Write(d *annotations.ExportDocument) error {
	sw.relations.add(d)
	line := spacyOutLine{Text: d.Text, Title: d.Name, taskOut: newTaskOut(d)}
	o := newOutOffsets(d.Text, sw.offsets)
	var bounds map[int]bool // word boundaries, computed when a document has spans
	return eachAnnotator(d, func(annotator string, spans []annotations.Span) error {
		line.Annotator = annotator
		line.Spans = make([]charSpanOut, len(spans))
		for i, s := range spans {
			line.Spans[i] = charSpanOut{o.at(s.Start), o.at(s.End), s.Label}
		}
		if len(spans) > 0 && bounds == nil {
			bounds = wordBounds(d.Text)
		}
		for _, s := range spans {
			if !bounds[s.Start] || !bounds[s.End] {
				sw.offWord++
			}
		}
		kept := outermost(spans)
		sw.overlapping += len(spans) - len(kept)
		line.Ents = make([]charSpanOut, len(kept))
		for i, s := range kept {
			line.Ents[i] = charSpanOut{o.at(s.Start), o.at(s.End), s.Label}
		}
		return sw.enc.Encode(line)
	})
}

// Notices says how many spans were left out of "ents", and how many spaCy may not align.
func (sw *spacyWriter) Notices() []string {
	var out []string
	if sw.overlapping > 0 {
		out = append(out, plural(sw.overlapping, "1 span", "%d spans")+` nested in or overlapping another `+
			plural(sw.overlapping, "is", "are")+` only in "spans", not in "ents": the entities of a spaCy Doc cannot overlap.`)
	}
	if sw.offWord > 0 {
		out = append(out, plural(sw.offWord, "1 span does", "%d spans do")+
			` not start or end on a word boundary (Unicode's word rules); spaCy's Doc.char_span returns None for a span off its tokens unless alignment_mode is "expand" or "contract".`)
	}
	return append(out, sw.relations.notice()...)
}

// wordBounds returns the offsets where a word token (text.Words) starts or ends.
func wordBounds(s string) map[int]bool {
	words := text.Words(s)
	b := make(map[int]bool, 2*len(words))
	for _, w := range words {
		b[w.Start], b[w.End] = true, true
	}
	return b
}

// outermost returns the spans that do not overlap an earlier kept one, taking them by start and then
// by length, longest first: of nested spans, the outermost.
func outermost(spans []annotations.Span) []annotations.Span {
	sorted := slices.Clone(spans)
	slices.SortStableFunc(sorted, func(a, b annotations.Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	kept := sorted[:0]
	end := -1
	for _, s := range sorted {
		if s.Start >= end {
			kept = append(kept, s)
			end = s.End
		}
	}
	return kept
}
