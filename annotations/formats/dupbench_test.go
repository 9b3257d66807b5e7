package formats

import (
	"bytes"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// BenchmarkDuplicateKey measures the duplicate-key pass over the lines of the import benchmark's
// corpus, beside BenchmarkParseJSONL, the decoding it follows.
func BenchmarkDuplicateKey(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(benchCorpus(b)), []byte("\n"))
	for b.Loop() {
		for _, l := range lines {
			if _, at := duplicateKey(l); at > 0 {
				b.Fatal("duplicate key in the corpus")
			}
		}
	}
}

// BenchmarkParseJSONL measures the decoding of the lines of the import benchmark's corpus.
func BenchmarkParseJSONL(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(benchCorpus(b)), []byte("\n"))
	for b.Loop() {
		for _, l := range lines {
			if reason := parseJSONL(l, &annotations.Record{}); reason != "" {
				b.Fatal(reason)
			}
		}
	}
}
