package formats

import (
	"io"

	"github.com/tagdesk/tagdesk/annotations"
)

// openBrat reads the brat collection at path: a folder, a .zip or one .ann file.
func openBrat(path, display string) (annotations.RecordReader, io.Closer, error) {
	return nil, nil, &annotations.ImportError{File: display, Reason: "brat is not read yet"}
}
