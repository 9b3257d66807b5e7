package benchdata

import (
	"bufio"
	"bytes"
	"encoding/json"
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
