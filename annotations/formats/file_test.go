package formats

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	boom := errors.New("boom")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := map[string]struct {
		ctx     context.Context
		write   func(io.Writer) error
		wantErr error
		want    string // the file's content after
	}{
		"written":              {context.Background(), func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new"},
		"write fails":          {context.Background(), func(w io.Writer) error { io.WriteString(w, "half"); return boom }, boom, "old"},
		"cancelled at the end": {cancelled, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, context.Canceled, "old"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			err := WriteFile(tc.ctx, path, tc.write)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("WriteFile: %v, want %v", err, tc.wantErr)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Errorf("the file holds %q, want %q", got, tc.want)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("the folder holds %d files, want only the target", len(entries))
			}
		})
	}
}
