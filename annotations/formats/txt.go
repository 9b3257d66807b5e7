package formats

import (
	"bytes"
	"fmt"
	"io"

	"github.com/tagdesk/tagdesk/annotations"
)

// txtReader reads one plain-text file as one document named name.
type txtReader struct {
	r          io.Reader
	file, name string
	done       bool
}

// NewTxtReader returns a reader of one UTF-8 text file as one document; file names it in messages and
// name is the document's name.
func NewTxtReader(r io.Reader, file, name string) annotations.RecordReader {
	return &txtReader{r: r, file: file, name: name}
}

func (tr *txtReader) Next() (*annotations.Record, error) {
	if tr.done {
		return nil, io.EOF
	}
	tr.done = true
	b, err := io.ReadAll(io.LimitReader(tr.r, MaxLine+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", tr.file, err)
	}
	bad := func(line int, reason string) error {
		return &annotations.ImportError{File: tr.file, Line: line, Reason: reason}
	}
	if len(b) > MaxLine {
		return nil, bad(0, fmt.Sprintf("the file is larger than %d MiB", MaxLine>>20))
	}
	if p := utf16Problem(b); p != "" {
		return nil, bad(0, p)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, bad(lineOf(b, i), "the file contains NUL bytes: it is not a text file")
	}
	if p := utf8Problem(b); p != "" {
		// report the line and the byte within it
		for n, line := range bytes.SplitAfter(b, []byte("\n")) {
			if p := utf8Problem(line); p != "" {
				return nil, bad(n+1, p)
			}
		}
		return nil, bad(0, p)
	}
	return &annotations.Record{File: tr.file, Name: tr.name, Text: string(b)}, nil
}

// lineOf returns the line number (from 1) of byte offset i of b.
func lineOf(b []byte, i int) int {
	return bytes.Count(b[:i], []byte("\n")) + 1
}
