// Command gen writes the benchmark corpus to standard output: gen -docs 1000 -spans 100.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tagdesk/tagdesk/internal/benchdata"
)

func main() {
	docs := flag.Int("docs", 1000, "documents")
	spans := flag.Int("spans", 100, "spans per document")
	flag.Parse()
	if err := benchdata.Write(os.Stdout, *docs, *spans); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
