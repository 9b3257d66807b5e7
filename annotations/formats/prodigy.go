package formats

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// Prodigy ner_manual JSONL, one example (document and annotator) per line:
//
//	{"text": "Albert Einstein was a physicist.",
//	 "tokens": [{"text": "Albert", "start": 0, "end": 6, "id": 0, "ws": true}, ...],
//	 "spans": [{"start": 0, "end": 15, "token_start": 0, "token_end": 1, "label": "PERSON",
//	            "attributes": {"role": "scientist"}}],
//	 "answer": "accept", "_view_id": "ner_manual", "_annotator_id": "alice", "_session_id": "alice",
//	 "document_id": "...", "name": "...", "meta": {...}}
//
// Relations, as Prodigy's rel recipes write them, link two of the spans:
//
//	"relations": [{"head": 1, "child": 0, "head_span": {...}, "child_span": {...}, "label": "attributed_to"}]
//
// "head" and "child" are the last tokens of "head_span" and "child_span", which repeat the spans;
// the relation goes from the head to the child. The reader finds the spans by head_span and
// child_span.
//
// token_end is inclusive; "ws" tells that white space follows the token. Offsets are code points.
// Tokens are Unicode word segments, split at span edges so that every span covers whole tokens (see
// cutWords). A document an annotator marked done is answered "accept"; one still in progress has no
// answer, as a task not yet annotated. Prodigy adds its own hashes (_input_hash, _task_hash) when the
// file is loaded with db-in; Tagdesk neither writes nor keeps them.
//
// The reader takes "accept"ed examples and examples without an answer; "reject"ed and "ignore"d ones
// bring their document but not their spans, and are reported. A span may give its character offsets,
// its tokens, or both (then they must agree).

func init() {
	streamReaders[Prodigy] = NewProdigyReader
	streamWriters[Prodigy] = func(w io.Writer, o WriterOptions) (Writer, error) { return newProdigyWriter(w, o), nil }
}

// NewProdigyReader returns a reader of Prodigy JSONL from r; file names it in messages.
func NewProdigyReader(r io.Reader, file string) annotations.RecordReader {
	return &jsonLines{file: file, lines: newLineReader(r), parse: parseProdigy}
}

var prodigyKeys = map[string]bool{"tokens": true, "spans": true, "answer": true, "relations": true}

// prodigyInternal tells Prodigy's own keys (_input_hash, _view_id, ...), which are not metadata.
func prodigyInternal(key string) bool { return strings.HasPrefix(key, "_") }

type prodigyToken struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	ID    int    `json:"id"`
	WS    bool   `json:"ws"`
}

type prodigySpan struct {
	Start      json.RawMessage `json:"start"`
	End        json.RawMessage `json:"end"`
	TokenStart json.RawMessage `json:"token_start"`
	TokenEnd   json.RawMessage `json:"token_end"`
	Label      *string         `json:"label"`
	// Attributes are Tagdesk's attribute values, a key Prodigy keeps as it keeps any other.
	Attributes annotations.Attrs `json:"attributes"`
}

var (
	prodigyRejected = annotations.Notice{
		One:  `1 Prodigy example answered "reject" or "ignore" was imported without its spans`,
		Many: `%d Prodigy examples answered "reject" or "ignore" were imported without their spans`,
	}
)

func parseProdigy(line []byte, rec *annotations.Record) string {
	fields, annotator, reason := parseTask(line, rec, prodigyKeys, prodigyInternal)
	if reason != "" {
		return reason
	}
	if annotator == "" {
		for _, key := range []string{"_annotator_id", "_session_id"} {
			if raw, ok := fields[key]; ok {
				json.Unmarshal(raw, &annotator) // not a string: no name
				if annotator != "" {
					break
				}
			}
		}
	}
	var answer string
	if raw, ok := fields["answer"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &answer); err != nil {
			return `"answer" should be "accept", "reject" or "ignore"`
		}
	}
	switch answer {
	case "", "accept":
	case "reject", "ignore":
		if raw, ok := fields["spans"]; ok && string(raw) != "[]" && string(raw) != "null" {
			rec.Notify(prodigyRejected, 1)
		}
		return ""
	default:
		return fmt.Sprintf(`"answer" is %q, not "accept", "reject" or "ignore"`, answer)
	}
	var tokens []prodigyToken
	if raw, ok := fields["tokens"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &tokens); err != nil {
			return "tokens: " + jsonProblem(err)
		}
	}
	if raw, ok := fields["spans"]; ok && string(raw) != "null" {
		var items []prodigySpan
		if err := json.Unmarshal(raw, &items); err != nil {
			return `"spans" should be a list of {"start", "end", "label"} objects`
		}
		for i, ps := range items {
			s, reason := prodigySpanOf(ps, tokens)
			if reason != "" {
				return fmt.Sprintf("span %d: %s", i+1, reason)
			}
			s.Annotator = annotator
			rec.Spans = append(rec.Spans, s)
		}
	}
	if raw, ok := fields["relations"]; ok && string(raw) != "null" {
		if rec.Relations, reason = prodigyRelations(raw, tokens, rec.Spans); reason != "" {
			return reason
		}
	}
	if answer == "accept" {
		rec.Statuses = map[string]annotations.Status{annotator: annotations.StatusDone}
	}
	return ""
}

// prodigyRelations reads the "relations" of an example whose spans are spans.
func prodigyRelations(raw json.RawMessage, tokens []prodigyToken, spans []annotations.RecordSpan) ([]annotations.RecordRelation, string) {
	var items []struct {
		HeadSpan  *prodigySpan `json:"head_span"`
		ChildSpan *prodigySpan `json:"child_span"`
		Label     *string      `json:"label"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, `"relations" should be a list of {"head_span", "child_span", "label"} objects`
	}
	out := make([]annotations.RecordRelation, 0, len(items))
	for i, it := range items {
		if it.HeadSpan == nil || it.ChildSpan == nil || it.Label == nil {
			return nil, fmt.Sprintf(`relation %d: "head_span", "child_span" and "label" are required`, i+1)
		}
		r := annotations.RecordRelation{Type: *it.Label}
		for _, end := range []struct {
			key string
			ps  *prodigySpan
			dst *int
		}{{"head_span", it.HeadSpan, &r.From}, {"child_span", it.ChildSpan, &r.To}} {
			s, reason := prodigySpanOf(*end.ps, tokens)
			if reason != "" {
				return nil, fmt.Sprintf("relation %d: %s: %s", i+1, end.key, reason)
			}
			at := slices.IndexFunc(spans, func(o annotations.RecordSpan) bool {
				return o.Start == s.Start && o.End == s.End && o.Label == s.Label
			})
			if at < 0 {
				return nil, fmt.Sprintf("relation %d: its %s %d–%d %q is not one of the example's spans", i+1, end.key, s.Start, s.End, s.Label)
			}
			*end.dst = at
		}
		out = append(out, r)
	}
	return out, ""
}

// prodigySpanOf reads a span from its character offsets, or from its tokens when it has none; with
// both, they must agree.
func prodigySpanOf(ps prodigySpan, tokens []prodigyToken) (annotations.RecordSpan, string) {
	var s annotations.RecordSpan
	if ps.Label == nil {
		return s, `"label" is missing`
	}
	s.Label, s.Attrs = *ps.Label, ps.Attributes
	hasChars := len(ps.Start) > 0 || len(ps.End) > 0
	hasTokens := len(ps.TokenStart) > 0 || len(ps.TokenEnd) > 0
	var reason string
	if hasChars || !hasTokens {
		if s.Start, reason = offset(ps.Start, "start"); reason != "" {
			return s, reason
		}
		if s.End, reason = offset(ps.End, "end"); reason != "" {
			return s, reason
		}
	}
	if !hasTokens {
		return s, ""
	}
	first, reason := offset(ps.TokenStart, "token_start")
	if reason != "" {
		return s, reason
	}
	last, reason := offset(ps.TokenEnd, "token_end")
	if reason != "" {
		return s, reason
	}
	switch {
	case len(tokens) == 0:
		if !hasChars {
			return s, `the span gives only token_start and token_end, and the example has no "tokens"`
		}
		return s, "" // nothing to check the tokens against
	case first < 0 || first >= len(tokens) || last < 0 || last >= len(tokens):
		return s, fmt.Sprintf("token_start %d or token_end %d is not one of the %d tokens", first, last, len(tokens))
	case last < first:
		return s, fmt.Sprintf("token_end %d is before token_start %d (token_end is inclusive)", last, first)
	}
	start, end := tokens[first].Start, tokens[last].End
	if !hasChars {
		s.Start, s.End = start, end
		return s, ""
	}
	if start != s.Start || end != s.End {
		return s, fmt.Sprintf("its tokens %d–%d cover %d–%d, not its start and end %d–%d", first, last, start, end, s.Start, s.End)
	}
	return s, ""
}

// prodigyWriter writes Prodigy ner_manual JSONL.
type prodigyWriter struct {
	jsonOut
	offsets    Offsets
	attributed map[string]bool // the labels that define attributes
	blank      int             // spans left out: they cover white space only
}

// Notices tells of the spans left out.
func (pw *prodigyWriter) Notices() []string {
	if pw.blank == 0 {
		return nil
	}
	return []string{plural(pw.blank, "1 span covers", "%d spans cover") + " only white space and so no token: left out."}
}

func newProdigyWriter(w io.Writer, opts WriterOptions) *prodigyWriter {
	return &prodigyWriter{jsonOut: newJSONOut(w), offsets: opts.Offsets, attributed: attributedLabels(opts.LabelSet)}
}

type prodigyOutLine struct {
	Text      string               `json:"text"`
	Tokens    []prodigyToken       `json:"tokens"`
	Spans     []prodigyOutSpan     `json:"spans"`
	Relations []prodigyOutRelation `json:"relations,omitempty"`
	Answer    string               `json:"answer,omitempty"`
	ViewID    string               `json:"_view_id"`
	Annotator string               `json:"_annotator_id,omitempty"`
	Session   string               `json:"_session_id,omitempty"`
	taskOut
}

type prodigyOutRelation struct {
	Head      int            `json:"head"`
	Child     int            `json:"child"`
	HeadSpan  prodigyOutSpan `json:"head_span"`
	ChildSpan prodigyOutSpan `json:"child_span"`
	Label     string         `json:"label"`
}

type prodigyOutSpan struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	TokenStart int    `json:"token_start"`
	TokenEnd   int    `json:"token_end"`
	Label      string `json:"label"`
	// Attributes are omitted when the span has none and its label defines none (see outAttrs).
	Attributes *annotations.Attrs `json:"attributes,omitempty"`
}

func (pw *prodigyWriter) Write(d *annotations.ExportDocument) error {
	line := prodigyOutLine{Text: d.Text, ViewID: "ner_manual", taskOut: newTaskOut(d)}
	o := newOutOffsets(d.Text, pw.offsets)
	words, runes := text.Words(d.Text), []rune(d.Text) // once per document, for every annotator
	return eachAnnotator(d, func(annotator string, spans []annotations.Span) error {
		line.Annotator, line.Session = annotator, annotator
		line.Answer = ""
		if d.Statuses[annotator] == annotations.StatusDone {
			line.Answer = "accept"
		}
		toks := cutWords(words, spans)
		line.Tokens = make([]prodigyToken, len(toks))
		for i, t := range toks {
			ws := t.End < len(runes) && unicode.IsSpace(runes[t.End])
			line.Tokens[i] = prodigyToken{Text: string(runes[t.Start:t.End]), Start: o.at(t.Start), End: o.at(t.End), ID: i, WS: ws}
		}
		line.Spans = line.Spans[:0]
		written := map[int64]prodigyOutSpan{}
		for _, s := range spans {
			ts, te := tokenRun(toks, s) // the tokens are cut at the spans' edges
			if ts > te {
				pw.blank++ // only white space: no token to point at
				continue
			}
			line.Spans = append(line.Spans, prodigyOutSpan{o.at(s.Start), o.at(s.End), ts, te, s.Label, outAttrs(pw.attributed, s)})
			written[s.ID] = line.Spans[len(line.Spans)-1]
		}
		line.Relations = line.Relations[:0]
		for _, r := range d.Relations {
			head, ok1 := written[r.From]
			child, ok2 := written[r.To]
			if r.Annotator == annotator && ok1 && ok2 {
				line.Relations = append(line.Relations, prodigyOutRelation{head.TokenEnd, child.TokenEnd, head, child, r.Type})
			}
		}
		if line.Spans == nil {
			line.Spans = []prodigyOutSpan{}
		}
		return pw.enc.Encode(line)
	})
}
