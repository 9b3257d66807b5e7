package formats

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// brat standoff, as brat's documentation (brat.nlplab.org/standoff.html) and its server
// (server/src/annotation.py, projectconfig.py) define it:
//
//   - A document is NAME.txt, UTF-8, with its annotations in NAME.ann beside it. brat never rewrites
//     the text: offsets count the characters (code points: brat is Python) of the .txt exactly as
//     stored, half-open. brat opens files with codecs.open, which translates no line ends, so the CR
//     of a CRLF counts, and so does a byte-order mark.
//   - Each .ann line is ID<TAB>DATA<TAB>TAIL; brat splits the file into lines as Python's
//     str.splitlines does (also at \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029). An id is the letter
//     of its kind (or #), maybe more letters, then a number and an optional tail, or * for lines
//     without an id; ids are unique within the file.
//   - T: a text-bound annotation, "TYPE START END", or "TYPE START END;START END..." for a
//     discontinuous one, whose TAIL is the text of its fragments joined by one space (brat's
//     DISCONT_SEP). brat also accepts the texts joined without it (before brat 1.3) and white space
//     then a comment after the text. TYPE holds no space.
//   - #: a note, "TYPE TARGET" (brat's UI writes AnnotatorNotes) with the note as TAIL.
//   - R: a relation, "TYPE Arg1:T3 Arg2:T1", from Arg1 to Arg2.
//   - A: an attribute (M is its older name) of another annotation, "NAME TARGET" for a binary one
//     and "NAME TARGET VALUE" for a multi-valued one. Tagdesk reads those of spans as a true flag
//     and a choice, and writes its flags (true) and choices so; a number or a text cannot be a brat
//     attribute and is left out with a notice.
//   - E events, N normalisations and * equivalences, which Tagdesk does not store yet.
//   - An .ann line cannot hold a line break, so brat writes a span over a line break as fragments
//     split at it, leaving out the line break and the white space around it (brat issues #786 and
//     #1042; brat pull request #1174 does the same at tabs).
//   - annotation.conf ([entities], [relations], [events], [attributes]) and visual.conf ([labels],
//     [drawing]) configure a collection; brat looks for them in the document's folder and upwards.
//     In them # starts a comment, | separates a type's aliases, and [labels] separates its fields
//     with tabs.
//
// Tagdesk reads and writes a collection as a folder or a .zip (hidden files and folders, and the
// .conf files, left out; a zip whose files are all in one folder is read from that folder). A pair
// in a subfolder of the collection belongs to the annotator named by the first folder below the top;
// at the top, to the import's default annotator. The reader checks every T line against the .txt
// (offsets, and the text as brat checks it) and reports each problem at its line; it imports a span
// written in fragments separated by white space only (as brat writes a span over a line break) as
// one span, and other fragments as separate spans. The writer puts each annotator's pairs in a
// folder named after them, or every pair at the top when the export is one annotator's.

// bratSep joins the texts of a discontinuous span's fragments (brat's DISCONT_SEP).
const bratSep = " "

// bratEntry is one file of a brat collection.
type bratEntry struct {
	name    string // below the collection's top, with forward slashes
	display string // for messages
	size    int64  // as listed; -1 when unknown
	open    func() (io.ReadCloser, error)
}

// bratPair is a document of a collection: its .txt and .ann files, either of which may be missing.
type bratPair struct {
	stem      string // name without the extension
	txt, ann  *bratEntry
	annotator string // the first folder below the top, or ""
}

// bratReader reads the pairs of a collection one at a time.
type bratReader struct {
	pairs   []*bratPair
	pending []error // problems still to give, before the next pair
	closer  io.Closer
}

// openBrat reads the brat collection at path: a folder, a .zip, or one .ann or .txt file with the
// other file of its pair beside it. display names path in messages.
func openBrat(path, display string) (annotations.RecordReader, io.Closer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fileError(display, err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case fi.IsDir():
		entries, problems := dirEntries(path, display)
		if len(entries) == 0 && len(problems) == 0 {
			return nil, nil, &annotations.ImportError{File: display, Reason: "the folder holds no brat files (.txt and .ann)"}
		}
		r := newBratReader(entries, problems)
		return r, r, nil
	case ext == ".zip":
		zr, err := zip.OpenReader(path)
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // zipEntries reports such names
			reason := "cannot read the zip file: " + strings.TrimPrefix(err.Error(), "zip: ")
			return nil, nil, &annotations.ImportError{File: display, Reason: reason}
		}
		entries, problems := zipEntries(&zr.Reader, display)
		if len(entries) == 0 && len(problems) == 0 {
			zr.Close()
			return nil, nil, &annotations.ImportError{File: display, Reason: "the zip file holds no brat files (.txt and .ann)"}
		}
		r := newBratReader(entries, problems)
		r.closer = zr
		return r, r, nil
	case ext == ".txt" || ext == ".ann":
		r := newBratReader(pairEntries(path, display))
		return r, r, nil
	}
	return nil, nil, &annotations.ImportError{File: display, Reason: "brat reads a folder, a .zip, or an .ann or .txt file"}
}

// bratFile reports whether a file named name belongs to a brat collection: a .txt or an .ann file
// that is not hidden.
func bratFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return (ext == ".txt" || ext == ".ann") && !strings.HasPrefix(path.Base(name), ".")
}

// dirEntries lists the .txt and .ann files below the folder dir, hidden files and folders skipped.
func dirEntries(dir, display string) ([]*bratEntry, []error) {
	var entries []*bratEntry
	var problems []error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if err != nil {
			problems = append(problems, fileError(filepath.Join(display, rel), err))
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !bratFile(d.Name()) {
			return nil
		}
		entries = append(entries, fileEntry(p, filepath.ToSlash(rel), filepath.Join(display, rel), d))
		return nil
	})
	if err != nil {
		problems = append(problems, fileError(display, err))
	}
	return entries, problems
}

// pairEntries lists the pair of the .txt or .ann file at p: the files beside it with the same name
// and the extension .txt or .ann, in any case.
func pairEntries(p, display string) ([]*bratEntry, []error) {
	dir, stem := filepath.Dir(p), strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	files, err := os.ReadDir(dir)
	if err != nil {
		return nil, []error{fileError(filepath.Dir(display), err)}
	}
	var entries []*bratEntry
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || !bratFile(name) || strings.TrimSuffix(name, filepath.Ext(name)) != stem {
			continue
		}
		entries = append(entries, fileEntry(filepath.Join(dir, name), name, filepath.Join(filepath.Dir(display), name), f))
	}
	return entries, nil
}

// fileEntry is the entry of the file at p, found as d.
func fileEntry(p, name, display string, d fs.DirEntry) *bratEntry {
	size := int64(-1)
	if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return &bratEntry{name: name, display: display, size: size, open: func() (io.ReadCloser, error) { return os.Open(p) }}
}

// zipEntries lists the .txt and .ann files of a zip. Hidden files and folders and macOS's __MACOSX
// folder are skipped. An entry whose name is absolute or climbs out with .. is a problem, whatever
// its extension: the archive is not to be trusted. When every file sits in one folder, as zipping a
// folder gives, that folder is the top of the collection.
func zipEntries(zr *zip.Reader, display string) ([]*bratEntry, []error) {
	var entries []*bratEntry
	var problems []error
	tops := map[string]bool{} // the first folder of every file; "" for a file at the top
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		if unsafeZipName(name) {
			problems = append(problems, &annotations.ImportError{File: display,
				Reason: fmt.Sprintf("the entry %q points outside the archive; Tagdesk does not read such archives", f.Name)})
			continue
		}
		name = path.Clean(name)
		if strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() || hiddenPath(name) {
			continue
		}
		top, _, inFolder := strings.Cut(name, "/")
		if !inFolder {
			top = ""
		}
		tops[top] = true
		if !bratFile(name) {
			continue
		}
		size := int64(-1)
		if f.UncompressedSize64 <= 1<<62 {
			size = int64(f.UncompressedSize64)
		}
		entries = append(entries, &bratEntry{name: name, display: display + ":" + f.Name, size: size, open: f.Open})
	}
	if len(tops) == 1 && !tops[""] {
		for _, e := range entries {
			_, e.name, _ = strings.Cut(e.name, "/")
		}
	}
	return entries, problems
}

// unsafeZipName reports whether a zip entry's name (with forward slashes) is absolute, names a drive,
// or climbs out of the archive with ...
func unsafeZipName(name string) bool {
	if strings.HasPrefix(name, "/") || len(name) >= 2 && name[1] == ':' || strings.ContainsRune(name, 0) {
		return true
	}
	return slices.Contains(strings.Split(name, "/"), "..")
}

// hiddenPath reports whether a slash path has a hidden part, or is in macOS's __MACOSX folder.
func hiddenPath(name string) bool {
	for i, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || i == 0 && part == "__MACOSX" {
			return true
		}
	}
	return false
}

// newBratReader pairs the entries by name, in sorted order. problems come out first.
func newBratReader(entries []*bratEntry, problems []error) *bratReader {
	r := &bratReader{pending: problems}
	slices.SortFunc(entries, func(a, b *bratEntry) int { return strings.Compare(a.name, b.name) })
	byStem := map[string]*bratPair{}
	for _, e := range entries {
		stem := strings.TrimSuffix(e.name, path.Ext(e.name))
		p := byStem[stem]
		if p == nil {
			p = &bratPair{stem: stem}
			if top, _, ok := strings.Cut(stem, "/"); ok {
				p.annotator = top
			}
			byStem[stem] = p
			r.pairs = append(r.pairs, p)
		}
		slot := &p.txt
		if strings.EqualFold(path.Ext(e.name), ".ann") {
			slot = &p.ann
		}
		if *slot != nil {
			r.pending = append(r.pending, &annotations.ImportError{File: e.display, Reason: fmt.Sprintf(
				"%s is beside it too: keep only one of the two", path.Base((*slot).name))})
			continue
		}
		*slot = e
	}
	slices.SortStableFunc(r.pairs, func(a, b *bratPair) int { return strings.Compare(a.stem, b.stem) })
	return r
}

func (r *bratReader) Next() (*annotations.Record, error) {
	for len(r.pending) == 0 {
		if len(r.pairs) == 0 {
			return nil, io.EOF
		}
		p := r.pairs[0]
		r.pairs = r.pairs[1:]
		rec, problems := p.read()
		if len(problems) == 0 {
			return rec, nil
		}
		r.pending = problems
	}
	err := r.pending[0]
	r.pending = r.pending[1:]
	return nil, err
}

// Close releases the zip being read, if any.
func (r *bratReader) Close() error {
	r.pairs, r.pending = nil, nil
	if r.closer != nil {
		c := r.closer
		r.closer = nil
		return c.Close()
	}
	return nil
}

// read reads the pair's document, or returns its problems.
func (p *bratPair) read() (*annotations.Record, []error) {
	if p.txt == nil {
		return nil, []error{&annotations.ImportError{File: p.ann.display,
			Reason: fmt.Sprintf("has no %s beside it", path.Base(p.stem)+".txt")}}
	}
	name := p.txt.name
	if p.annotator != "" {
		name = strings.TrimPrefix(name, p.annotator+"/")
	}
	rec, err := p.txt.readText(name)
	if err != nil {
		return nil, []error{err}
	}
	if p.ann == nil {
		return rec, nil
	}
	rec.File = p.ann.display
	if p.ann.size > MaxLine {
		return nil, []error{tooLarge(p.ann.display)}
	}
	f, err := p.ann.open()
	if err != nil {
		return nil, []error{fileError(p.ann.display, err)}
	}
	defer f.Close()
	a := newBratAnn(rec, path.Base(p.txt.name), p.annotator)
	return rec, a.read(&capReader{r: f, max: MaxLine})
}

// readText reads a .txt file as the text of a document named name.
func (e *bratEntry) readText(name string) (*annotations.Record, error) {
	if e.size > MaxLine {
		return nil, tooLarge(e.display)
	}
	f, err := e.open()
	if err != nil {
		return nil, fileError(e.display, err)
	}
	defer f.Close()
	rec, err := NewTxtReader(f, e.display, name).Next()
	var ie *annotations.ImportError
	if err != nil && !errors.As(err, &ie) {
		return nil, fileError(e.display, err) // a broken zip entry, for one
	}
	return rec, err
}

func tooLarge(file string) error {
	return &annotations.ImportError{File: file, Reason: errTooLarge.Error()}
}

var errTooLarge = fmt.Errorf("the file is larger than %d MiB", MaxLine>>20)

// capReader fails with errTooLarge once more than max bytes were read: a zip entry can be much
// larger than its header says.
type capReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *capReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if c.n += int64(n); c.n > c.max {
		return n, errTooLarge
	}
	return n, err
}

// The notices of the brat reader.
var (
	bratDiscontinuous = annotations.Notice{
		One:  "1 discontinuous brat span was imported as separate spans, one per fragment",
		Many: "%d discontinuous brat spans were imported as separate spans, one per fragment",
	}
	// bratSkipped are the notices of the lines Tagdesk does not store, by the first letter of the id.
	bratSkipped = map[byte]annotations.Notice{
		'R': {One: "1 brat relation (R line) was not imported: Tagdesk keeps relations between text-bound spans only",
			Many: "%d brat relations (R lines) were not imported: Tagdesk keeps relations between text-bound spans only"},
		'E': {One: "1 brat event (E line) was not imported: Tagdesk does not store events yet",
			Many: "%d brat events (E lines) were not imported: Tagdesk does not store events yet"},
		'A': {One: "1 brat attribute (A or M line) of a relation or event was not imported: Tagdesk keeps attributes of spans only",
			Many: "%d brat attributes (A or M lines) of relations or events were not imported: Tagdesk keeps attributes of spans only"},
		'N': {One: "1 brat normalisation (N line) was not imported: Tagdesk does not store normalisations yet",
			Many: "%d brat normalisations (N lines) were not imported: Tagdesk does not store normalisations yet"},
		'*': {One: "1 brat equivalence (* line) was not imported: Tagdesk does not store equivalences yet",
			Many: "%d brat equivalences (* lines) were not imported: Tagdesk does not store equivalences yet"},
		'#': {One: "1 brat note on a relation, event or attribute was not imported: Tagdesk keeps notes on spans only",
			Many: "%d brat notes on relations, events or attributes were not imported: Tagdesk keeps notes on spans only"},
	}
)

// maxAnnProblems is how many problems one .ann file gives before the rest of it is left unread.
const maxAnnProblems = 100

// bratAnn reads the .ann file of one document into its record.
type bratAnn struct {
	rec       *annotations.Record
	x         *text.Index
	txtName   string // the .txt's base name, for messages
	annotator string

	ids      map[string]int   // every id met, to its line
	spans    map[string][]int // T ids to their spans in rec.Spans
	notes    []bratNote
	rels     []bratRelation
	attrs    []bratAttr
	skipped  map[byte]int // lines not stored, by the first letter of the id (M counted as A)
	discont  int          // discontinuous spans imported as separate spans
	problems []error
}

// bratRelation is an R line, resolved once every id of the file is known.
type bratRelation struct {
	line       int
	id, typ    string
	arg1, arg2 string
}

// bratNote is a # line, resolved once every id of the file is known.
type bratNote struct {
	line       int
	id, target string
	text       string
}

// bratAttr is an A or M line, resolved once every id of the file is known.
type bratAttr struct {
	line        int
	id, target  string
	name, value string // value is "" for a binary attribute
}

func newBratAnn(rec *annotations.Record, txtName, annotator string) *bratAnn {
	return &bratAnn{rec: rec, x: text.NewIndex(rec.Text), txtName: txtName, annotator: annotator,
		ids: map[string]int{}, spans: map[string][]int{}, skipped: map[byte]int{}}
}

// read reads the lines of r and returns the problems found, in line order.
func (a *bratAnn) read(r io.Reader) []error {
	lines := newLineReader(r)
	for len(a.problems) < maxAnnProblems {
		line, n, err := lines.next()
		if err == io.EOF {
			break
		}
		switch {
		case errors.Is(err, errLineTooLong):
			a.problem(n, "%s", err)
			continue
		case errors.Is(err, errTooLarge):
			a.problem(0, "%s", err)
		case err != nil:
			a.problem(0, "cannot read the file: %v", err)
		}
		if err != nil {
			break
		}
		if n == 1 {
			if p := utf16Problem(line); p != "" {
				a.problem(n, "%s", p)
				break
			}
		}
		if bytes.IndexByte(line, 0) >= 0 {
			a.problem(n, "the file contains NUL bytes: it is not a text file")
			break
		}
		if p := utf8Problem(line); p != "" {
			a.problem(n, "%s", p)
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			a.line(n, string(line))
		}
	}
	a.resolveNotes()
	a.resolveRelations()
	a.resolveAttrs()
	for kind, n := range a.skipped {
		a.rec.Notify(bratSkipped[kind], n)
	}
	a.rec.Notify(bratDiscontinuous, a.discont)
	slices.SortStableFunc(a.problems, func(x, y error) int {
		return cmp.Compare(x.(*annotations.ImportError).Line, y.(*annotations.ImportError).Line)
	})
	return a.problems
}

func (a *bratAnn) problem(line int, format string, args ...any) {
	a.problems = append(a.problems, &annotations.ImportError{File: a.rec.File, Line: line, Reason: fmt.Sprintf(format, args...)})
}

// line reads line n of the file.
func (a *bratAnn) line(n int, s string) {
	id, rest, ok := strings.Cut(s, "\t")
	switch {
	case !ok:
		a.problem(n, "no tab after the id: brat separates the id, the annotation and its text with tabs")
		return
	case id == "":
		a.problem(n, "the line starts with a tab: the id is missing")
		return
	}
	kind := id[0]
	if !strings.ContainsRune("TREAMN#*", rune(kind)) {
		a.problem(n, "unknown line %q: brat lines are T, R, E, A, M, N, # or * lines", excerpt(id))
		return
	}
	if kind != '*' {
		if num := strings.TrimLeft(id[1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"); num == "" || num[0] < '0' || num[0] > '9' {
			a.problem(n, "the id %q should be %c followed by a number", excerpt(id), kind)
			return
		}
		if first, seen := a.ids[id]; seen {
			a.problem(n, "the id %s is used twice (first on line %d)", id, first)
			return
		}
		a.ids[id] = n
	}
	data, tail, hasTail := strings.Cut(rest, "\t")
	switch kind {
	case 'T':
		a.textBound(n, id, data, tail, hasTail)
	case '#':
		target := ""
		if f := strings.Fields(data); len(f) == 2 {
			target = f[1]
		} else {
			a.problem(n, "%s: expected a note type and the id it is about (AnnotatorNotes T1), found %q", id, excerpt(data))
			return
		}
		a.notes = append(a.notes, bratNote{line: n, id: id, target: target, text: tail})
	case 'R':
		a.relation(n, id, data)
	case 'A', 'M':
		f := strings.Fields(data)
		if len(f) != 2 && len(f) != 3 {
			a.problem(n, "%s: expected an attribute name, the id it is about and maybe a value (Negated T1), found %q", id, excerpt(data))
			return
		}
		at := bratAttr{line: n, id: id, name: f[0], target: f[1]}
		if len(f) == 3 {
			at.value = f[2]
		}
		a.attrs = append(a.attrs, at)
	default:
		a.skipped[kind]++
	}
}

// textBound reads a T line: "TYPE START END[;START END...]" and the text.
func (a *bratAnn) textBound(n int, id, data, tail string, hasTail bool) {
	label, offsets, _ := strings.Cut(data, " ")
	if label == "" {
		a.problem(n, "%s: the label is missing (expected LABEL START END)", id)
		return
	}
	if strings.TrimSpace(offsets) == "" {
		a.problem(n, "%s: the offsets are missing (expected LABEL START END)", id)
		return
	}
	var frags []text.Range
	for _, part := range strings.Split(offsets, ";") {
		f, reason := a.fragment(part)
		if reason != "" {
			a.problem(n, "%s: %s", id, reason)
			return
		}
		frags = append(frags, f)
	}
	if !hasTail {
		a.problem(n, "%s: the text is missing (expected %s<TAB>LABEL START END<TAB>TEXT)", id, id)
		return
	}
	texts := make([]string, len(frags))
	for i, f := range frags {
		texts[i] = a.x.Slice(f.Start, f.End)
	}
	if !bratTextMatches(tail, strings.Join(texts, bratSep)) && (len(frags) == 1 || !bratTextMatches(tail, strings.Join(texts, ""))) {
		a.problem(n, "%s: its text %q does not match %s at %s, which is %q", id, excerpt(tail), a.txtName,
			strings.ReplaceAll(strings.TrimSpace(offsets), " ", "–"), excerpt(strings.Join(texts, bratSep)))
		return
	}
	slices.SortFunc(frags, func(x, y text.Range) int { return cmp.Compare(x.Start, y.Start) })
	joined := true // every gap is only white space: one span written over line breaks
	for i := 1; i < len(frags); i++ {
		if frags[i].Start < frags[i-1].End {
			a.problem(n, "%s: the fragments %d–%d and %d–%d overlap", id, frags[i-1].Start, frags[i-1].End, frags[i].Start, frags[i].End)
			return
		}
		if strings.TrimFunc(a.x.Slice(frags[i-1].End, frags[i].Start), unicode.IsSpace) != "" {
			joined = false
		}
	}
	if joined {
		frags = []text.Range{{Start: frags[0].Start, End: frags[len(frags)-1].End}}
	} else {
		a.discont++
	}
	for _, f := range frags {
		a.spans[id] = append(a.spans[id], len(a.rec.Spans))
		a.rec.Spans = append(a.rec.Spans, annotations.RecordSpan{Start: f.Start, End: f.End, Label: label, Annotator: a.annotator})
	}
}

// fragment reads "START END" and checks it against the text, or returns why it cannot.
func (a *bratAnn) fragment(s string) (text.Range, string) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return text.Range{}, fmt.Sprintf("the offsets %q should be START END (fragments separated by ;)", excerpt(strings.TrimSpace(s)))
	}
	var at [2]int
	for i, num := range f {
		v, err := strconv.Atoi(num)
		switch {
		case errors.Is(err, strconv.ErrRange):
			return text.Range{}, fmt.Sprintf("the offset %s is too large", num)
		case err != nil || num[0] == '+':
			return text.Range{}, fmt.Sprintf("the offset %q is not a whole number", excerpt(num))
		}
		at[i] = v
	}
	start, end := at[0], at[1]
	switch {
	case start < 0:
		return text.Range{}, fmt.Sprintf("start %d is negative", start)
	case end < start:
		return text.Range{}, fmt.Sprintf("end %d is before start %d", end, start)
	case end == start:
		return text.Range{}, fmt.Sprintf("the span %d–%d is empty", start, end)
	case end > a.x.Len():
		return text.Range{}, fmt.Sprintf("end %d is past the end of %s (%d characters)", end, a.txtName, a.x.Len())
	}
	return text.Range{Start: start, End: end}, ""
}

// bratTextMatches reports whether the text field of a T line gives want, as brat checks it: want,
// then nothing or white space and a comment.
func bratTextMatches(field, want string) bool {
	rest, ok := strings.CutPrefix(field, want)
	if !ok {
		return false
	}
	r := []rune(rest)
	return len(r) == 0 || unicode.IsSpace(r[0])
}

// relation reads an R line: "TYPE Arg1:T3 Arg2:T1".
func (a *bratAnn) relation(n int, id, data string) {
	f := strings.Fields(data)
	if len(f) != 3 {
		a.problem(n, "%s: expected a relation type and two arguments (attributed_to Arg1:T1 Arg2:T2), found %q", id, excerpt(data))
		return
	}
	r := bratRelation{line: n, id: id, typ: f[0]}
	for _, arg := range f[1:] {
		name, target, ok := strings.Cut(arg, ":")
		if !ok || target == "" {
			a.problem(n, "%s: the argument %q should be NAME:ID (Arg1:T1)", id, excerpt(arg))
			return
		}
		if name == "Arg2" || r.arg1 != "" && name != "Arg1" {
			r.arg2 = target
		} else {
			r.arg1 = target
		}
	}
	if r.arg1 == "" || r.arg2 == "" {
		a.problem(n, "%s: expected the arguments Arg1 and Arg2, found %q", id, excerpt(data))
		return
	}
	a.rels = append(a.rels, r)
}

// resolveRelations links the spans of each relation's arguments.
func (a *bratAnn) resolveRelations() {
	for _, r := range a.rels {
		from, fromSpan := a.spans[r.arg1]
		to, toSpan := a.spans[r.arg2]
		switch {
		case r.arg1 == r.arg2:
			a.problem(r.line, "%s: it links %s to itself", r.id, r.arg1)
		case fromSpan && toSpan:
			for _, f := range from {
				for _, t := range to {
					a.rec.Relations = append(a.rec.Relations, annotations.RecordRelation{From: f, To: t, Type: r.typ})
				}
			}
		case !a.known(r.arg1):
			a.problem(r.line, "%s: its argument %s is not in this file", r.id, r.arg1)
		case !a.known(r.arg2):
			a.problem(r.line, "%s: its argument %s is not in this file", r.id, r.arg2)
		case (fromSpan || r.arg1[0] == 'T') && (toSpan || r.arg2[0] == 'T'):
			// a T line with a problem, already reported
		default:
			a.skipped['R']++ // about an event or a relation
		}
	}
}

// known reports whether the file has a line with id.
func (a *bratAnn) known(id string) bool {
	_, ok := a.ids[id]
	return ok
}

// resolveNotes gives each note to the span it is about.
func (a *bratAnn) resolveNotes() {
	for _, note := range a.notes {
		if note.text == "" {
			a.spansOf(note.line, note.id, note.target, '#', "note")
			continue
		}
		for _, i := range a.spansOf(note.line, note.id, note.target, '#', "note") {
			s := &a.rec.Spans[i]
			if s.Note != "" {
				s.Note += "\n"
			}
			s.Note += note.text
		}
	}
}

// spansOf returns the spans of the T line target, which the line of the given kind (# or A) with
// id is about. A target that is a T line with a problem (reported already) gives none; one of another
// kind is counted as skipped; an unknown one is a problem.
func (a *bratAnn) spansOf(line int, id, target string, kind byte, what string) []int {
	spans, isSpan := a.spans[target]
	_, known := a.ids[target]
	switch {
	case isSpan:
		return spans
	case known && target[0] == 'T':
	case known:
		a.skipped[kind]++
	default:
		a.problem(line, "%s: the %s is about %s, which this file does not have", id, what, target)
	}
	return nil
}

// resolveAttrs gives each attribute to the spans it is about: a binary one as true, a multi-valued
// one as its value.
func (a *bratAnn) resolveAttrs() {
	for _, at := range a.attrs {
		var v any = true
		if at.value != "" {
			v = at.value
		}
		for _, i := range a.spansOf(at.line, at.id, at.target, 'A', "attribute") {
			s := &a.rec.Spans[i]
			if s.Attrs == nil {
				s.Attrs = annotations.Attrs{}
			}
			s.Attrs[at.name] = v
		}
	}
}

// excerpt cuts s to 40 characters for a message.
func excerpt(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}

// bratWriter writes a brat collection into a Tree.
type bratWriter struct {
	t    Tree
	flat bool

	types   map[string]string // label to brat type
	labels  []string          // the labels met, in order, for the configuration
	rels    []string          // the relation types met, in order, for the configuration
	folders map[string]string // annotator to folder
	taken   map[string]bool   // names at the top, in lower case: folders, files, and documents' files
	ann     bytes.Buffer

	notices                             []string // about labels and annotators, in order
	notesChanged, spansMoved, spansLeft int
	relsLeft                            int // relations of spans left out
	attrs                               bratAttrs
}

// newBratWriter returns a writer of brat standoff into t. With opts.Flat every document's NAME.txt
// and NAME.ann are at the top; otherwise each annotator's pairs are in a folder named after them,
// and a document nobody annotated is at the top with an empty .ann. opts.Labels come first in the
// configuration, then the other labels met.
func newBratWriter(t Tree, opts WriterOptions) *bratWriter {
	w := &bratWriter{t: t, flat: opts.Flat, types: map[string]string{}, folders: map[string]string{},
		taken: map[string]bool{"annotation.conf": true, "visual.conf": true}, attrs: newBratAttrs(opts.LabelSet)}
	for _, l := range opts.Labels {
		w.typeOf(l)
	}
	return w
}

var _ Noticer = (*bratWriter)(nil)

// Write writes d's pairs. A document's files have the same name in every annotator's folder, a name
// no other document's files have in any folder.
func (w *bratWriter) Write(d *annotations.ExportDocument) error {
	stem := w.unique(fileStem(d.Name), ".txt", ".ann")
	x := text.NewIndex(d.Text)
	if w.flat || len(d.Annotators) == 0 {
		return w.writeDoc(stem, d.Text, x, d.Spans, d.Relations)
	}
	return eachAnnotator(d, func(a string, spans []annotations.Span) error {
		var rels []annotations.Relation
		for _, r := range d.Relations {
			if r.Annotator == a {
				rels = append(rels, r)
			}
		}
		return w.writeDoc(w.folder(a)+"/"+stem, d.Text, x, spans, rels)
	})
}

// writeDoc writes txt, which x indexes, and spans over it with their relations as name.txt and
// name.ann.
func (w *bratWriter) writeDoc(name, txt string, x *text.Index, spans []annotations.Span, rels []annotations.Relation) error {
	if err := w.create(name+".txt", []byte(txt)); err != nil {
		return err
	}
	w.ann.Reset()
	t, notes, attrs := 0, 0, 0
	tOf := map[int64]int{} // span ID to T number
	for _, s := range spans {
		frags := bratFragments([]rune(x.Slice(s.Start, s.End)), s.Start)
		if len(frags) == 0 {
			w.spansLeft++
			continue
		}
		if frags[0].Start != s.Start || frags[len(frags)-1].End != s.End {
			w.spansMoved++
		}
		t++
		tOf[s.ID] = t
		fmt.Fprintf(&w.ann, "T%d\t%s ", t, w.typeOf(s.Label))
		for i, f := range frags {
			if i > 0 {
				w.ann.WriteByte(';')
			}
			fmt.Fprintf(&w.ann, "%d %d", f.Start, f.End)
		}
		w.ann.WriteByte('\t')
		for i, f := range frags {
			if i > 0 {
				w.ann.WriteString(bratSep)
			}
			w.ann.WriteString(x.Slice(f.Start, f.End))
		}
		w.ann.WriteByte('\n')
		if s.Note != "" {
			notes++
			note := strings.Map(func(r rune) rune {
				if bratBreak(r) {
					return ' '
				}
				return r
			}, s.Note)
			if note != s.Note {
				w.notesChanged++
			}
			fmt.Fprintf(&w.ann, "#%d\tAnnotatorNotes T%d\t%s\n", notes, t, note)
		}
		attrs = w.attrs.write(&w.ann, attrs, t, w.typeOf(s.Label), s)
	}
	n := 0
	for _, r := range rels {
		from, ok1 := tOf[r.From]
		to, ok2 := tOf[r.To]
		if !ok1 || !ok2 {
			w.relsLeft++
			continue
		}
		n++
		fmt.Fprintf(&w.ann, "R%d\t%s Arg1:T%d Arg2:T%d\n", n, w.relationType(r.Type), from, to)
	}
	return w.create(name+".ann", w.ann.Bytes())
}

func (w *bratWriter) create(name string, b []byte) error {
	f, err := w.t.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return err
}

// bratBreak reports whether r ends a line for Python (str.splitlines), or is a tab: what an .ann line
// cannot hold.
func bratBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\t', '\v', '\f', 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// bratFragments splits the span text s, which starts at offset start, at line breaks and tabs as
// brat does: the breaks and the white space next to them are left out, and so are fragments of only
// white space. A span without breaks is one fragment; a span of only breaks and white space, none.
func bratFragments(s []rune, start int) []text.Range {
	if !slices.ContainsFunc(s, bratBreak) {
		return []text.Range{{Start: start, End: start + len(s)}}
	}
	var out []text.Range
	from := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && !bratBreak(s[i]) {
			continue
		}
		a, b := from, i
		for from > 0 && a < b && unicode.IsSpace(s[a]) { // after a break
			a++
		}
		for i < len(s) && b > a && unicode.IsSpace(s[b-1]) { // before a break
			b--
		}
		if slices.ContainsFunc(s[a:b], func(r rune) bool { return !unicode.IsSpace(r) }) {
			out = append(out, text.Range{Start: start + a, End: start + b})
		}
		from = i + 1
	}
	return out
}

// typeOf returns the brat type of label: its white space runs replaced by _.
func (w *bratWriter) typeOf(label string) string {
	if t, ok := w.types[label]; ok {
		return t
	}
	t := underscoreSpaces(label)
	if t != label {
		w.notices = append(w.notices, fmt.Sprintf("label %q was written as %s: brat type names cannot hold spaces", label, t))
	}
	w.types[label] = t
	w.labels = append(w.labels, label)
	return t
}

// relationType returns the brat type of a relation type: its white space runs replaced by _, as for
// labels.
func (w *bratWriter) relationType(name string) string {
	t := underscoreSpaces(name)
	if !slices.Contains(w.rels, t) {
		w.rels = append(w.rels, t)
		if t != name {
			w.notices = append(w.notices, fmt.Sprintf("relation type %q was written as %s: brat type names cannot hold spaces", name, t))
		}
	}
	return t
}

// folder returns the folder of annotator's files.
func (w *bratWriter) folder(annotator string) string {
	if f, ok := w.folders[annotator]; ok {
		return f
	}
	f := w.unique(safeFileName(annotator, "annotator"))
	if f != annotator {
		w.notices = append(w.notices, fmt.Sprintf(
			"annotator %q was written in the folder %q, a name safe on every system: importing the collection back gives that name", annotator, f))
	}
	w.folders[annotator] = f
	return f
}

// unique returns name, or name-2, name-3... so that name plus each of exts (or name alone, without
// exts) is not taken yet, whatever the case, and takes it.
func (w *bratWriter) unique(name string, exts ...string) string {
	if len(exts) == 0 {
		exts = []string{""}
	}
	free := func(s string) bool {
		for _, ext := range exts {
			if w.taken[strings.ToLower(s+ext)] {
				return false
			}
		}
		return true
	}
	out := name
	for n := 2; !free(out); n++ {
		out = fmt.Sprintf("%s-%d", name, n)
	}
	for _, ext := range exts {
		w.taken[strings.ToLower(out+ext)] = true
	}
	return out
}

// fileStem is the name of a document's files, without extension: its name without .txt, made safe.
func fileStem(name string) string {
	if strings.EqualFold(path.Ext(name), ".txt") {
		name = name[:len(name)-len(".txt")]
	}
	return safeFileName(name, "document")
}

// maxFileName is the longest name, in bytes, safeFileName gives: file systems allow 255, and -N.ann
// may follow.
const maxFileName = 200

// safeFileName makes s a file name that Windows, macOS and Linux all accept and that no folder
// listing hides: in NFC, without / \ : * ? " < > | or control characters (each becomes _), without
// a leading dot or space or a trailing dot or space, not a name Windows reserves (CON, NUL, COM1...,
// to which _ is added), at most maxFileName bytes. An empty result is fallback.
func safeFileName(s, fallback string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, norm.NFC.String(s))
	if len(s) > maxFileName {
		cut := maxFileName
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	s = strings.TrimRight(strings.TrimLeft(s, " "), ". ")
	if strings.HasPrefix(s, ".") {
		s = "_" + s[1:]
	}
	if s == "" {
		return fallback
	}
	base, rest, dotted := strings.Cut(s, ".")
	if windowsReserved(strings.TrimRight(base, " ")) {
		s = base + "_"
		if dotted {
			s += "." + rest
		}
	}
	return s
}

// windowsReserved reports whether Windows reserves name for a device, whatever the extension.
func windowsReserved(name string) bool {
	switch strings.ToUpper(name) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if r := []rune(strings.ToUpper(name)); len(r) == 4 && (string(r[:3]) == "COM" || string(r[:3]) == "LPT") {
		return r[3] >= '0' && r[3] <= '9' || r[3] == '¹' || r[3] == '²' || r[3] == '³'
	}
	return false
}

// Close writes annotation.conf, with the labels met as entity types, and visual.conf, which shows
// each type under its label. Its [drawing] section is empty: the exported spans do not carry the
// labels' colours, and brat picks its own.
func (w *bratWriter) Close() error {
	var conf, visual bytes.Buffer
	conf.WriteString("# Tagdesk's labels as brat entity types, its relation types, and the labels' flags and choices as attributes.\n[entities]\n")
	visual.WriteString("# How brat shows the types: the type, then the label.\n[labels]\n")
	written := map[string]bool{}
	for _, l := range w.labels {
		t := w.types[l]
		if written[t] || !bratConfSafe(t) {
			continue
		}
		written[t] = true
		conf.WriteString(t + "\n")
		visual.WriteString(t + " | " + l + "\n")
	}
	conf.WriteString("\n[relations]\n")
	for _, t := range w.rels {
		if bratConfSafe(t) {
			conf.WriteString(t + " Arg1:<ENTITY>, Arg2:<ENTITY>\n")
			visual.WriteString(t + " | " + t + "\n")
		}
	}
	conf.WriteString("\n[events]\n\n[attributes]\n")
	w.attrs.conf(&conf)
	visual.WriteString("\n[drawing]\n")
	if err := w.create("annotation.conf", conf.Bytes()); err != nil {
		return err
	}
	return w.create("visual.conf", visual.Bytes())
}

// bratConfSafe reports whether a type can be written in brat's configuration files, which read | as
// a separator, # as a comment, ! as an abstract type, <...> as macros and lines of hyphens as
// separators.
func bratConfSafe(t string) bool {
	return !strings.Contains(t, "|") && !strings.ContainsAny(t[:1], "#!<") && strings.Trim(t, "-") != ""
}

// Notices tells how the writer changed labels, annotator names, notes and spans to fit brat.
func (w *bratWriter) Notices() []string {
	out := slices.Clone(w.notices)
	for _, l := range w.labels {
		if t := w.types[l]; !bratConfSafe(t) {
			out = append(out, fmt.Sprintf("the type %s is not in annotation.conf: brat's configuration files read |, #, !, < and lines of hyphens specially", t))
		}
	}
	count := func(n int, one, many string) {
		if n > 0 {
			out = append(out, plural(n, one, many))
		}
	}
	count(w.notesChanged, "1 note with line breaks or tabs was written on one line: a brat note is one line",
		"%d notes with line breaks or tabs were written on one line: a brat note is one line")
	count(w.spansMoved, "1 span that starts or ends with a line break was written without it: brat spans leave line breaks out",
		"%d spans that start or end with line breaks were written without them: brat spans leave line breaks out")
	count(w.attrs.leftOut, "1 span has number or text attribute values, which brat attributes cannot hold: they were left out",
		"%d spans have number or text attribute values, which brat attributes cannot hold: they were left out")
	count(w.spansLeft, "1 span of only line breaks and white space was left out: brat cannot write it",
		"%d spans of only line breaks and white space were left out: brat cannot write them")
	count(w.relsLeft, "1 relation of such a span was left out with it", "%d relations of such spans were left out with them")
	return out
}
