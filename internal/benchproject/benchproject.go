// Package benchproject makes project files of the benchmark corpus (internal/benchdata), for the gen
// command and the benchmarks that need a large project.
package benchproject

import (
	"context"
	"io"
	"os"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
	"github.com/tagdesk/tagdesk/internal/benchdata"
)

// Make imports the corpus o describes into a new project at path, streaming it through a pipe.
func Make(ctx context.Context, path string, o benchdata.Options) error {
	p, err := annotations.Open(ctx, path, annotations.OpenOptions{Create: true})
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(benchdata.WriteOptions(pw, o)) }()
	_, err = p.Import(ctx, formats.NewJSONLReader(pr, "corpus.jsonl"), annotations.ImportOptions{})
	pr.Close()
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	return err
}

// Copy copies the closed project file at src to dest, so that a benchmark does not write beside src.
func Copy(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dest)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
