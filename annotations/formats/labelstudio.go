package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// Label Studio's JSON export: one JSON list of tasks,
//
//	[{"id": 1, "data": {"text": "EU rejects German call"},
//	  "annotations": [{"id": 9, "completed_by": 1, "was_cancelled": false, "ground_truth": false,
//	    "result": [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
//	                "value": {"start": 0, "end": 2, "text": "EU", "labels": ["ORG"]}},
//	               {"id": "r1", "from_name": "note", "to_name": "text", "type": "textarea",
//	                "value": {"text": ["a note on the EU region"]}}]}],
//	  "predictions": [{"model_version": "v1", "score": 0.9, "result": [...]}]}]
//
// Offsets are code points. Results that share an id describe the same region: a "textarea" result
// with the id of a "labels" region is a per-region TextArea (perRegion="true"), which Tagdesk reads
// as the note of the region's spans. Label Studio's documentation, "How Label Studio saves results
// in annotations", describes both.
//
// A span's attribute values are per-region results too, each with the attribute's name as
// from_name: a number is {"type": "number", "value": {"number": 1100}}, a choice {"type": "choices",
// "value": {"choices": ["casualties"]}}, a true flag a "choices" result whose one choice is the
// attribute's name ({"choices": ["approximate"]}; a false flag is not written), and a text a
// "textarea" result marked "tagdesk_attribute": true, which tells it from a note (Label Studio keeps
// the key; a per-region TextArea without it is a note, as before).
//
// What Tagdesk writes beyond Label Studio's own keys, and why:
//   - "data" holds "text", "document_id" (the document's key), "name" and, when not empty, "meta":
//     Label Studio keeps every key of "data" and shows it in its Data Manager.
//   - each annotation says whose it is in "tagdesk_annotator" and how far they got in
//     "tagdesk_status" (new, in_progress or done; Label Studio has no such status: for it an
//     annotation is submitted work). Label Studio's import builds an annotation from a fixed set of
//     keys (result, completed_by, was_cancelled, ground_truth, lead_time, id) and drops the rest, so
//     these keys are harmless there and bring the names and statuses back into Tagdesk.
//   - no "completed_by": Label Studio's import takes an integer as the id of a user of its own
//     organisation and refuses the whole file when no such user exists (an object needs the email
//     of a member); an annotation without it goes to the user who imports. Numbers made up here
//     would either stop the import or hand the work to whoever has that id.
//   - "ground_truth" is always written, true for the gold layer only: Label Studio's import takes an
//     annotation without it as ground truth.
//
// Label Studio needs a labeling config whose tags match from_name and to_name; the writer's notice
// gives one naming the labels written.

func init() {
	streamReaders[LabelStudio] = NewLabelStudioReader
	streamWriters[LabelStudio] = func(w io.Writer, o WriterOptions) (Writer, error) {
		return newLabelStudioWriter(w, o), nil
	}
}

// The notices of the reader: what a Label Studio file holds that Tagdesk does not import.
var (
	lsCancelled = annotations.Notice{
		One:  "1 cancelled (skipped) Label Studio annotation was not imported",
		Many: "%d cancelled (skipped) Label Studio annotations were not imported",
	}
	lsPredicted = annotations.Notice{
		One:  "1 Label Studio prediction result (pre-annotation) was not imported as a span: import it as a suggestion with tagdesk suggest import --format labelstudio",
		Many: "%d Label Studio prediction results (pre-annotations) were not imported as spans: import them as suggestions with tagdesk suggest import --format labelstudio",
	}
	lsDrafts = annotations.Notice{
		One:  "1 Label Studio draft (unsubmitted annotation) was not imported",
		Many: "%d Label Studio drafts (unsubmitted annotations) were not imported",
	}
	lsUnlabelled = annotations.Notice{
		One:  "1 Label Studio region without a label was not imported",
		Many: "%d Label Studio regions without a label were not imported",
	}
	lsLostRelations = annotations.Notice{
		One:  "1 Label Studio relation without a label, or between regions Tagdesk did not keep, was not imported",
		Many: "%d Label Studio relations without a label, or between regions Tagdesk did not keep, were not imported",
	}
	lsSpaced = annotations.Notice{
		One:  "1 Label Studio region's saved text differs from the document only in white space (Label Studio collapses runs of spaces in it); its offsets were kept",
		Many: "%d Label Studio regions' saved texts differ from the document only in white space (Label Studio collapses runs of spaces in them); their offsets were kept",
	}
)

// lsOtherResult is the notice for results of a type Tagdesk does not keep (choices, rating, ...).
func lsOtherResult(typ string) annotations.Notice {
	q := strings.ReplaceAll(fmt.Sprintf("%q", typ), "%", "%%")
	return annotations.Notice{
		One:  fmt.Sprintf("1 Label Studio %s result was not imported: Tagdesk keeps only text spans", q),
		Many: "%d Label Studio " + q + " results were not imported: Tagdesk keeps only text spans",
	}
}

// NewLabelStudioReader returns a reader of a Label Studio JSON export from r; file names it in
// messages. It also reads a single task object and tasks one after another (JSON Lines), and takes
// an object without "data" as the data of a task, as Label Studio's import does. Each problem
// names the line where its task starts.
//
// One record per task holds the spans of every annotation: one span per label of each "labels"
// region, in the order of the file. The annotator is "tagdesk_annotator" if given, else the email
// of an older export's completed_by object, else "labelstudio-user-ID"; without completed_by the
// spans go to the import's default annotator. An annotation marks its annotator's document done,
// unless it carries a "tagdesk_status". Cancelled annotations, predictions, drafts and results
// other than text regions, their notes and the relations between them are counted in the import's
// notices. A relation takes its first label as its type; one without a label is counted too.
//
// Tasks are read one at a time: memory holds one task, not the file.
func NewLabelStudioReader(r io.Reader, file string) annotations.RecordReader {
	return &labelStudioReader{file: file, r: bufio.NewReaderSize(r, 1<<16), line: 1}
}

// NewLabelStudioPredictionsReader returns a reader of a Label Studio JSON export from r that reads the
// predictions (pre-annotations) instead of the annotations, for importing them as suggestions: each
// record's spans are its task's predicted regions, with the result's "score", else the prediction's.
// Annotations are left out.
func NewLabelStudioPredictionsReader(r io.Reader, file string) annotations.RecordReader {
	return &labelStudioReader{file: file, r: bufio.NewReaderSize(r, 1<<16), line: 1, predictions: true}
}

// labelStudioReader splits the file into tasks itself, rather than with a json.Decoder, to know the
// line each task starts on also when the JSON is broken or cut short.
type labelStudioReader struct {
	file   string
	r      *bufio.Reader
	line   int // of the next byte, from 1
	state  lsState
	listed bool // the tasks are in a list, not one after another
	endNL  bool // the file ends with a line break: the line counted after it is not one
	tasks  int  // tasks met
	buf    []byte

	predictions bool // read the predictions as the spans, not the annotations
}

type lsState int

const (
	lsStart  lsState = iota // nothing read yet
	lsFirst                 // after "[": a task or "]"
	lsItem                  // a task comes next
	lsAfter                 // after a task in the list: "," or "]"
	lsStream                // after a task outside a list: another task or the end
	lsEnd                   // after "]": white space only
	lsDone
)

// errTaskTooLong reports a task larger than MaxLine.
var errTaskTooLong = errors.New("task too long")

func (lr *labelStudioReader) Next() (*annotations.Record, error) {
	for {
		if lr.state == lsDone {
			return nil, io.EOF
		}
		if lr.state == lsStart {
			if err := lr.start(); err != nil {
				return nil, err
			}
		}
		c, err := lr.skipSpace()
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("read %s: %w", lr.file, err)
		}
		eof := err == io.EOF
		switch lr.state {
		case lsStart:
			switch {
			case eof:
				lr.state = lsDone
			case c == '[':
				lr.r.ReadByte()
				lr.state, lr.listed = lsFirst, true
			case c == '{':
				lr.state = lsItem
			default:
				return nil, lr.fail(lr.line, "expected a JSON list of Label Studio tasks [...] or a task {...}")
			}
		case lsFirst, lsAfter:
			switch {
			case eof:
				return nil, lr.fail(lr.lastLine(), "the JSON ends too early: the list of tasks is not closed with ] (truncated file?)")
			case c == ']':
				lr.r.ReadByte()
				lr.state = lsEnd
			case lr.state == lsFirst:
				lr.state = lsItem
			case c == ',':
				lr.r.ReadByte()
				if c, err := lr.skipSpace(); err == nil && c == ']' {
					return nil, lr.fail(lr.line, "invalid JSON: a comma before ]")
				}
				lr.state = lsItem
			default:
				return nil, lr.fail(lr.line, fmt.Sprintf("invalid JSON: expected , or ] after task %d, found %q", lr.tasks, c))
			}
		case lsEnd:
			if !eof {
				return nil, lr.fail(lr.line, "there is more after the list of tasks")
			}
			lr.state = lsDone
		case lsStream:
			lr.state = lsItem
			if eof {
				lr.state = lsDone
			}
		case lsItem:
			if eof {
				return nil, lr.fail(lr.lastLine(), "the JSON ends too early (truncated file?)")
			}
			return lr.task()
		}
	}
}

// start skips a UTF-8 byte-order mark and refuses a UTF-16 file.
func (lr *labelStudioReader) start() error {
	lr.r.Peek(1) // what the first read brings: a stream may not have more yet
	head, _ := lr.r.Peek(min(1000, lr.r.Buffered()))
	if p := utf16Problem(head); p != "" {
		return lr.fail(0, p)
	}
	if bom, _ := lr.r.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		lr.r.Discard(3)
	}
	return nil
}

// task reads and parses the task that starts at the next byte.
func (lr *labelStudioReader) task() (*annotations.Record, error) {
	lr.tasks++
	line := lr.line
	raw, err := lr.value()
	switch {
	case err == io.ErrUnexpectedEOF:
		return nil, lr.fail(line, fmt.Sprintf("task %d: the JSON ends too early (truncated file?)", lr.tasks))
	case err == errTaskTooLong:
		lr.next()
		return nil, &annotations.ImportError{File: lr.file, Line: line, Reason: fmt.Sprintf("task %d is larger than %d MiB", lr.tasks, MaxLine>>20)}
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", lr.file, err)
	}
	lr.next()
	rec := &annotations.Record{File: lr.file, Line: line}
	reason := parseLabelStudioTask(raw, lr.tasks, line, rec, lr.predictions)
	if reason == "" {
		if key, at := duplicateKey(raw); at > 0 {
			reason = fmt.Sprintf("task %d: %s", lr.tasks, duplicateKeyReason(key))
		}
	}
	if reason != "" {
		return nil, &annotations.ImportError{File: lr.file, Line: line, Reason: reason}
	}
	return rec, nil
}

// next sets the state after a task.
func (lr *labelStudioReader) next() {
	lr.state = lsStream
	if lr.listed {
		lr.state = lsAfter
	}
}

// lastLine is the number of the last line, once the end of the file is reached.
func (lr *labelStudioReader) lastLine() int {
	if lr.endNL {
		return lr.line - 1
	}
	return lr.line
}

// fail reports a problem after which the rest of the file cannot be read.
func (lr *labelStudioReader) fail(line int, reason string) error {
	lr.state = lsDone
	return &annotations.ImportError{File: lr.file, Line: line, Reason: reason}
}

// skipSpace skips white space and returns the next byte, left unread.
func (lr *labelStudioReader) skipSpace() (byte, error) {
	for last := byte(0); ; {
		c, err := lr.r.ReadByte()
		if err != nil {
			if last != 0 { // this call read white space up to the end
				lr.endNL = last == '\n'
			}
			return 0, err
		}
		last = c
		switch c {
		case '\n':
			lr.line++
		case ' ', '\t', '\r':
		default:
			lr.r.UnreadByte()
			return c, nil
		}
	}
}

// value reads one JSON value: an object or list up to its closing bracket, a string up to its
// closing quote, anything else up to the next white space, comma or bracket. It checks no more of
// the syntax than that; json.Unmarshal does the rest. Past MaxLine it keeps reading to the end of
// the value but returns errTaskTooLong.
func (lr *labelStudioReader) value() ([]byte, error) {
	lr.buf = lr.buf[:0]
	tooLong := false
	keep := func(c byte) {
		if c == '\n' {
			lr.line++
		}
		switch {
		case tooLong: // drop the rest
		case len(lr.buf) < MaxLine:
			lr.buf = append(lr.buf, c)
		default:
			tooLong, lr.buf = true, lr.buf[:0]
		}
	}
	end := func() ([]byte, error) {
		if tooLong {
			return nil, errTaskTooLong
		}
		return lr.buf, nil
	}
	first, _ := lr.r.ReadByte()
	keep(first)
	if first != '{' && first != '[' && first != '"' {
		for {
			c, err := lr.r.ReadByte()
			if err == io.EOF {
				return end()
			}
			if err != nil {
				return nil, err
			}
			if strings.IndexByte(" \t\r\n,]}", c) >= 0 {
				lr.r.UnreadByte()
				return end()
			}
			keep(c)
		}
	}
	depth, inString, escaped := 1, first == '"', false
	if inString {
		depth = 0
	}
	for {
		c, err := lr.r.ReadByte()
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		keep(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
			if depth == 0 {
				return end()
			}
		case inString:
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				return end()
			}
		}
	}
}

// lsTask is one task being read: where it is, for messages, and its text.
type lsTask struct {
	where string // "task 3 (id 12)"
	line  int    // where the task starts
	text  string
	index *text.Index
}

// parseLabelStudioTask reads task n, raw, which starts on line; it returns why it cannot. With
// predictions, the spans are the predictions' and annotations are not read.
func parseLabelStudioTask(raw []byte, n, line int, rec *annotations.Record, predictions bool) string {
	t := &lsTask{where: fmt.Sprintf("task %d", n), line: line}
	if !utf8.Valid(raw) {
		i := invalidUTF8(raw)
		return fmt.Sprintf("%s: invalid UTF-8 on line %d (byte 0x%02X); save the file as UTF-8", t.where, t.lineAt(raw, i), raw[i])
	}
	if raw[0] != '{' {
		if !json.Valid(raw) {
			return t.where + ": " + t.syntaxProblem(raw, json.Unmarshal(raw, new(any)))
		}
		return fmt.Sprintf("%s: expected a JSON object (a Label Studio task), found %s", t.where, jsonValueKind(raw))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return t.where + ": " + t.syntaxProblem(raw, err)
	}
	var data map[string]json.RawMessage
	taskID := ""
	rawData, hasData := fields["data"]
	if hasData {
		if id, why := idString(fields["id"]); why == "" && id != "" {
			taskID = id
			t.where += " (id " + id + ")"
		}
		if json.Unmarshal(rawData, &data) != nil || data == nil {
			return t.where + `: "data" should be an object`
		}
	} else if reason := lsNotData(fields); reason != "" {
		return t.where + ": " + reason
	} else {
		data = fields // Label Studio takes an object without "data" as the data
	}
	if reason := t.readData(data, taskID, rec); reason != "" {
		return t.where + ": " + reason
	}
	if !hasData {
		return "" // the object was the data: no annotations
	}

	key := "annotations"
	if _, ok := fields[key]; !ok {
		key = "completions" // Label Studio before 1.0
	}
	list, reason := lsList(fields[key], key)
	if reason != "" {
		return t.where + ": " + reason
	}
	if predictions {
		list = nil // the spans are the predictions'
	}
	for i, a := range list {
		if reason := t.annotation(a, rec); reason != "" {
			return lsAt(fmt.Sprintf("%s, annotation %d", t.where, i+1), reason)
		}
	}
	if list, reason = lsList(fields["predictions"], "predictions"); reason != "" {
		return t.where + ": " + reason
	}
	for i, p := range list {
		var pred struct {
			Result json.RawMessage `json:"result"`
			Score  *float64        `json:"score"`
		}
		if err := json.Unmarshal(p, &pred); err != nil {
			return fmt.Sprintf("%s, prediction %d: %s", t.where, i+1, jsonProblem(err))
		}
		res, reason := t.results(pred.Result)
		if reason != "" {
			return lsAt(fmt.Sprintf("%s, prediction %d", t.where, i+1), reason)
		}
		if !predictions {
			rec.Notify(lsPredicted, res.items)
			continue
		}
		for i := range res.spans {
			if res.spans[i].Score == nil {
				res.spans[i].Score = pred.Score
			}
		}
		res.addTo(rec, "")
	}
	if drafts, reason := lsList(fields["drafts"], "drafts"); reason == "" {
		rec.Notify(lsDrafts, len(drafts))
	}
	return ""
}

// lsAt puts where before reason: "task 1, annotation 2" and "result 3: ..." make "task 1,
// annotation 2, result 3: ...".
func lsAt(where, reason string) string {
	if strings.HasPrefix(reason, "result ") {
		return where + ", " + reason
	}
	return where + ": " + reason
}

// lsNotData returns why an object without "data" cannot be the data of a task (as Label Studio
// takes it), or "": it has a task's other keys, or looks like the annotations of another format.
func lsNotData(fields map[string]json.RawMessage) string {
	for _, k := range []string{"annotations", "completions", "predictions"} {
		if _, ok := fields[k]; ok {
			return fmt.Sprintf(`it has %q but no "data"`, k)
		}
	}
	for _, k := range []string{"spans", "label", "entities", "ents", "tokens"} {
		if raw := bytes.TrimSpace(fields[k]); len(raw) > 0 && raw[0] == '[' {
			return fmt.Sprintf(`there is no "data" and %q holds a list: this looks like another format than Label Studio's (give --format)`, k)
		}
	}
	return ""
}

// readData reads the text, id, name and metadata of the task's data.
func (t *lsTask) readData(data map[string]json.RawMessage, taskID string, rec *annotations.Record) string {
	key, reason := lsTextKey(data)
	if reason != "" {
		return reason
	}
	json.Unmarshal(data[key], &rec.Text)
	t.text = rec.Text
	own := map[string]bool{key: true}
	if raw, ok := data["document_id"]; ok {
		if id, why := idString(raw); why == "" {
			rec.ID, own["document_id"] = id, true
		}
	}
	if rec.ID == "" {
		rec.ID = taskID
	}
	if raw, ok := data["name"]; ok && json.Unmarshal(raw, &rec.Name) == nil {
		own["name"] = true
	}
	rec.Meta, reason = extraMeta(data, func(k string) bool { return own[k] })
	if reason != "" {
		return "data: " + reason
	}
	return ""
}

// lsTextKey returns the key of the document's text in a task's data: "text", else the only key that
// holds a string (besides Tagdesk's document_id and name).
func lsTextKey(data map[string]json.RawMessage) (string, string) {
	if raw, ok := data["text"]; ok {
		if !isJSONString(raw) {
			return "", `data "text" should be a string`
		}
		return "text", ""
	}
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if k != "document_id" && k != "name" && isJSONString(data[k]) {
			keys = append(keys, k)
		}
	}
	switch len(keys) {
	case 0:
		return "", `data has no "text"`
	case 1:
		return keys[0], ""
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	return "", fmt.Sprintf(`data has no "text" but several strings (%s): Tagdesk cannot tell which one is the document`, strings.Join(quoted, ", "))
}

// lsAnnotation is an annotation as Tagdesk reads it.
type lsAnnotation struct {
	CompletedBy  json.RawMessage `json:"completed_by"`
	Result       json.RawMessage `json:"result"`
	WasCancelled *bool           `json:"was_cancelled"`
	Skipped      *bool           `json:"skipped"` // Label Studio before 1.0
	Annotator    *string         `json:"tagdesk_annotator"`
	Status       *string         `json:"tagdesk_status"`
}

// annotation adds the spans, notes and status of one annotation to rec.
func (t *lsTask) annotation(raw json.RawMessage, rec *annotations.Record) string {
	var a lsAnnotation
	if err := json.Unmarshal(raw, &a); err != nil {
		return jsonProblem(err)
	}
	if a.WasCancelled != nil && *a.WasCancelled || a.Skipped != nil && *a.Skipped {
		rec.Notify(lsCancelled, 1)
		return ""
	}
	name, reason := lsAnnotator(a)
	if reason != "" {
		return reason
	}
	res, reason := t.results(a.Result)
	if reason != "" {
		return reason
	}
	res.addTo(rec, name)
	if name != "" {
		status := annotations.StatusDone
		if a.Status != nil {
			status = annotations.Status(*a.Status) // checked by the import
		}
		if rec.Statuses == nil {
			rec.Statuses = map[string]annotations.Status{}
		}
		rec.Statuses[name] = status
	}
	return ""
}

// addTo adds the spans (as annotator's) and relations of res to rec, and notes what it left out.
func (res lsResults) addTo(rec *annotations.Record, annotator string) {
	at := len(rec.Spans)
	for _, s := range res.spans {
		s.Annotator = annotator
		rec.Spans = append(rec.Spans, s)
	}
	for _, r := range res.relations {
		rec.Relations = append(rec.Relations, annotations.RecordRelation{From: at + r.From, To: at + r.To, Type: r.Type})
	}
	for _, typ := range slices.Sorted(maps.Keys(res.others)) {
		rec.Notify(lsOtherResult(typ), res.others[typ])
	}
	rec.Notify(lsUnlabelled, res.unlabelled)
	rec.Notify(lsLostRelations, res.lost)
	rec.Notify(lsSpaced, res.spaced)
}

// lsAnnotator returns the name of an annotation's annotator, "" when it does not say.
func lsAnnotator(a lsAnnotation) (string, string) {
	if a.Annotator != nil && *a.Annotator != "" {
		return *a.Annotator, ""
	}
	raw := bytes.TrimSpace(a.CompletedBy)
	if len(raw) > 0 && raw[0] == '{' { // older exports: the user
		var user struct {
			ID    json.RawMessage `json:"id"`
			Email string          `json:"email"`
		}
		if err := json.Unmarshal(raw, &user); err != nil {
			return "", "completed_by: " + jsonProblem(err)
		}
		if user.Email != "" {
			return user.Email, ""
		}
		raw = user.ID
	}
	id, why := idString(raw)
	switch {
	case why != "":
		return "", `"completed_by" should be a user id or an object with an "email"`
	case id == "":
		return "", ""
	}
	return "labelstudio-user-" + id, ""
}

// lsResults is what Tagdesk takes from the result list of an annotation or a prediction.
type lsResults struct {
	items      int
	spans      []annotations.RecordSpan     // one per label of each text region, with its notes and attributes
	relations  []annotations.RecordRelation // between indexes of spans
	others     map[string]int               // results Tagdesk does not keep, by type
	unlabelled int                          // text regions without a label
	lost       int                          // relations without a label or between regions not kept
	spaced     int                          // regions whose saved text differs from the document's only in white space
}

// lsRelation is a relation result: Label Studio's "direction" is "right" (from → to), "left" or
// "bi"; Tagdesk reads "bi" as "right".
type lsRelation struct {
	FromID    json.RawMessage `json:"from_id"`
	ToID      json.RawMessage `json:"to_id"`
	Direction string          `json:"direction"`
	Labels    []string        `json:"labels"`
}

// lsResult is one result item as Tagdesk reads it.
type lsResult struct {
	ID    json.RawMessage `json:"id"`
	Type  *string         `json:"type"`
	Value json.RawMessage `json:"value"`
	Score *float64        `json:"score"` // a prediction's confidence in this result
	// FromName and Attribute tell a per-region attribute value from a note.
	FromName  string `json:"from_name"`
	Attribute bool   `json:"tagdesk_attribute"`
	// NoAttributes marks a region whose span has no values though its label defines attributes:
	// the import keeps it so instead of deriving them.
	NoAttributes bool `json:"tagdesk_no_attributes"`
}

// results reads a result list. It serves annotations and predictions alike.
func (t *lsTask) results(raw json.RawMessage) (lsResults, string) {
	var res lsResults
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return res, `"result" is missing`
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return res, `"result" should be a list`
	}
	res.items = len(items)
	regions := map[string][]int{} // result id → its spans
	notes := map[string][]string{}
	var noted []string // ids with notes, in order
	var links []lsRelation
	var attrs lsAttrs
	other := func(typ string) {
		if res.others == nil {
			res.others = map[string]int{}
		}
		res.others[typ]++
	}
	for i, item := range items {
		var r lsResult
		if err := json.Unmarshal(item, &r); err != nil {
			return res, fmt.Sprintf("result %d: %s", i+1, jsonProblem(err))
		}
		if r.Type == nil {
			return res, fmt.Sprintf(`result %d: "type" is missing`, i+1)
		}
		id, _ := idString(r.ID)
		switch *r.Type {
		case "labels":
			spans, reason := t.region(r.Value, &res)
			if reason != "" {
				return res, fmt.Sprintf("result %d: %s", i+1, reason)
			}
			if spans == nil {
				other(*r.Type)
			}
			for _, s := range spans {
				s.Score = r.Score
				if r.NoAttributes {
					s.Attrs = annotations.Attrs{}
				}
				regions[id] = append(regions[id], len(res.spans))
				res.spans = append(res.spans, s)
			}
		case "number", "choices":
			if !attrs.add(id, r) {
				other(*r.Type)
			}
		case "textarea":
			if r.Attribute && attrs.add(id, r) {
				continue
			}
			texts, reason := lsTexts(r.Value)
			if reason != "" {
				return res, fmt.Sprintf("result %d: %s", i+1, reason)
			}
			if _, seen := notes[id]; !seen {
				noted = append(noted, id)
			}
			notes[id] = append(notes[id], texts...)
		case "relation":
			var l lsRelation
			if err := json.Unmarshal(item, &l); err != nil {
				return res, fmt.Sprintf("result %d: %s", i+1, jsonProblem(err))
			}
			links = append(links, l)
		default:
			other(*r.Type)
		}
	}
	for _, l := range links {
		from, _ := idString(l.FromID)
		to, _ := idString(l.ToID)
		if l.Direction == "left" {
			from, to = to, from
		}
		if len(l.Labels) == 0 || len(regions[from]) == 0 || len(regions[to]) == 0 {
			res.lost++
			continue
		}
		for _, f := range regions[from] {
			for _, t := range regions[to] {
				res.relations = append(res.relations, annotations.RecordRelation{From: f, To: t, Type: l.Labels[0]})
			}
		}
	}
	for _, id := range noted {
		spans, ok := regions[id]
		if !ok || id == "" {
			other("textarea") // about the whole text, or a region Tagdesk did not keep
			continue
		}
		for _, k := range spans {
			res.spans[k].Note = strings.Join(notes[id], "\n")
		}
	}
	for _, a := range attrs {
		spans, ok := regions[a.id]
		if !ok || a.id == "" {
			other(a.typ) // about the whole text, or a region Tagdesk did not keep
			continue
		}
		for _, k := range spans {
			if res.spans[k].Attrs == nil {
				res.spans[k].Attrs = annotations.Attrs{}
			}
			res.spans[k].Attrs[a.name] = a.value
		}
	}
	return res, ""
}

// lsAttrs are the attribute values of regions, in the order of the file.
type lsAttrs []lsAttr

type lsAttr struct {
	id, typ, name string
	value         any
}

// add reads a per-region "number", "choices" or "textarea" result as an attribute value and reports
// whether it was one: it needs a from_name, and one number, one choice or one text.
func (as *lsAttrs) add(id string, r lsResult) bool {
	if r.FromName == "" || id == "" {
		return false
	}
	var v struct {
		Number  *float64 `json:"number"`
		Choices []string `json:"choices"`
		Text    []string `json:"text"`
	}
	if json.Unmarshal(r.Value, &v) != nil {
		return false
	}
	a := lsAttr{id: id, typ: *r.Type, name: r.FromName}
	switch {
	case *r.Type == "number" && v.Number != nil:
		a.value = *v.Number
	case *r.Type == "choices" && len(v.Choices) == 1 && v.Choices[0] == r.FromName:
		a.value = true // a flag
	case *r.Type == "choices" && v.Choices != nil && len(v.Choices) == 0:
		a.value = false // a flag left unchecked
	case *r.Type == "choices" && len(v.Choices) == 1:
		a.value = v.Choices[0]
	case *r.Type == "textarea" && len(v.Text) > 0:
		a.value = strings.Join(v.Text, "\n")
	default:
		return false
	}
	*as = append(*as, a)
	return true
}

// region reads the value of a "labels" result: one span per label, or nil when it is not a text
// region (no start and end: a label on another kind of region).
func (t *lsTask) region(raw json.RawMessage, res *lsResults) ([]annotations.RecordSpan, string) {
	var v struct {
		Start  json.RawMessage `json:"start"`
		End    json.RawMessage `json:"end"`
		Text   json.RawMessage `json:"text"`
		Labels json.RawMessage `json:"labels"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || len(bytes.TrimSpace(raw)) == 0 || raw[0] != '{' {
		return nil, `"value" should be an object`
	}
	if v.Start == nil && v.End == nil {
		return nil, ""
	}
	var s annotations.RecordSpan
	var reason string
	if s.Start, reason = offset(v.Start, "start"); reason != "" {
		return nil, reason
	}
	if s.End, reason = offset(v.End, "end"); reason != "" {
		return nil, reason
	}
	if len(v.Text) > 0 && string(v.Text) != "null" {
		var saved string
		if json.Unmarshal(v.Text, &saved) != nil {
			return nil, `"text" should be a string`
		}
		var spaced bool
		if s.Text, spaced = t.savedText(s.Start, s.End, saved); spaced {
			res.spaced++
		}
	}
	var labels []json.RawMessage
	if json.Unmarshal(v.Labels, &labels) != nil && len(v.Labels) > 0 {
		return nil, `"labels" should be a list of strings`
	}
	spans := make([]annotations.RecordSpan, 0, len(labels))
	for _, l := range labels {
		if json.Unmarshal(l, &s.Label) != nil || !isJSONString(l) {
			return nil, `"labels" should be a list of strings`
		}
		spans = append(spans, s)
	}
	if len(spans) == 0 {
		res.unlabelled++
	}
	return spans, ""
}

// savedText returns the text the import checks a region's offsets against: the text Label Studio
// saved with it, or nil when that differs from the document at the offsets (counted in code points
// or UTF-16 units: the reader does not know which) only in white space, which Label Studio
// collapses in the text it saves (HumanSignal/label-studio#3078).
func (t *lsTask) savedText(start, end int, saved string) (*string, bool) {
	if t.index == nil {
		t.index = text.NewIndex(t.text)
	}
	var found []string
	if start >= 0 && start <= end && end <= t.index.Len() {
		found = append(found, t.index.Slice(start, end))
	}
	if hasAstral(t.text) {
		s, why := codePointsFromUTF16(t.text, start)
		e, why2 := codePointsFromUTF16(t.text, end)
		if why == "" && why2 == "" && s <= e {
			found = append(found, t.index.Slice(s, e))
		}
	}
	if slices.Contains(found, saved) {
		return &saved, false
	}
	words := strings.Join(strings.Fields(saved), " ")
	for _, f := range found {
		if words != "" && strings.Join(strings.Fields(f), " ") == words {
			return nil, true
		}
	}
	return &saved, false
}

// lsTexts reads the value of a "textarea" result: {"text": ["..."]} (or a single string).
func lsTexts(raw json.RawMessage) ([]string, string) {
	var v struct {
		Text json.RawMessage `json:"text"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || len(bytes.TrimSpace(raw)) == 0 || raw[0] != '{' {
		return nil, `"value" should be an object`
	}
	var texts []string
	if isJSONString(v.Text) {
		var s string
		json.Unmarshal(v.Text, &s)
		return []string{s}, ""
	}
	if json.Unmarshal(v.Text, &texts) != nil {
		return nil, `"text" should be a list of strings`
	}
	return texts, ""
}

// lsList reads the list under key of a task; missing or null is empty.
func lsList(raw json.RawMessage, key string) ([]json.RawMessage, string) {
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, ""
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil, fmt.Sprintf("%q should be a list", key)
	}
	return list, ""
}

// syntaxProblem describes a JSON error in raw, a task, giving the line of a syntax error.
func (t *lsTask) syntaxProblem(raw []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 {
		at := min(int(se.Offset)-1, len(raw))
		return fmt.Sprintf("invalid JSON on line %d: %s", t.lineAt(raw, at), strings.TrimPrefix(se.Error(), "json: "))
	}
	return jsonProblem(err)
}

// lineAt returns the line of byte i of raw, the task.
func (t *lsTask) lineAt(raw []byte, i int) int {
	return t.line + bytes.Count(raw[:i], []byte("\n"))
}

// invalidUTF8 returns the index of the first byte of b that is not valid UTF-8.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func isJSONString(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '"'
}

// jsonValueKind names the kind of a valid JSON value.
func jsonValueKind(raw []byte) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '[':
		return "a list"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

// labelStudioWriter writes a Label Studio JSON export: one task per line inside one list, written as
// the documents come.
type labelStudioWriter struct {
	w        *bufio.Writer
	task     bytes.Buffer // the task being written
	enc      *json.Encoder
	offsets  Offsets
	tasks    int
	labels   []string // in the order met, for the labeling config
	seen     map[string]bool
	notes    bool
	relTypes []string // relation types, in the order met, for the labeling config
	types    attrTypes
	attrs    lsConfigAttrs // the attributes written, for the labeling config
	// attributed are the labels that define attributes
	attributed map[string]bool
}

// NewLabelStudioWriter returns a writer of a Label Studio JSON export to w: one task per document,
// with one annotation per annotator (see the comment at the top of labelstudio.go for what it holds
// and why). Importing it into an empty project gives back the same documents, spans, notes and
// statuses; the documents that had no id get their key as id.
func NewLabelStudioWriter(w io.Writer) Writer { return newLabelStudioWriter(w, WriterOptions{}) }

// newLabelStudioWriter is NewLabelStudioWriter with offsets in opts.Offsets.
func newLabelStudioWriter(w io.Writer, opts WriterOptions) *labelStudioWriter {
	lw := &labelStudioWriter{w: bufio.NewWriterSize(w, 1<<16), offsets: opts.Offsets, seen: map[string]bool{},
		types: newAttrTypes(opts.LabelSet), attrs: lsConfigAttrs{labels: opts.LabelSet},
		attributed: attributedLabels(opts.LabelSet)}
	lw.enc = json.NewEncoder(&lw.task)
	lw.enc.SetEscapeHTML(false)
	return lw
}

var _ Noticer = (*labelStudioWriter)(nil)

type lsOutTask struct {
	ID          int               `json:"id"`
	Data        lsOutData         `json:"data"`
	Annotations []lsOutAnnotation `json:"annotations"`
	Predictions []json.RawMessage `json:"predictions"`
}

// lsOutData is a task's data: the text, then Tagdesk's document_id, name and meta (taskOut's
// annotator stays empty: here each annotation names its own).
type lsOutData struct {
	Text string `json:"text"`
	taskOut
}

type lsOutAnnotation struct {
	Result       []any  `json:"result"` // lsOutResult and lsOutRelation
	WasCancelled bool   `json:"was_cancelled"`
	GroundTruth  bool   `json:"ground_truth"`
	Annotator    string `json:"tagdesk_annotator"`
	Status       string `json:"tagdesk_status"`
}

type lsOutResult struct {
	ID        string `json:"id"`
	FromName  string `json:"from_name"`
	ToName    string `json:"to_name"`
	Type      string `json:"type"`
	Value     any    `json:"value"`
	Origin    string `json:"origin"`
	Attribute bool   `json:"tagdesk_attribute,omitempty"` // a text attribute's textarea, not a note
	// NoAttributes marks a region whose span has no values though its label defines attributes.
	NoAttributes bool `json:"tagdesk_no_attributes,omitempty"`
}

type lsOutRelation struct {
	FromID    string   `json:"from_id"`
	ToID      string   `json:"to_id"`
	Type      string   `json:"type"`
	Direction string   `json:"direction"`
	Labels    []string `json:"labels"`
}

type lsOutRegion struct {
	Start  int      `json:"start"`
	End    int      `json:"end"`
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
}

type lsOutNote struct {
	Text []string `json:"text"`
}

func (lw *labelStudioWriter) Write(d *annotations.ExportDocument) error {
	x, o := text.NewIndex(d.Text), newOutOffsets(d.Text, lw.offsets)
	task := lsOutTask{ID: d.Index, Data: lsOutData{Text: d.Text, taskOut: newTaskOut(d)},
		Annotations: make([]lsOutAnnotation, 0, len(d.Annotators)), Predictions: []json.RawMessage{}}
	n := 0 // regions of the task: their ids are unique in it
	regionOf := map[int64]string{}
	for _, a := range d.Annotators {
		ann := lsOutAnnotation{Result: []any{}, GroundTruth: a == annotations.Gold, Annotator: a, Status: string(d.Statuses[a])}
		for _, s := range d.Spans {
			if s.Annotator != a {
				continue
			}
			n++
			id := fmt.Sprintf("t%d-%d", d.Index, n)
			regionOf[s.ID] = id
			ann.Result = append(ann.Result, lsOutResult{ID: id, FromName: "label", ToName: "text", Type: "labels",
				Value: lsOutRegion{o.at(s.Start), o.at(s.End), x.Slice(s.Start, s.End), []string{s.Label}}, Origin: "manual",
				NoAttributes: len(s.Attrs) == 0 && lw.attributed[s.Label]})
			if s.Note != "" {
				ann.Result = append(ann.Result, lsOutResult{ID: id, FromName: "note", ToName: "text", Type: "textarea",
					Value: lsOutNote{[]string{s.Note}}, Origin: "manual"})
				lw.notes = true
			}
			ann.Result = lw.appendAttrs(ann.Result, id, s)
			if !lw.seen[s.Label] {
				lw.seen[s.Label] = true
				lw.labels = append(lw.labels, s.Label)
			}
		}
		for _, r := range d.Relations {
			if r.Annotator != a {
				continue
			}
			ann.Result = append(ann.Result, lsOutRelation{FromID: regionOf[r.From], ToID: regionOf[r.To], Type: "relation",
				Direction: "right", Labels: []string{r.Type}})
			if !slices.Contains(lw.relTypes, r.Type) {
				lw.relTypes = append(lw.relTypes, r.Type)
			}
		}
		task.Annotations = append(task.Annotations, ann)
	}
	lw.task.Reset()
	if err := lw.enc.Encode(task); err != nil {
		return err
	}
	sep := ",\n"
	if lw.tasks == 0 {
		sep = "[\n"
	}
	lw.tasks++
	lw.w.WriteString(sep)
	_, err := lw.w.Write(bytes.TrimSuffix(lw.task.Bytes(), []byte("\n")))
	return err
}

// Close ends the list and flushes it.
func (lw *labelStudioWriter) Close() error {
	end := "\n]\n"
	if lw.tasks == 0 {
		end = "[]\n"
	}
	if _, err := lw.w.WriteString(end); err != nil {
		return err
	}
	return lw.w.Flush()
}

// Notices gives a labeling config that shows the tasks written in Label Studio.
func (lw *labelStudioWriter) Notices() []string {
	if lw.tasks == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`<View><Labels name="label" toName="text">`)
	for _, l := range lw.labels {
		b.WriteString(`<Label value="` + html.EscapeString(l) + `"/>`)
	}
	b.WriteString(`</Labels><Text name="text" value="$text"/>`)
	if len(lw.relTypes) > 0 {
		b.WriteString(`<Relations>`)
		for _, t := range lw.relTypes {
			b.WriteString(`<Relation value="` + html.EscapeString(t) + `"/>`)
		}
		b.WriteString(`</Relations>`)
	}
	if lw.notes {
		b.WriteString(`<TextArea name="note" toName="text" perRegion="true" editable="true" displayMode="region-list"/>`)
	}
	lw.attrs.write(&b)
	b.WriteString(`</View>`)
	return []string{"Label Studio shows these tasks with a labeling config such as " + b.String()}
}

// appendAttrs adds the results holding the attribute values of span s, in region id, to out.
func (lw *labelStudioWriter) appendAttrs(out []any, id string, s annotations.Span) []any {
	for _, name := range sortedAttrs(s.Attrs) {
		v := s.Attrs[name]
		r := lsOutResult{ID: id, FromName: name, ToName: "text", Origin: "manual"}
		typ := lw.types.of(s.Label, name, v)
		switch typ {
		case annotations.AttrNumber:
			r.Type, r.Value = "number", map[string]any{"number": v}
		case annotations.AttrFlag:
			choices := []string{} // false: an unchecked box, so that the import keeps it rather than deriving it
			if v == true {
				choices = []string{name}
			}
			r.Type, r.Value = "choices", map[string][]string{"choices": choices}
		case annotations.AttrText:
			r.Type, r.Value, r.Attribute = "textarea", lsOutNote{[]string{fmt.Sprint(v)}}, true
		default:
			r.Type, r.Value = "choices", map[string][]string{"choices": {fmt.Sprint(v)}}
		}
		lw.attrs.met(s.Label, name, typ, v)
		out = append(out, r)
	}
	return out
}

// lsConfigAttrs gathers the attributes an export wrote, for the per-region controls of the labeling
// config: one control per attribute name, shown for the labels that have it.
type lsConfigAttrs struct {
	labels []annotations.Label // the label set, for the choices of a choice
	order  []string
	byName map[string]*lsConfigAttr
}

type lsConfigAttr struct {
	typ     annotations.AttributeType
	labels  []string
	choices []string
}

// met records that an attribute of label was written with the value v.
func (c *lsConfigAttrs) met(label, name string, typ annotations.AttributeType, v any) {
	if c.byName == nil {
		c.byName = map[string]*lsConfigAttr{}
	}
	a := c.byName[name]
	if a == nil {
		a = &lsConfigAttr{typ: typ}
		for _, l := range c.labels {
			if def, ok := l.Attribute(name); ok && l.Name == label {
				a.choices = slices.Clone(def.Values)
			}
		}
		c.byName[name] = a
		c.order = append(c.order, name)
	}
	if !slices.Contains(a.labels, label) {
		a.labels = append(a.labels, label)
	}
	if s, ok := v.(string); ok && a.typ == annotations.AttrChoice && !slices.Contains(a.choices, s) {
		a.choices = append(a.choices, s)
	}
}

// write adds the controls to a labeling config.
func (c *lsConfigAttrs) write(b *strings.Builder) {
	for _, name := range c.order {
		a := c.byName[name]
		common := `name="` + html.EscapeString(name) + `" toName="text" perRegion="true" visibleWhen="region-selected" whenLabelValue="` +
			html.EscapeString(strings.Join(a.labels, ",")) + `"`
		switch a.typ {
		case annotations.AttrNumber:
			b.WriteString(`<Number ` + common + `/>`)
		case annotations.AttrText:
			b.WriteString(`<TextArea ` + common + ` editable="true"/>`)
		default:
			choices := a.choices
			if a.typ == annotations.AttrFlag {
				choices = []string{name}
			}
			b.WriteString(`<Choices ` + common + ` choice="single">`)
			for _, ch := range choices {
				b.WriteString(`<Choice value="` + html.EscapeString(ch) + `"/>`)
			}
			b.WriteString(`</Choices>`)
		}
	}
}
