// Package formats reads and writes the files Tagdesk imports and exports. Readers stream records to
// annotations.Project.Import; writers take the documents annotations.Project.Export streams out. Each
// format is one file here.
package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
)

// The format names, as --format takes them.
const (
	TXT     = "txt"     // plain UTF-8 text, one document per file (import)
	JSONL   = "jsonl"   // Tagdesk JSONL (import and export)
	Doccano = "doccano" // doccano sequence labelling JSONL (import and export)
	CSV     = "csv"     // one row per span (export)
)

// ImportFormats and ExportFormats list the format names each direction accepts.
var (
	ImportFormats = []string{TXT, JSONL, Doccano}
	ExportFormats = []string{CSV, JSONL, Doccano}
)

// Writer writes exported documents in one format. Close flushes what is buffered; it does not close
// the underlying writer.
type Writer interface {
	Write(*annotations.ExportDocument) error
	Close() error
}

// WriterOptions are the options some writers take.
type WriterOptions struct {
	Excel bool // CSV: start with a UTF-8 byte-order mark
}

// NewWriter returns a writer of format to w.
func NewWriter(format string, w io.Writer, opts WriterOptions) (Writer, error) {
	switch format {
	case CSV:
		return NewCSVWriter(w, opts.Excel)
	case JSONL:
		return NewJSONLWriter(w), nil
	case Doccano:
		return NewDoccanoWriter(w), nil
	}
	return nil, fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(ExportFormats, ", "))
}

// extensions maps file extensions to the format they suggest; .jsonl files are looked into to tell
// Tagdesk JSONL from doccano.
var extensions = map[string]string{".txt": TXT, ".jsonl": JSONL, ".ndjson": JSONL, ".json": JSONL}

// Reader reads records from files; Close releases the file being read, for when the import stops
// before the end.
type Reader interface {
	annotations.RecordReader
	io.Closer
	// Progress tells how far reading got: bytes read of the total size of the files, as they were
	// when Open listed them. Once Next has returned io.EOF, read equals total. Standard input counts
	// for nothing in either.
	Progress() (read, total int64)
}

// Open returns one reader over all paths, in order: files, and folders searched recursively for files
// of the known extensions (hidden files and folders skipped). format, if not empty, applies to every
// file; otherwise each file's format comes from its extension and, for JSONL, its first lines. The
// path "-" reads standard input and needs a format. Problems with a path (missing, unreadable, unknown
// format) come out of the reader as *annotations.ImportError, like problems inside files.
func Open(paths []string, format string, stdin io.Reader) Reader {
	m := &multiReader{format: format, stdin: stdin}
	for _, p := range paths {
		m.sources = append(m.sources, m.expand(p)...)
	}
	for _, s := range m.sources {
		m.total += s.size
	}
	return m
}

// source is one file to read, or a problem found while listing files.
type source struct {
	path    string // to open
	display string // for messages: the path as given, or below the folder given
	name    string // document name for .txt files
	size    int64  // in bytes, when listed
	err     *annotations.ImportError
}

type multiReader struct {
	format  string
	stdin   io.Reader
	sources []source
	cur     annotations.RecordReader
	closer  io.Closer

	// progress: read counts the sources done, pos the one being read, of size bytes
	total, read int64
	pos         *countingReader
	size        int64
}

func (m *multiReader) expand(path string) []source {
	if path == "-" {
		return []source{{path: "-", display: "standard input", name: "stdin"}}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return []source{{err: fileError(path, err)}}
	}
	if !fi.IsDir() {
		return []source{{path: path, display: path, name: filepath.Base(path), size: fileSize(fi)}}
	}
	var out []source
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, source{err: fileError(p, err)})
			return nil
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !m.wanted(p) {
			return nil
		}
		rel, _ := filepath.Rel(path, p)
		var size int64
		if fi, err := d.Info(); err == nil {
			size = fileSize(fi)
		}
		out = append(out, source{path: p, display: p, name: filepath.ToSlash(rel), size: size})
		return nil
	})
	if err != nil {
		out = append(out, source{err: fileError(path, err)})
	}
	if len(out) == 0 {
		return []source{{err: &annotations.ImportError{File: path, Reason: "the folder has no .txt or .jsonl files"}}}
	}
	return out
}

// wanted reports whether a file found in a folder should be read.
func (m *multiReader) wanted(p string) bool {
	f, ok := extensions[strings.ToLower(filepath.Ext(p))]
	return ok && (m.format == "" || f == m.format || m.format == Doccano && f == JSONL)
}

func (m *multiReader) Next() (*annotations.Record, error) {
	for {
		if m.cur == nil {
			m.read, m.size = m.read+m.size, 0 // the source before, done
			if len(m.sources) == 0 {
				return nil, io.EOF
			}
			s := m.sources[0]
			m.sources = m.sources[1:]
			m.size = s.size
			if s.err != nil {
				return nil, s.err
			}
			if err := m.open(s); err != nil {
				return nil, err
			}
		}
		rec, err := m.cur.Next()
		if errors.Is(err, io.EOF) {
			m.closeCurrent()
			continue
		}
		return rec, err
	}
}

// open starts reading s with the reader of its format.
func (m *multiReader) open(s source) error {
	var r io.Reader
	if s.path == "-" {
		if m.format == "" {
			return &annotations.ImportError{File: s.display, Reason: "give --format to read standard input"}
		}
		r = m.stdin
	} else {
		f, err := os.Open(s.path)
		if err != nil {
			return fileError(s.path, err)
		}
		m.pos = &countingReader{f: f}
		m.closer, r = f, m.pos
	}
	format := m.format
	if format == "" {
		var err error
		if format, err = detect(s.path, r.(io.ReadSeeker)); err != nil {
			m.closeCurrent()
			return err
		}
	}
	switch format {
	case TXT:
		m.cur = NewTxtReader(r, s.display, s.name)
	case JSONL:
		m.cur = NewJSONLReader(r, s.display)
	case Doccano:
		m.cur = NewDoccanoReader(r, s.display)
	default:
		m.closeCurrent()
		return &annotations.ImportError{File: s.display, Reason: fmt.Sprintf("unknown import format %q (use %s)",
			format, strings.Join(ImportFormats, ", "))}
	}
	return nil
}

func (m *multiReader) closeCurrent() {
	if m.closer != nil {
		m.closer.Close()
	}
	m.cur, m.closer, m.pos = nil, nil, nil
}

// Progress tells how many bytes of the files have been read, of their total size.
func (m *multiReader) Progress() (read, total int64) {
	read = m.read
	if m.pos != nil {
		read += min(m.pos.n, m.size)
	}
	return read, m.total
}

// fileSize is the size progress counts for a file: 0 for what is not a regular file (a named pipe).
func fileSize(fi fs.FileInfo) int64 {
	if !fi.Mode().IsRegular() {
		return 0
	}
	return fi.Size()
}

// countingReader tells how far into a file reading got.
type countingReader struct {
	f *os.File
	n int64 // the offset reached
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.f.Read(b)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Seek(offset int64, whence int) (int64, error) {
	n, err := c.f.Seek(offset, whence)
	if err == nil {
		c.n = n
	}
	return n, err
}

// Close releases the file being read, if any; reading to the end does it too.
func (m *multiReader) Close() error {
	m.closeCurrent()
	return nil
}

// sniffLines is how many non-empty lines detect looks at to tell Tagdesk JSONL from doccano.
const sniffLines = 100

// detect returns the format of the file at path from its extension and, for JSON lines, from the keys
// of its first lines: "spans" or "status" mean Tagdesk JSONL, "label" or "entities" doccano. It leaves r
// at the start.
func detect(path string, r io.ReadSeeker) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	format, ok := extensions[ext]
	if !ok {
		return "", &annotations.ImportError{File: path, Reason: fmt.Sprintf(
			"cannot tell the format from the extension %q; give --format (%s)", ext, strings.Join(ImportFormats, ", "))}
	}
	if format != JSONL {
		return format, nil
	}
	defer r.Seek(0, io.SeekStart)
	lines := newLineReader(r)
	for seen := 0; seen < sniffLines; {
		line, _, err := lines.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return JSONL, nil // the reader will report it
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		seen++
		if line[0] == '[' && seen == 1 {
			return "", &annotations.ImportError{File: path, Line: 1, Reason: "this is a JSON array; Tagdesk reads JSON Lines: one JSON object per line"}
		}
		var keys map[string]json.RawMessage
		if json.Unmarshal(line, &keys) != nil {
			return JSONL, nil // the reader will report it
		}
		_, spans := keys["spans"]
		_, status := keys["status"]
		_, label := keys["label"]
		_, entities := keys["entities"]
		switch {
		case spans || status:
			return JSONL, nil
		case label || entities:
			return Doccano, nil
		}
	}
	return JSONL, nil
}

// fileError reports a path that cannot be read.
func fileError(path string, err error) *annotations.ImportError {
	reason := err.Error()
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		reason = "permission denied"
	case errors.As(err, &pe):
		reason = pe.Err.Error()
	}
	return &annotations.ImportError{File: path, Reason: reason}
}
