// Command gen writes a synthetic project for benchmarks and scale tests: N documents of realistic
// length with M spans over A annotators, as Tagdesk JSONL on standard output or, with -project, as a
// project file. The same flags always give the same corpus.
//
//	gen -docs 100000 -spans 1000000 -annotators 3 >corpus.jsonl
//	gen -docs 100000 -spans 1000000 -annotators 3 -project big.tagdesk
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tagdesk/tagdesk/internal/benchdata"
	"github.com/tagdesk/tagdesk/internal/benchproject"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	docs := fs.Int("docs", 1000, "documents")
	spans := fs.Int("spans", 100_000, "spans in all, spread evenly over the documents")
	annotators := fs.Int("annotators", 2, "annotators (ana, ben, cleo, …)")
	minChars := fs.Int("min-chars", 4000, "shortest document, in characters")
	maxChars := fs.Int("max-chars", 4000, "longest document, in characters")
	shared := fs.Bool("shared", false, "annotators mark mostly the same spans, as for agreement")
	status := fs.String("status", "", "every annotator's status of every document (e.g. done)")
	project := fs.String("project", "", "write a new project file here instead of JSONL on standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *docs < 1 || *spans < 0 || *annotators < 1 || *minChars < 1 || *maxChars < *minChars {
		return errors.New("want -docs ≥ 1, -spans ≥ 0, -annotators ≥ 1 and 1 ≤ -min-chars ≤ -max-chars")
	}
	o := benchdata.Options{Docs: *docs, TotalSpans: *spans, Annotators: benchdata.Annotators(*annotators),
		MinChars: *minChars, MaxChars: *maxChars, Shared: *shared, Status: *status}
	if *spans == 0 {
		o.TotalSpans, o.Spans = 0, 0
	}
	if *project == "" {
		return benchdata.WriteOptions(stdout, o)
	}
	return writeProject(*project, o)
}

// writeProject imports the corpus into a new project file.
func writeProject(path string, o benchdata.Options) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; gen writes new projects only", path)
	}
	return benchproject.Make(context.Background(), path, o)
}
