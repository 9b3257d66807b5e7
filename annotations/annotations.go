// Package annotations is Tagdesk's domain: projects, documents, labels, annotators, spans and statuses,
// kept in one SQLite file, with the import and export pipelines that move them in and out. It has no
// user interface; the GUI and the command line both call it.
//
// Offsets are Unicode code points, half-open [start, end), over a document's stored text, which is
// normalised once at import (see package text).
package annotations

import (
	"encoding/json"
	"time"
)

// Document is one text of a project. Its identity is the SHA-256 of its normalised text.
type Document struct {
	ID        int64
	Hash      string // hex SHA-256 of the text
	Name      string
	SourceID  string // the id it had where it came from, if any
	Meta      json.RawMessage
	Length    int    // in code points
	FirstLine string // first non-blank line, at most 200 code points, for lists
	CreatedAt time.Time
}

// Key returns the document's id for exports: its source id if it has one, else the first 16 hex
// digits of its hash, which stay the same in every copy of the project.
func (d Document) Key() string {
	if d.SourceID != "" {
		return d.SourceID
	}
	return d.Hash[:min(16, len(d.Hash))]
}

// Span is one labelled stretch of a document by one annotator.
type Span struct {
	ID         int64
	DocumentID int64
	Annotator  string
	Label      string
	Start, End int // code points, half-open
	Note       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Label is one entry of the project's label set.
type Label struct {
	ID        int64
	Name      string
	Color     string // "#rrggbb"
	Hotkey    string // one character, or ""
	Guideline string
	Position  int
}

// Annotator is a person (or the gold layer) whose spans are kept apart from everyone else's.
type Annotator struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// Status is how far an annotator has got with a document.
type Status string

// The statuses of a document for one annotator. New is never stored: it is the absence of a status.
const (
	StatusNew        Status = "new"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
)

// ParseStatus returns the Status named s ("new", "in_progress" or "in progress", "done").
func ParseStatus(s string) (Status, bool) {
	switch s {
	case "new":
		return StatusNew, true
	case "in_progress", "in progress", "in-progress":
		return StatusInProgress, true
	case "done":
		return StatusDone, true
	}
	return "", false
}

func (s Status) String() string {
	if s == StatusInProgress {
		return "in progress"
	}
	return string(s)
}

// storedTime is how times are stored: RFC 3339 in UTC with all nine digits of the fraction, so that
// they sort as text (RFC3339Nano drops trailing zeros, and "12:00:05.1Z" sorts after "12:00:05.15Z").
const storedTime = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(storedTime) }

// parseTime reads a stored time; it also reads times that projects of schema 1 stored without
// trailing zeros.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
