package formats

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// csvHeader is the first row of a CSV export.
var csvHeader = []string{"document_id", "document_name", "annotator", "label", "start", "end", "text", "note", "attributes"}

// csvWriter writes one row per span, RFC 4180: fields with a comma, quote, CR or LF are quoted, inner
// quotes doubled, rows end with CRLF. Unlike encoding/csv it leaves line ends inside fields as they are,
// so a text cell is exactly the document's text at the span's offsets.
type csvWriter struct {
	w         *bufio.Writer
	row       []string
	relations relationsLeftOut
}

var _ Noticer = (*csvWriter)(nil)

// NewCSVWriter returns a writer of CSV to w. With excel set, the output starts with a UTF-8
// byte-order mark, without which Excel misreads accents.
//
// Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, TAB or CR) get an
// apostrophe in front, as OWASP advises against CSV injection; offsets always refer to the stored
// text, never to the cell.
func NewCSVWriter(w io.Writer, excel bool) (Writer, error) {
	cw := &csvWriter{w: bufio.NewWriterSize(w, 1<<16), relations: relationsLeftOut{format: "CSV"}}
	if excel {
		if _, err := cw.w.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
	}
	return cw, cw.writeRow(csvHeader)
}

func (cw *csvWriter) Write(d *annotations.ExportDocument) error {
	cw.relations.add(d)
	x := text.NewIndex(d.Text)
	key := d.Key()
	for _, s := range d.Spans {
		cw.row = append(cw.row[:0], safeCell(key), safeCell(d.Name), safeCell(s.Annotator), safeCell(s.Label),
			strconv.Itoa(s.Start), strconv.Itoa(s.End), safeCell(x.Slice(s.Start, s.End)), safeCell(s.Note), attrsCell(s.Attrs))
		if err := cw.writeRow(cw.row); err != nil {
			return err
		}
	}
	return nil
}

func (cw *csvWriter) Close() error { return cw.w.Flush() }

// Notices counts the relations left out.
func (cw *csvWriter) Notices() []string { return cw.relations.notice() }

func (cw *csvWriter) writeRow(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			cw.w.WriteByte(',')
		}
		if !strings.ContainsAny(f, ",\"\r\n") && !strings.HasPrefix(f, "'") {
			cw.w.WriteString(f)
			continue
		}
		cw.w.WriteByte('"')
		cw.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		cw.w.WriteByte('"')
	}
	_, err := cw.w.WriteString("\r\n")
	return err
}

// attrsCell gives a span's attribute values as compact JSON with the keys sorted, or "" when it has
// none.
func attrsCell(a annotations.Attrs) string {
	if len(a) == 0 {
		return ""
	}
	b, err := json.Marshal(a)
	if err != nil { // only NaN or infinities, which the store never holds
		return ""
	}
	return string(b)
}

// safeCell neutralises a cell a spreadsheet would read as a formula (OWASP "CSV Injection").
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	return s
}
