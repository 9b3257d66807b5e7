package benchdata

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"
	"unicode/utf8"
)

func TestWrite(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, 20, 50); err != nil {
		t.Fatal(err)
	}
	Write(&b, 20, 50)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two runs wrote different corpora")
	}
	sc := bufio.NewScanner(&a)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		var l struct {
			Text  string
			Spans []struct{ Start, End int }
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		n := utf8.RuneCountInString(l.Text)
		if len(l.Spans) != 50 || n < 4000 {
			t.Fatalf("line %d: %d spans, %d characters", lines, len(l.Spans), n)
		}
		for _, s := range l.Spans {
			if s.Start < 0 || s.End > n || s.Start >= s.End {
				t.Fatalf("line %d: span %d-%d out of a %d-character text", lines, s.Start, s.End, n)
			}
		}
	}
	if lines != 20 {
		t.Errorf("%d lines, want 20", lines)
	}
}

// TestWriteUnchanged pins Write's corpus: the benchmarks that use it compare figures across versions.
func TestWriteUnchanged(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, 20, 50); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%x", sha256.Sum256(buf.Bytes())), "9c459ac23d5d41992126a88615064d70c3bb8c16fafe21cedc3b18dfdd9b999c"; got != want {
		t.Errorf("Write(20, 50) changed: SHA-256 %s, want %s", got, want)
	}
}

func TestWriteOptions(t *testing.T) {
	o := Options{Docs: 30, Spans: 30, Annotators: []string{"a", "b", "c"}, MinChars: 2000, MaxChars: 4000, Status: "done", Shared: true}
	var buf bytes.Buffer
	if err := WriteOptions(&buf, o); err != nil {
		t.Fatal(err)
	}
	lengths := map[int]bool{}
	shared := 0 // spans of a that b has too
	for i, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var l line
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatal(err)
		}
		n := utf8.RuneCountInString(l.Text)
		if n < 2000 || n > 4000+20 {
			t.Errorf("document %d: %d characters, want 2,000 to 4,000 and its number", i, n)
		}
		lengths[n/100] = true
		per := map[string]int{}
		of := map[span]bool{}
		for _, s := range l.Spans {
			per[s.Annotator]++
			if s.Start < 0 || s.End > n || s.Start >= s.End {
				t.Fatalf("document %d: span %d-%d out of a %d-character text", i, s.Start, s.End, n)
			}
			of[s] = true
		}
		for _, s := range l.Spans {
			if s.Annotator == "a" && of[span{s.Start, s.End, s.Label, "b"}] {
				shared++
			}
		}
		if per["a"] != 30 || per["b"] != 30 || per["c"] != 30 || len(per) != 3 {
			t.Errorf("document %d: spans per annotator %v, want 30 each of a, b, c", i, per)
		}
		if len(l.Status) != 3 || l.Status["b"] != "done" {
			t.Errorf("document %d: status %v", i, l.Status)
		}
	}
	if len(lengths) < 5 {
		t.Errorf("document lengths hardly vary: %v", lengths)
	}
	// about (4/5 × 8/10)² of the spans are the same for a and b
	if frac := float64(shared) / (30 * 30); frac < 0.3 || frac > 0.7 {
		t.Errorf("a and b share %.2f of their spans, want about half", frac)
	}
}

func TestTotalSpans(t *testing.T) {
	for name, o := range map[string]Options{
		"spread":    {Docs: 7, TotalSpans: 1003, Annotators: Annotators(3), MinChars: 1000, MaxChars: 3000},
		"fewer":     {Docs: 10, TotalSpans: 4, Annotators: Annotators(1)},
		"shared":    {Docs: 5, TotalSpans: 300, Annotators: Annotators(3), Shared: true},
		"too dense": {Docs: 2, TotalSpans: 1_000_000, Annotators: Annotators(2), MinChars: 50},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteOptions(&buf, o); err != nil {
				t.Fatal(err)
			}
			total, docs := 0, 0
			annotators := map[string]bool{}
			for _, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
				var l line
				if err := json.Unmarshal(raw, &l); err != nil {
					t.Fatal(err)
				}
				docs++
				total += len(l.Spans)
				for _, s := range l.Spans {
					annotators[s.Annotator] = true
				}
			}
			want := o.TotalSpans
			if name == "too dense" {
				if total == 0 || total >= want {
					t.Errorf("%d spans in two 50-character texts", total)
				}
				return
			}
			if docs != o.Docs || total != want || len(annotators) != len(o.Annotators) {
				t.Errorf("%d documents, %d spans, annotators %v; want %d, %d, %d", docs, total, annotators, o.Docs, want, len(o.Annotators))
			}
		})
	}
	if got := Annotators(10); got[0] != "ana" || got[2] != "cleo" || got[9] != "annotator-10" {
		t.Errorf("Annotators(10) = %v", got)
	}
}
