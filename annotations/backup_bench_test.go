package annotations_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tagdesk/tagdesk/internal/benchdata"
)

// BenchmarkBackup10k backs up a project of the 10,000-document benchmark corpus (4,000 characters and
// 20 spans each) and reports the size of the backup: the figure the README gives.
func BenchmarkBackup10k(b *testing.B) {
	ctx := context.Background()
	var corpus bytes.Buffer
	if err := benchdata.Write(&corpus, 10_000, 20); err != nil {
		b.Fatal(err)
	}
	p := project(b, filepath.Join(b.TempDir(), "big.tagdesk"), corpus.String())
	dest := filepath.Join(b.TempDir(), "backup.tagdesk")
	b.ResetTimer()
	for b.Loop() {
		if err := p.Backup(ctx, dest); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	fi, err := os.Stat(dest)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/1e6, "MB")
}
