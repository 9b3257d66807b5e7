package formats

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tagdesk/tagdesk/annotations"
)

// Tree is where a tree format (brat) writes its files: a folder or a zip. Names are relative and use
// forward slashes; each name is created once, and the writer it returns is valid until the next
// Create.
type Tree interface {
	Create(name string) (io.Writer, error)
}

// NewTreeWriter returns a writer of format into t. Stream formats need NewWriter.
func NewTreeWriter(format string, t Tree, opts WriterOptions) (Writer, error) {
	if !slices.Contains(TreeFormats, format) {
		if slices.Contains(ExportFormats, format) {
			return nil, fmt.Errorf("%s writes one file, not a folder: use NewWriter", format)
		}
		return nil, fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(ExportFormats, ", "))
	}
	if opts.Offsets != "" && opts.Offsets != CodePoints {
		return nil, fmt.Errorf("%s counts offsets in characters (code points) by definition; %s offsets apply only to the JSON formats (%s)",
			format, opts.Offsets, strings.Join(UTF16Formats, ", "))
	}
	return newBratWriter(t, opts), nil
}

// WriteTree writes the folder or zip at path completely or not at all, as WriteFile does for files.
// A path ending in .zip (in any case) is a zip, written through WriteFile. Any other path is a folder,
// which must not exist or be empty: write fills a temporary folder beside it, which takes its place
// once everything is written and synced and ctx is not cancelled. A failure or a cancellation leaves
// nothing behind. An error writing the files is an *annotations.Error naming path; write's own errors
// come back as they are.
func WriteTree(ctx context.Context, path string, write func(Tree) error) error {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return WriteFile(ctx, path, func(w io.Writer) error {
			zt := &zipTree{w: zip.NewWriter(w)}
			if err := write(zt); err != nil {
				return err
			}
			return zt.w.Close()
		})
	}
	mode := fs.FileMode(0o755)
	if fi, err := os.Stat(path); err == nil {
		switch entries, err := os.ReadDir(path); {
		case !fi.IsDir():
			return &annotations.Error{Message: fmt.Sprintf("%s is a file; export into a new or empty folder.", path)}
		case err != nil:
			return writeError(path, err)
		case len(entries) > 0:
			return &annotations.Error{Message: fmt.Sprintf("%s is not empty; export into a new or empty folder.", path)}
		}
		mode = fi.Mode().Perm()
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return writeError(path, err)
	}
	defer os.RemoveAll(tmp) // after the rename there is nothing left to remove
	dt := &dirTree{root: tmp, display: path}
	err = write(dt)
	if cerr := dt.closeFile(); err == nil {
		err = cerr
	}
	if dt.err != nil {
		return dt.err
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return writeError(path, err)
	}
	if err := ctx.Err(); err != nil {
		return err // cancelled while finishing: write nothing
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return writeError(path, err) // the empty folder that was there
	}
	if err := os.Rename(tmp, path); err != nil {
		return writeError(path, err)
	}
	return nil
}

// zipTree writes the files of a tree into a zip, each file compressed and dated now.
type zipTree struct {
	w   *zip.Writer
	now time.Time
}

func (z *zipTree) Create(name string) (io.Writer, error) {
	if !filepath.IsLocal(filepath.FromSlash(name)) || strings.Contains(name, `\`) {
		return nil, fmt.Errorf("zip: unsafe file name %q", name)
	}
	if z.now.IsZero() {
		z.now = time.Now()
	}
	return z.w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.now})
}

// dirTree writes the files of a tree into the folder root, each file synced and closed before the next
// one is created. The first error of a file is kept in err, as an *annotations.Error naming the file
// under display, the folder the user sees.
type dirTree struct {
	root, display string
	f             *os.File
	err           error
}

func (d *dirTree) Create(name string) (io.Writer, error) {
	if err := d.closeFile(); err != nil {
		return nil, err
	}
	local := filepath.FromSlash(name)
	if !filepath.IsLocal(local) || strings.Contains(name, `\`) {
		return nil, fmt.Errorf("unsafe file name %q", name)
	}
	path := filepath.Join(d.root, local)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, d.fail(name, err)
	}
	// O_EXCL: two names that the file system takes for one (case, Unicode forms) fail, never overwrite
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, d.fail(name, err)
	}
	d.f = f
	return writerFunc(func(b []byte) (int, error) {
		n, err := f.Write(b)
		if err != nil {
			return n, d.fail(name, err)
		}
		return n, nil
	}), nil
}

// closeFile syncs and closes the file being written, if any.
func (d *dirTree) closeFile() error {
	f := d.f
	if f == nil {
		return nil
	}
	d.f = nil
	name, _ := filepath.Rel(d.root, f.Name())
	if err := f.Sync(); err != nil {
		f.Close()
		return d.fail(filepath.ToSlash(name), err)
	}
	if err := f.Close(); err != nil {
		return d.fail(filepath.ToSlash(name), err)
	}
	return nil
}

// fail keeps the first error writing a file and returns it.
func (d *dirTree) fail(name string, err error) error {
	if d.err == nil {
		d.err = writeError(filepath.Join(d.display, filepath.FromSlash(name)), err)
	}
	return d.err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
