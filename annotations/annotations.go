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
	Attrs      Attrs // attribute values, nil when it has none
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
	// Attributes are the typed attributes its spans can carry, in the order the panel shows them.
	Attributes []Attribute
}

// Attrs are a span's attribute values by attribute name: float64 for a number, bool for a flag, string
// for a choice or a text.
type Attrs map[string]any

// AttributeType is the kind of value an attribute holds.
type AttributeType string

// The attribute types.
const (
	AttrNumber AttributeType = "number" // parsed from the span's text when it is made: "1.100" is 1100
	AttrChoice AttributeType = "choice" // one of Values
	AttrFlag   AttributeType = "flag"   // true or false
	AttrText   AttributeType = "text"   // free text
)

// Attribute is one typed attribute a label's spans can carry, such as a figure's value or a claim's
// stance.
type Attribute struct {
	Name   string        `json:"name"`
	Type   AttributeType `json:"type"`
	Values []string      `json:"values,omitempty"` // the choices of a choice attribute
	// Cues are words that set the attribute when a span is made, if they occur in the span or in the
	// few words around it: by choice for a choice attribute, under "true" for a flag ("environ", "plus
	// de" for approximate).
	Cues map[string][]string `json:"cues,omitempty"`
}

// Relation is a directed link between two spans of one document and one annotator, such as a claim
// attributed_to its source actor.
type Relation struct {
	ID         int64
	DocumentID int64
	Annotator  string // the annotator of both spans
	From, To   int64  // span IDs
	Type       string
	CreatedAt  time.Time
}

// RelationType is one entry of the project's set of relation types.
type RelationType struct {
	ID       int64
	Name     string
	Color    string // "#rrggbb"
	Position int
}

// Suggestion is a span proposed to annotators by a rule, by propagation or by a model. It is nobody's
// work until an annotator accepts it, which makes it their span.
type Suggestion struct {
	ID         int64
	DocumentID int64
	Label      string
	Start, End int
	Source     string   // SourceRules, SourcePropagation, or a model's name
	Score      *float64 // the model's score, nil when it gave none
	CreatedAt  time.Time
}

// The sources of suggestions Tagdesk makes itself; any other source is a model's predictions.
const (
	SourceRules       = "rules"
	SourcePropagation = "propagation"
)

// RuleKind says how a rule finds text.
type RuleKind string

// The rule kinds.
const (
	RuleRegex RuleKind = "regex" // a regular expression (Go's RE2 syntax)
	RuleWords RuleKind = "words" // a word list, one entry per line, matched on word boundaries
)

// Rule suggests spans of a label wherever its pattern matches.
type Rule struct {
	ID            int64
	Label         string
	Kind          RuleKind
	Pattern       string
	CaseSensitive bool
	Enabled       bool
	Note          string
	Position      int
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
	if t, ok := parseStoredTime(s); ok {
		return t
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// parseStoredTime reads the form formatTime writes, 2006-01-02T15:04:05.000000000Z, four times
// faster than time.Parse: an export reads two for every span.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) != len("2006-01-02T15:04:05.000000000Z") || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
		s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	var f [7]int
	for i, r := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 29}} {
		for _, c := range []byte(s[r[0]:r[1]]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			f[i] = f[i]*10 + int(c-'0')
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], f[6], time.UTC)
	if t.Day() != f[2] { // 31 April and the like: time.Parse refuses them
		return time.Time{}, false
	}
	return t, true
}
