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
	"slices"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
)

// The format names, as --format takes them.
const (
	TXT         = "txt"         // plain UTF-8 text, one document per file (import)
	JSONL       = "jsonl"       // Tagdesk JSONL (import and export)
	Doccano     = "doccano"     // doccano sequence labelling JSONL (import and export)
	CSV         = "csv"         // one row per span (export)
	SpaCy       = "spacy"       // spaCy / displaCy character spans, JSONL (import and export)
	Prodigy     = "prodigy"     // Prodigy ner_manual JSONL (import and export)
	LabelStudio = "labelstudio" // Label Studio JSON task export (import and export)
	Brat        = "brat"        // brat standoff: a folder or zip of .txt and .ann files (import and export)
	CoNLL       = "conll"       // CoNLL-2003-style BIO, one token per line (export)
	HF          = "hf"          // Hugging Face token classification JSONL (export)
)

// ImportFormats and ExportFormats list the format names each direction accepts.
var (
	ImportFormats = []string{TXT, JSONL, Doccano, SpaCy, Prodigy, LabelStudio, Brat}
	ExportFormats = []string{CSV, JSONL, Doccano, SpaCy, Prodigy, LabelStudio, Brat, CoNLL, HF}
)

// UTF16Formats are the JSON formats, those of .json and .jsonl files: the formats --offsets utf16
// applies to.
var UTF16Formats = []string{JSONL, Doccano, SpaCy, Prodigy, LabelStudio}

// PredictionFormats are the formats a model's predictions are read from, with ReadOptions.Predictions:
// Tagdesk JSONL with a score per span, and a Label Studio export's predictions.
var PredictionFormats = []string{JSONL, LabelStudio}

// TreeFormats are the export formats that write a folder (or a zip of one) rather than one file.
var TreeFormats = []string{Brat}

// TokenFormats are the export formats that write tokens and tags, not offsets: they take Labels and
// Nested.
var TokenFormats = []string{CoNLL, HF}

// Writer writes exported documents in one format. Close flushes what is buffered; it does not close
// the underlying writer.
type Writer interface {
	Write(*annotations.ExportDocument) error
	Close() error
}

// Noticer is a Writer that has something to tell once it is closed: spans a format could not carry,
// or how it carried them. Each notice is a sentence.
type Noticer interface {
	Notices() []string
}

// WriterOptions are the options some writers take.
type WriterOptions struct {
	Excel   bool    // CSV: start with a UTF-8 byte-order mark
	Offsets Offsets // the JSON formats (UTF16Formats): the unit of offsets; "" is CodePoints

	// Labels are the labels conll and hf write, in the order of their tags; empty means the labels
	// of the spans, in the order met. The export command passes the project's label set.
	Labels []string
	// Nested is how conll and hf write spans that overlap: NestedOuter, NestedInner or
	// NestedColumns. "" is NestedOuter.
	Nested string

	// DoccanoForm is the form doccano lines take: DoccanoLabel ("" too) or DoccanoEntities, which
	// carries relations.
	DoccanoForm string
	// LabelSet is the project's label set with the attributes of each label: Label Studio and brat
	// write attribute types and choices from it. Without it, a value's type is guessed from the value
	// (a string is a choice). NewExport passes the project's.
	LabelSet []annotations.Label

	// Flat tells brat that the export holds one annotator's spans (--annotator NAME or --gold): the
	// files go at the top of the folder instead of in a folder per annotator.
	Flat bool
}

// The rules for nested and overlapping spans in the token formats (conll, hf).
const (
	NestedOuter   = "outer"   // keep the outermost span, drop those inside or overlapping it
	NestedInner   = "inner"   // keep the innermost spans, drop those containing or overlapping them
	NestedColumns = "columns" // one tag column per label: every span kept
)

// NestedRules lists the values of WriterOptions.Nested.
var NestedRules = []string{NestedOuter, NestedInner, NestedColumns}

// streamWriters make the writers of the formats that write one stream; each format's file adds its
// own.
var streamWriters = map[string]func(io.Writer, WriterOptions) (Writer, error){
	CSV:     func(w io.Writer, o WriterOptions) (Writer, error) { return NewCSVWriter(w, o.Excel) },
	JSONL:   func(w io.Writer, o WriterOptions) (Writer, error) { return newJSONLWriter(w, o), nil },
	Doccano: func(w io.Writer, o WriterOptions) (Writer, error) { return newDoccanoWriter(w, o) },
}

// NewWriter returns a writer of format to w. Tree formats (brat) need NewTreeWriter.
func NewWriter(format string, w io.Writer, opts WriterOptions) (Writer, error) {
	if opts.Offsets == "" {
		opts.Offsets = CodePoints
	}
	if opts.Offsets != CodePoints && !slices.Contains(UTF16Formats, format) {
		return nil, fmt.Errorf("%s offsets apply only to the JSON formats (%s)", opts.Offsets, strings.Join(UTF16Formats, ", "))
	}
	if mk, ok := streamWriters[format]; ok {
		wr, err := mk(w, opts)
		return withAttrNotice(format, wr, err)
	}
	if slices.Contains(TreeFormats, format) {
		return nil, fmt.Errorf("%s writes a folder or a zip: use NewTreeWriter", format)
	}
	return nil, fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(ExportFormats, ", "))
}

// extensions maps file extensions to the format they suggest; .jsonl and .json files are looked into
// to tell the JSON formats apart.
var extensions = map[string]string{".txt": TXT, ".jsonl": JSONL, ".ndjson": JSONL, ".json": JSONL, ".ann": Brat, ".zip": Brat}

// streamReaders make the readers of the formats read from one stream; each format's file adds its own.
// file names the stream in messages.
var streamReaders = map[string]func(r io.Reader, file string) annotations.RecordReader{
	JSONL:   NewJSONLReader,
	Doccano: NewDoccanoReader,
}

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

// ReadOptions say how to read the files of an import.
type ReadOptions struct {
	// Format applies to every file; "" tells each file's format from its extension and, for JSON,
	// its first lines.
	Format string
	// Offsets is the unit of the span offsets in the files; "" is CodePoints. It applies to the JSON
	// formats; brat counts code points by definition.
	Offsets Offsets
	// Predictions reads a Label Studio file's predictions as the spans, with their scores, and leaves
	// its annotations out: for importing a model's predictions as suggestions.
	Predictions bool
}

// Open returns one reader over all paths, in order: files, and folders searched recursively for files
// of the known extensions (hidden files and folders skipped). format, if not empty, applies to every
// file; otherwise each file's format comes from its extension and, for JSON, its first lines. A
// folder read as brat (with format brat, or holding .ann files), a .zip and an .ann file are brat
// collections. The path "-" reads standard input and needs a format. Problems with a path (missing,
// unreadable, unknown format) come out of the reader as *annotations.ImportError, like problems
// inside files.
func Open(paths []string, format string, stdin io.Reader) Reader {
	return OpenWith(paths, ReadOptions{Format: format}, stdin)
}

// OpenWith is Open with every reading option.
func OpenWith(paths []string, opts ReadOptions, stdin io.Reader) Reader {
	m := &multiReader{format: opts.Format, offsets: opts.Offsets, predictions: opts.Predictions, stdin: stdin}
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
	brat    bool   // a brat collection: a folder, a zip or an .ann file
	err     *annotations.ImportError
}

type multiReader struct {
	format  string
	offsets Offsets
	stdin   io.Reader
	sources []source
	cur     annotations.RecordReader
	closer  io.Closer

	predictions bool // Label Studio files: read the predictions (ReadOptions.Predictions)

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
		src := source{path: path, display: path, name: filepath.Base(path), size: fileSize(fi)}
		ext := strings.ToLower(filepath.Ext(path))
		src.brat = m.format == Brat || m.format == "" && (ext == ".ann" || ext == ".zip")
		return []source{src}
	}
	if m.format == Brat || m.format == "" {
		if hasAnn, size := bratFiles(path); hasAnn || m.format == Brat {
			return []source{{path: path, display: path, name: filepath.Base(path), size: size, brat: true}}
		}
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
		return []source{{err: &annotations.ImportError{File: path, Reason: "the folder has no .txt, .json or .jsonl files"}}}
	}
	return out
}

// wanted reports whether a file found in a folder should be read.
func (m *multiReader) wanted(p string) bool {
	f, ok := extensions[strings.ToLower(filepath.Ext(p))]
	if !ok || f == Brat {
		return false
	}
	return m.format == "" || f == m.format || f == JSONL && slices.Contains(UTF16Formats, m.format)
}

// bratFiles walks the folder dir (hidden files and folders skipped) and reports whether it holds an
// .ann file, which makes it a brat collection, and the size of its .txt and .ann files, for progress.
func bratFiles(dir string) (hasAnn bool, size int64) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".ann":
			hasAnn = true
		case ".txt":
		default:
			return nil
		}
		if fi, err := d.Info(); err == nil {
			size += fileSize(fi)
		}
		return nil
	})
	return hasAnn, size
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
	if s.brat {
		r, c, err := openBrat(s.path, s.display)
		if err != nil {
			return err
		}
		m.cur, m.closer = r, c
		return nil
	}
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
	if m.predictions && !slices.Contains(PredictionFormats, format) {
		m.closeCurrent()
		return &annotations.ImportError{File: s.display, Reason: fmt.Sprintf(
			"predictions are read from Tagdesk JSONL (jsonl) or a Label Studio export (labelstudio), and this reads as %s", format)}
	}
	if format == TXT {
		m.cur = NewTxtReader(r, s.display, s.name)
		return nil
	}
	mk, ok := streamReaders[format]
	if !ok {
		m.closeCurrent()
		return &annotations.ImportError{File: s.display, Reason: fmt.Sprintf("unknown import format %q (use %s)",
			format, strings.Join(ImportFormats, ", "))}
	}
	if format == LabelStudio && m.predictions {
		mk = NewLabelStudioPredictionsReader
	}
	m.cur = mk(r, s.display)
	if m.offsets == UTF16 {
		m.cur = utf16Reader{m.cur}
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

// sniffLines is how many non-empty lines detect looks at to tell the JSON Lines formats apart.
const sniffLines = 100

// detect returns the format of the file at path from its extension and, for JSON, from its first
// bytes and the keys of its first lines:
//   - a file that starts with "[" is a Label Studio task list;
//   - "tokens" with "answer", "_input_hash" or "_task_hash" is Prodigy;
//   - "ents" is spaCy;
//   - "spans" or "status" is Tagdesk JSONL;
//   - "label" or "entities" is doccano;
//   - anything else is read as Tagdesk JSONL, whose reader says what is wrong.
//
// It leaves r at the start.
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
			if seen == 0 && err == errLineTooLong && ext == ".json" {
				return LabelStudio, nil // a JSON document on one huge line: only the task list is one
			}
			return JSONL, nil // the reader will report it
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		seen++
		if line[0] == '[' && seen == 1 {
			return LabelStudio, nil
		}
		var keys map[string]json.RawMessage
		if json.Unmarshal(line, &keys) != nil {
			if seen == 1 && line[0] == '{' && ext == ".json" {
				return LabelStudio, nil // one JSON value over several lines; its reader says what it is
			}
			return JSONL, nil // the reader will report it
		}
		has := func(k string) bool { _, ok := keys[k]; return ok }
		switch {
		case has("tokens") && (has("answer") || has("_input_hash") || has("_task_hash")):
			return Prodigy, nil
		case has("ents"):
			return SpaCy, nil
		case has("spans") || has("status"):
			return JSONL, nil
		case has("label") || has("entities"):
			return Doccano, nil
		case has("data") && (has("annotations") || has("predictions")):
			return LabelStudio, nil
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
