package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations"
)

// MaxLine is the longest line (and so the longest document) a JSONL reader accepts: 64 MiB.
const MaxLine = 64 << 20

// lineReader reads the lines of a JSONL file, at most MaxLine bytes each, without the line end, and
// without the byte-order mark some editors put at the start of the file.
type lineReader struct {
	r    *bufio.Reader
	line int
	buf  []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 1<<16)}
}

// next returns the next line and its number. The slice is valid until the next call. At the end it
// returns io.EOF; a line longer than MaxLine is skipped and reported as errLineTooLong.
func (lr *lineReader) next() ([]byte, int, error) {
	lr.buf = lr.buf[:0]
	tooLong := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLong {
			if len(lr.buf)+len(chunk) > MaxLine {
				tooLong, lr.buf = true, nil // let the collector have the MaxLine bytes held
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && len(lr.buf) == 0 && !tooLong {
			return nil, lr.line, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, lr.line, err
		}
		lr.line++
		if tooLong {
			return nil, lr.line, errLineTooLong
		}
		line := bytes.TrimRight(lr.buf, "\r\n")
		if lr.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		return line, lr.line, nil
	}
}

var errLineTooLong = fmt.Errorf("the line is longer than %d MiB", MaxLine>>20)

// jsonLines is a record reader over a JSON Lines file: parse turns one non-blank line of valid UTF-8
// into a record, or returns the reason it cannot.
type jsonLines struct {
	file  string
	lines *lineReader
	parse func(line []byte, rec *annotations.Record) string
	stop  bool // the file cannot be read as UTF-8 at all: one problem said so, no more
}

func (jl *jsonLines) Next() (*annotations.Record, error) {
	for !jl.stop {
		line, n, err := jl.lines.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err == errLineTooLong {
			return nil, &annotations.ImportError{File: jl.file, Line: n, Reason: err.Error()}
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", jl.file, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var reason string
		if n == 1 {
			reason = utf16Problem(line)
			jl.stop = reason != ""
		}
		if reason == "" {
			reason = utf8Problem(line)
		}
		rec := &annotations.Record{File: jl.file, Line: n}
		if reason == "" {
			reason = jl.parse(line, rec)
		}
		if reason == "" {
			if key, at := duplicateKey(line); at > 0 {
				reason = fmt.Sprintf("%s (the second at byte %d)", duplicateKeyReason(key), at)
			}
		}
		if reason != "" {
			return nil, &annotations.ImportError{File: jl.file, Line: n, Reason: reason}
		}
		return rec, nil
	}
	return nil, io.EOF
}

// utf8Problem describes the first invalid UTF-8 in b, or returns "".
func utf8Problem(b []byte) string {
	if utf8.Valid(b) {
		return ""
	}
	i := invalidUTF8(b)
	return fmt.Sprintf("invalid UTF-8 at byte %d (0x%02X); save the file as UTF-8", i+1, b[i])
}

// utf16Problem says so when b, the start of a file, looks like UTF-16 (what Windows calls "Unicode"),
// or returns "".
func utf16Problem(b []byte) string {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
	}
	// ASCII text in UTF-16 has a NUL in every other byte, and (unlike a binary file) hardly any in the others
	sample := b[:min(len(b), 1000)]
	nuls := [2]int{}
	for i, c := range sample {
		if c == 0 {
			nuls[i%2]++
		}
	}
	if len(sample) >= 8 && 4*max(nuls[0], nuls[1]) > len(sample) && 50*min(nuls[0], nuls[1]) < len(sample) {
		return "the file looks like UTF-16 (every other byte is 0); save it as UTF-8"
	}
	return ""
}

// jsonProblem turns a JSON decoding error into a reason a user can act on.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		if lit, ok := strings.CutPrefix(te.Value, "number "); ok {
			return numberProblem(te.Field, lit, te.Type.Kind())
		}
		field := te.Field
		if field == "" {
			return fmt.Sprintf("expected %s, found a JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
		}
		return fmt.Sprintf("%q should be %s, not a JSON %s", field, jsonKind(te.Type.Kind().String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early (truncated line?)"
	}
	return "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

// numberProblem says why the JSON number lit does not fit field (maybe ""), a Go value of kind k: too
// large for it, or, for a whole number, a fraction.
func numberProblem(field, lit string, k reflect.Kind) string {
	what := "the number " + lit
	if field != "" {
		what = fmt.Sprintf("%q %s", field, lit)
	}
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if f, err := strconv.ParseFloat(lit, 64); err == nil && f != math.Trunc(f) {
			return what + " is not a whole number"
		}
		return what + " is too large"
	case reflect.Float32, reflect.Float64:
		return what + " is too large"
	}
	return fmt.Sprintf("%s should be %s", what, jsonKind(k.String()))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	case "int", "int64", "float64":
		return "a number"
	}
	return "a " + goKind
}

// decodeStrict decodes one JSON value from b into v and refuses anything after it; with known set, it
// also refuses object fields v does not have.
func decodeStrict(b []byte, v any, known bool) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if known {
		d.DisallowUnknownFields()
	}
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("json: more than one JSON value on the line")
	}
	return nil
}

// offset parses a JSON number that must be a whole number: an offset. It returns a reason when not.
func offset(raw json.RawMessage, name string) (int, string) {
	s := string(bytes.TrimSpace(raw))
	switch {
	case s == "" || s == "null":
		return 0, name + " is missing"
	case s[0] == '"':
		return 0, name + " should be a number, not a string"
	case s[0] == '[' || s[0] == '{' || s == "true" || s == "false":
		return 0, name + " should be a number"
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Sprintf("%s %s is not a number", name, s)
	case err != nil || math.Abs(f) > 1<<40:
		return 0, fmt.Sprintf("%s %s is too large", name, s)
	case f != math.Trunc(f):
		return 0, fmt.Sprintf("%s %s is not a whole number", name, s)
	}
	return int(f), ""
}

// idString reads a record id that may be a JSON string or number.
func idString(raw json.RawMessage) (string, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", ""
	}
	var s string
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", "\"id\" " + jsonProblem(err)
		}
		return s, ""
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw), ""
	}
	return "", "\"id\" should be a string or a number"
}

// duplicateKey looks for an object key that repeats an earlier key of the same object anywhere in b,
// a valid JSON value, and returns it with the offset of its second occurrence in b (from 1), or 0
// when there is none. encoding/json keeps the last value
// of a repeated key without a word; a file where "start" or "text" appears twice is ambiguous (one
// tool reads the first value, another the last), so Tagdesk refuses it rather than guess.
//
// It is one pass over b that skips the inside of strings with bytes.IndexByte, keeps the keys of the
// open objects in one shared slice, and compares a key only with those of its own object (through a
// map once an object has many): cheap beside decoding the line.
func duplicateKey(b []byte) (string, int) {
	type object struct {
		first int                 // index in keys of its first key; -1 for a list
		set   map[string]struct{} // its keys, once it has more than fewKeys
	}
	const fewKeys = 16
	var (
		stack     []object
		keys      [][]byte
		expectKey bool
	)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{':
			stack = append(stack, object{first: len(keys)})
			expectKey = true
		case '[':
			stack = append(stack, object{first: -1})
			expectKey = false
		case '}', ']':
			if n := len(stack); n > 0 {
				if stack[n-1].first >= 0 {
					keys = keys[:stack[n-1].first]
				}
				stack = stack[:n-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].first >= 0
		case '"':
			end, escaped := stringEnd(b, i+1)
			if end < 0 {
				return "", 0 // not valid JSON: the decoder says what is wrong
			}
			if expectKey && len(stack) > 0 {
				key := b[i+1 : end]
				if escaped {
					var s string
					if json.Unmarshal(b[i:end+1], &s) != nil {
						return "", 0
					}
					key = []byte(s)
				}
				o := &stack[len(stack)-1]
				lower := bytes.ToLower(key) // keys are compared ignoring case, as encoding/json matches fields
				if seen(o.set, keys[o.first:], lower) {
					return string(key), i + 1
				}
				keys = append(keys, lower)
				if n := len(keys) - o.first; n > fewKeys {
					if o.set == nil {
						o.set = make(map[string]struct{}, 2*n)
						for _, k := range keys[o.first:] {
							o.set[string(k)] = struct{}{}
						}
					}
					o.set[string(lower)] = struct{}{}
				}
				expectKey = false
			}
			i = end
		}
	}
	return "", 0
}

// duplicateKeyReason is the reason to refuse a JSON value where the key appears twice in one object.
func duplicateKeyReason(key string) string {
	return fmt.Sprintf("the key %q appears twice in the same object (in any case of letters); keep one", key)
}

// seen reports whether key, in lower case, is one of an object's keys, kept in lower case (encoding/json
// matches a struct's fields ignoring case, and "Start" would silently replace "start"): in set when
// the object has one, else in keys.
func seen(set map[string]struct{}, keys [][]byte, key []byte) bool {
	if set != nil {
		_, ok := set[string(key)]
		return ok
	}
	for _, k := range keys {
		if bytes.Equal(k, key) {
			return true
		}
	}
	return false
}

// stringEnd returns the index of the quote that closes the JSON string whose content starts at
// b[from], and whether the string holds an escape; -1 when it is not closed.
func stringEnd(b []byte, from int) (int, bool) {
	escaped := false
	for i := from; i < len(b); {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1, escaped
		}
		j += i
		backslashes := 0
		for k := j - 1; k >= from && b[k] == '\\'; k-- {
			backslashes++
		}
		if !escaped && bytes.IndexByte(b[i:j], '\\') >= 0 {
			escaped = true
		}
		if backslashes%2 == 0 {
			return j, escaped
		}
		i = j + 1
	}
	return -1, escaped
}
