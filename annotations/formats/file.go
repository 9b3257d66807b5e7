package formats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tagdesk/tagdesk/annotations"
)

// WriteFile writes the file at path completely or not at all: write fills a temporary file beside
// path, which replaces path (keeping its permissions) only once it is all written and synced and ctx
// is not cancelled. A failure or a cancellation leaves path as it was and no temporary file behind.
// An error writing the file itself is an *annotations.Error naming path; write's own errors come back
// as they are.
func WriteFile(ctx context.Context, path string, write func(io.Writer) error) error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return writeError(path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	defer tmp.Close()
	out := &errWriter{w: tmp}
	if err := write(out); err != nil {
		if out.err != nil {
			return writeError(path, out.err)
		}
		return err
	}
	if err := tmp.Sync(); err != nil {
		return writeError(path, err)
	}
	if err := tmp.Close(); err != nil {
		return writeError(path, err)
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return writeError(path, err)
	}
	if err := ctx.Err(); err != nil {
		return err // cancelled while finishing: keep what was there
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return writeError(path, err)
	}
	return nil
}

// errWriter keeps the first error of the file written, to tell it from the errors of what feeds it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	n, err := e.w.Write(b)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

func writeError(path string, err error) error {
	reason := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err
	}
	return &annotations.Error{Message: fmt.Sprintf("Could not write %s: %v.", path, reason), Err: err}
}
