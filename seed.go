package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/formats"
	"github.com/tagdesk/tagdesk/assets"
)

// samples gives the articles a new default project starts with; tests swap it.
var samples = assets.Samples

// openGUIProject opens the project the app works on, creating it if needed. A default project that
// this call created gets the sample articles, so that the app has something to show on first start;
// a project named by --project or $TAGDESK_PROJECT never does, nor does a default project that
// already existed, even empty (its documents may have been deleted on purpose). A failure to add the
// samples is logged and the app opens on the empty project.
func openGUIProject(e *env, flag string) (*annotations.Project, error) {
	path, isDefault, err := resolveProject(e, flag)
	if err != nil {
		return nil, err
	}
	p, err := annotations.Open(e.ctx, path, annotations.OpenOptions{Create: true})
	if err != nil {
		return nil, err
	}
	printWarnings(e, p)
	if isDefault && p.Created() {
		if _, err := importSamples(e.ctx, p, samples()); err != nil {
			fmt.Fprintf(e.stderr, "tagdesk: the sample articles were not added: %v\n", err)
		}
	}
	return p, nil
}

// importSamples adds ss to p in one transaction, through the txt reader like any imported file, so
// that their texts are normalised the same way.
func importSamples(ctx context.Context, p *annotations.Project, ss []assets.Sample) (annotations.ImportReport, error) {
	rs := make([]annotations.RecordReader, len(ss))
	for i, s := range ss {
		rs[i] = formats.NewTxtReader(strings.NewReader(s.Text), "samples/"+s.Name, s.Name)
	}
	return p.Import(ctx, &chainReader{rs: rs}, annotations.ImportOptions{})
}

// chainReader reads its readers one after the other.
type chainReader struct {
	rs []annotations.RecordReader
}

func (c *chainReader) Next() (*annotations.Record, error) {
	for len(c.rs) > 0 {
		rec, err := c.rs[0].Next()
		if errors.Is(err, io.EOF) {
			c.rs = c.rs[1:]
			continue
		}
		return rec, err
	}
	return nil, io.EOF
}
