package annotations

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when a document, span, label or annotator does not exist.
var ErrNotFound = errors.New("not found")

// Error is an error that carries a plain sentence for users beside the wrapped cause for the log.
type Error struct {
	Message string // for users: what happened and what to do
	Err     error  // the cause, for the log; may be nil
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

func userError(err error, format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...), Err: err}
}

// ImportError is one problem with the input of an import, at a line of a file.
type ImportError struct {
	File   string
	Line   int // from 1; 0 when the problem is with the whole file
	Reason string
}

func (e *ImportError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// ImportErrors is every problem an import found. When an import returns it, nothing was imported.
type ImportErrors struct {
	Problems []*ImportError
	More     int // problems found but not kept, past the limit
}

func (e *ImportErrors) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n... and %d more", e.More)
	}
	return b.String()
}

// Summary is the sentence that ends the list of problems.
func (e *ImportErrors) Summary() string {
	n := len(e.Problems) + e.More
	if n == 1 {
		return "1 problem found; nothing was imported and the project is unchanged."
	}
	return fmt.Sprintf("%d problems found; nothing was imported and the project is unchanged.", n)
}

// Message returns the sentence to show a user for err: what happened and, where it helps, what to do.
// The full error belongs in the log.
func Message(err error) string {
	var (
		ue *Error
		ie *ImportError
		is *ImportErrors
		pe *fs.PathError
		se sqlite3.Error
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &is):
		if len(is.Problems) == 1 && is.More == 0 {
			return is.Problems[0].Error() + "; nothing was imported."
		}
		return is.Summary()
	case errors.As(err, &ie):
		return ie.Error()
	case errors.As(err, &ue):
		return ue.Message
	case errors.Is(err, context.Canceled):
		return "Cancelled; nothing was changed."
	case errors.As(err, &se):
		return sqliteMessage(se)
	case errors.As(err, &pe):
		return fmt.Sprintf("Could not %s %s: %s.", pe.Op, pe.Path, pe.Err)
	case errors.Is(err, ErrNotFound):
		return "Not found."
	}
	return "Internal error: " + err.Error() + "."
}

// isBusy reports whether err is SQLite's: another connection held the lock it needed past the busy
// timeout.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// busyError is the error of a write that gave up waiting for another program's write to the project at
// path to finish. Nothing was changed.
func busyError(err error, path string) error {
	return userError(err, "Another program is writing to %s; try again in a moment.", path)
}

func sqliteMessage(e sqlite3.Error) string {
	switch e.Code {
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		return "The project is busy: another program is writing to it. Try again in a moment."
	case sqlite3.ErrFull:
		return "The disk is full; the change was not saved. Free some space and try again."
	case sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrCantOpen:
		return "The project file or its folder is read-only or cannot be opened; Tagdesk needs to write to it."
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return "The project file is damaged or is not a Tagdesk project."
	case sqlite3.ErrIoErr:
		return "The project file could not be read or written (disk or network problem); the change was not saved."
	}
	return "Database error: " + e.Error() + "."
}
