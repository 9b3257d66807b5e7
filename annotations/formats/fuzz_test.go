package formats

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

func FuzzTxtReader(f *testing.F) {
	for _, s := range []string{"", "Kyiv said 40 tanks.\r\n", "\uFEFFe\u0301", "a\x00b", "\xff\xfeK\x00", "ok\n\xed\xa0\x80\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := NewTxtReader(bytes.NewReader(b), "fuzz.txt", "fuzz").Next()
		var ie *annotations.ImportError
		switch {
		case errors.As(err, &ie):
			if ie.File != "fuzz.txt" || ie.Reason == "" || ie.Line > bytes.Count(b, []byte("\n"))+1 {
				t.Fatalf("problem %q does not name the file and a line of it", ie.Error())
			}
		case err != nil:
			t.Fatalf("reader error %v is not an ImportError", err)
		case rec.Text != string(b) || !utf8.ValidString(rec.Text):
			t.Fatalf("text %q read as %q", b, rec.Text)
		}
		fuzzReader(t, NewTxtReader(bytes.NewReader(b), "fuzz.txt", "fuzz"))
	})
}

// FuzzUTF16Offsets checks the conversion of offsets between UTF-16 code units and code points, both
// ways, on any valid UTF-8 text: every code point offset goes to UTF-16 and back to itself, and a
// UTF-16 offset converts exactly when it falls between two characters of the text.
func FuzzUTF16Offsets(f *testing.F) {
	for _, s := range []string{"", "Kyiv", "🇺🇦 Kyiv", "e\u0301🙂x", "\U0010FFFF\uFFFD"} {
		f.Add(s, 0)
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, u int) {
		if !utf8.ValidString(s) {
			return // the reader converts only valid texts
		}
		out := newOutOffsets(s, UTF16)
		boundary := map[int]int{} // UTF-16 offset → code point offset
		units, cp := 0, 0
		for _, r := range s {
			boundary[units] = cp
			units += utf16.RuneLen(r)
			cp++
		}
		boundary[units] = cp
		for unit, cp := range boundary {
			if got := out.at(cp); got != unit {
				t.Fatalf("code point %d of %q is UTF-16 %d, want %d", cp, s, got, unit)
			}
			if len(boundary) > 300 {
				continue // codePointsFromUTF16 walks the text: keep the check linear
			}
			if got, why := codePointsFromUTF16(s, unit); got != cp || why != "" {
				t.Fatalf("UTF-16 %d of %q is code point %d (%s), want %d", unit, s, got, why, cp)
			}
		}
		got, why := codePointsFromUTF16(s, u)
		want, ok := boundary[u]
		switch {
		case ok && (why != "" || got != want):
			t.Fatalf("UTF-16 %d of %q is code point %d (%s), want %d", u, s, got, why, want)
		case !ok && why == "":
			t.Fatalf("UTF-16 %d of %q is not between two characters but converts to %d", u, s, got)
		}
	})
}

// FuzzImportJSONL imports a JSONL file into a project: it never panics, and either every problem
// names the file and one of its lines and the project stays empty, or the project passes its check
// and holds only normalised (NFC) texts with every span inside its text.
func FuzzImportJSONL(f *testing.F) {
	for _, s := range []string{
		`{"text": "Kyiv said 40 tanks.", "spans": [{"start": 0, "end": 4, "label": "actor", "text": "Kyiv"}, {"start": 10, "end": 18, "label": "figure", "annotator": "b"}], "relations": [{"from": 1, "to": 0, "type": "said_by"}]}`,
		"{\"text\": \"\uFEFFe\u0301\\r\\nb\", \"spans\": [{\"start\": 1, \"end\": 3, \"label\": \"x\"}], \"status\": {\"fuzz\": \"done\"}}",
		`{"text": "🇺🇦 x", "spans": [{"start": 2, "end": 1, "label": "a"}]}` + "\n" + `{"text": "y", "text": "z"}`,
		`{"text": "a", "meta": {"k": [1, {"k": 2}]}, "spans": [{"start": 0, "end": 1, "label": "figure", "attributes": {"value": 1e308}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx := context.Background()
		p := openProject(t)
		_, err := p.Import(ctx, NewJSONLReader(bytes.NewReader(b), "fuzz.jsonl"), annotations.ImportOptions{Annotator: "fuzz"})
		if err != nil {
			var ie *annotations.ImportErrors
			if !errors.As(err, &ie) {
				t.Fatalf("import error %v is not ImportErrors", err)
			}
			lines := bytes.Count(b, []byte("\n")) + 1
			for _, e := range ie.Problems {
				if e.File != "fuzz.jsonl" || e.Line < 1 || e.Line > lines || e.Reason == "" {
					t.Fatalf("problem %q does not name the file and a line of it", e.Error())
				}
			}
			if st, err := p.Stats(ctx); err != nil || st.Documents != 0 || st.Spans != 0 {
				t.Fatalf("a failed import left %+v (%v)", st, err)
			}
			return
		}
		if rep, err := p.Check(ctx); err != nil || !rep.OK() {
			t.Fatalf("check: %+v, %v", rep, err)
		}
		err = p.Export(ctx, annotations.ExportQuery{}, func(d *annotations.ExportDocument) error {
			n := utf8.RuneCountInString(d.Text)
			if !utf8.ValidString(d.Text) || !text.IsNormalized(d.Text) || strings.ContainsRune(d.Text, 0) {
				t.Fatalf("stored text %q is not valid normalised text", d.Text)
			}
			for _, s := range d.Spans {
				if s.Start < 0 || s.Start >= s.End || s.End > n {
					t.Fatalf("span %d-%d of a text of %d characters", s.Start, s.End, n)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
