package formats

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

// hostileDir holds one small file (or brat folder) per kind of hostile input.
const hostileDir = "testdata/hostile"

// hostileCase is the import of a file of testdata/hostile into a project that already holds work.
type hostileCase struct {
	format  string
	offsets Offsets
	// want are the problems, FILE:LINE: reason with FILE under hostileDir. None means the input is
	// accepted, with this summary, and still changes nothing.
	want    []string
	summary string
}

// TestHostileInput imports each file of testdata/hostile (the case's name) into a project holding
// the test corpus, with every annotator's spans, and checks the problems reported, each naming its
// file and line, and that the project is unchanged: the same JSONL export byte for byte, and a clean
// check (SQLite's integrity and foreign key checks, and Tagdesk's own).
func TestHostileInput(t *testing.T) {
	tests := map[string]hostileCase{
		"README-no-ext":                  {want: []string{"README-no-ext: cannot tell the format from the extension \"\"; give --format (txt, jsonl, doccano, spacy, prodigy, labelstudio, brat)"}},
		"beyond-text.jsonl":              {want: []string{"beyond-text.jsonl:1: span 1 (\"figure\"): end 90 is past the end of the text (19 characters)"}},
		"binary.bin":                     {want: []string{"binary.bin: cannot tell the format from the extension \".bin\"; give --format (txt, jsonl, doccano, spacy, prodigy, labelstudio, brat)"}},
		"brat-bad":                       {want: []string{"brat-bad/a.ann:2: T2: end 99 is past the end of a.txt (20 characters)", "brat-bad/a.ann:3: T3: its text \"41\" does not match a.txt at 10–12, which is \"40\"", "brat-bad/a.ann:4: no tab after the id: brat separates the id, the annotation and its text with tabs", "brat-bad/a.ann:5: the id T1 is used twice (first on line 1)"}},
		"brat-invalid-utf8":              {want: []string{"brat-invalid-utf8/a.txt:1: invalid UTF-8 at byte 11 (0xFF); save the file as UTF-8"}},
		"brat-orphan.ann":                {want: []string{"brat-orphan.ann: has no brat-orphan.txt beside it"}},
		"deep-nesting.jsonl":             {want: []string{"deep-nesting.jsonl:1: invalid JSON at byte 10025: invalid character '[' exceeded max depth"}},
		"doccano-beyond-text.jsonl":      {want: []string{"doccano-beyond-text.jsonl:1: span 2 (\"figure\"): end 99 is past the end of the text (19 characters)"}},
		"doccano-duplicate-key.jsonl":    {want: []string{"doccano-duplicate-key.jsonl:1: the key \"label\" appears twice in the same object (in any case of letters); keep one (the second at byte 110)"}},
		"doccano-wrong-type.jsonl":       {want: []string{"doccano-wrong-type.jsonl:1: label 2: end should be a number, not a string"}},
		"duplicate-key-escaped.jsonl":    {want: []string{"duplicate-key-escaped.jsonl:1: the key \"source\" appears twice in the same object (in any case of letters); keep one (the second at byte 57)"}},
		"duplicate-key-case.jsonl":       {want: []string{"duplicate-key-case.jsonl:1: the key \"Start\" appears twice in the same object (in any case of letters); keep one (the second at byte 84)"}},
		"duplicate-key-span.jsonl":       {want: []string{"duplicate-key-span.jsonl:1: the key \"end\" appears twice in the same object (in any case of letters); keep one (the second at byte 129)"}},
		"duplicate-key-top.jsonl":        {want: []string{"duplicate-key-top.jsonl:1: the key \"text\" appears twice in the same object (in any case of letters); keep one (the second at byte 33)"}},
		"empty.jsonl":                    {summary: "Imported 0 records: 0 documents added, 0 documents already present; 0 spans added, 0 spans already present."},
		"empty.txt":                      {summary: "Imported 1 record: 0 documents added, 1 document already present; 0 spans added, 0 spans already present."},
		"huge-number-float.jsonl":        {want: []string{"huge-number-float.jsonl:1: span 1: end 1e400 is too large"}},
		"huge-number-int.jsonl":          {want: []string{"huge-number-int.jsonl:1: span 1: end 123456789012345678901234567890 is too large"}},
		"huge-number-relation.jsonl":     {want: []string{"huge-number-relation.jsonl:1: relation 1: \"to\" 1e30 is too large"}},
		"huge-number-score.jsonl":        {want: []string{"huge-number-score.jsonl:1: span 1: \"score\" 1e999 is too large"}},
		"invalid-utf8.jsonl":             {want: []string{"invalid-utf8.jsonl:1: invalid UTF-8 at byte 14 (0xC3); save the file as UTF-8"}},
		"invalid-utf8.txt":               {want: []string{"invalid-utf8.txt:2: invalid UTF-8 at byte 6 (0xE8); save the file as UTF-8"}},
		"labelstudio-beyond-text.json":   {want: []string{"labelstudio-beyond-text.json:2: span 1 (\"actor\"): end 400 is past the end of the text (19 characters)"}},
		"labelstudio-duplicate-key.json": {want: []string{"labelstudio-duplicate-key.json:2: task 1: the key \"data\" appears twice in the same object (in any case of letters); keep one"}},
		"labelstudio-open.json":          {want: []string{"labelstudio-open.json:1: the JSON ends too early: the list of tasks is not closed with ] (truncated file?)"}},
		"labelstudio-truncated.json":     {want: []string{"labelstudio-truncated.json:2: task 1: the JSON ends too early (truncated file?)"}},
		"labelstudio-wrong-type.json":    {want: []string{"labelstudio-wrong-type.json:2: task 1: \"annotations\" should be a list"}},
		"negative-offset.jsonl":          {want: []string{"negative-offset.jsonl:1: span 1 (\"actor\"): start -3 is negative"}},
		"not-an-object.jsonl":            {want: []string{"not-an-object.jsonl:1: task 1: expected a JSON object (a Label Studio task), found a number", "not-an-object.jsonl:1: task 2: expected a JSON object (a Label Studio task), found a number", "not-an-object.jsonl:1: task 3: expected a JSON object (a Label Studio task), found a number"}},
		"nul-byte.txt":                   {want: []string{"nul-byte.txt:2: the file contains NUL bytes: it is not a text file"}},
		"nul-escaped.jsonl":              {want: []string{"nul-escaped.jsonl:1: the text holds a NUL character (U+0000) at character 4: it is not text"}},
		"nul-raw.jsonl":                  {want: []string{"nul-raw.jsonl:1: invalid JSON at byte 15: invalid character '\\x00' in string literal"}},
		"overlong-utf8.txt":              {want: []string{"overlong-utf8.txt:1: invalid UTF-8 at byte 10 (0xC0); save the file as UTF-8"}},
		"prodigy-answer.jsonl":           {want: []string{"prodigy-answer.jsonl:1: \"answer\" is \"maybe\", not \"accept\", \"reject\" or \"ignore\""}},
		"prodigy-token-range.jsonl":      {want: []string{"prodigy-token-range.jsonl:1: span 1: token_start 0 or token_end 9 is not one of the 1 tokens"}},
		"relation-index.jsonl":           {want: []string{"relation-index.jsonl:1: relation 1: \"to\" 3 is not the index of a span (there are 1, from 0)"}},
		"reversed-offsets.jsonl":         {want: []string{"reversed-offsets.jsonl:1: span 1 (\"figure\"): end 10 is before start 12"}},
		"spacy-fraction.jsonl":           {want: []string{"spacy-fraction.jsonl:1: ents 1: end 4.5 is not a whole number"}},
		"spacy-reversed.jsonl":           {want: []string{"spacy-reversed.jsonl:1: span 1 (\"GPE\"): end 0 is before start 4"}},
		"span-text-mismatch.jsonl":       {want: []string{"span-text-mismatch.jsonl:1: span 1 (\"actor\"): its text \"Kiev\" does not match the document text at 0–4, which is \"Kyiv\""}},
		"surrogate-utf8.txt":             {want: []string{"surrogate-utf8.txt:2: invalid UTF-8 at byte 1 (0xED); save the file as UTF-8"}},
		"truncated.jsonl":                {want: []string{"truncated.jsonl:2: the JSON ends too early (truncated line?)"}},
		"unknown-field.jsonl":            {want: []string{"unknown-field.jsonl:1: unknown field \"comment\""}},
		"unknown-format.csv":             {want: []string{"unknown-format.csv: cannot tell the format from the extension \".csv\"; give --format (txt, jsonl, doccano, spacy, prodigy, labelstudio, brat)"}},
		"utf16.txt":                      {want: []string{"utf16.txt: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"}},
		"wrong-type-label.jsonl":         {want: []string{"wrong-type-label.jsonl:1: span 1: \"label\" should be a string, not a JSON number"}},
		"wrong-type-offset.jsonl":        {want: []string{"wrong-type-offset.jsonl:1: span 1: start should be a number, not a string"}},
		"wrong-type-spans.jsonl":         {want: []string{"wrong-type-spans.jsonl:1: \"spans\" should be a list, not a JSON object"}},
		"wrong-type-text.jsonl":          {want: []string{"wrong-type-text.jsonl:1: \"text\" should be a string, not a JSON number"}},
		"utf16-split.jsonl":              {offsets: UTF16, want: []string{"utf16-split.jsonl:1: span 1: the UTF-16 offset 6 falls inside the character '🇺' (a surrogate pair)"}},
	}
	entries, err := os.ReadDir(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := tests[e.Name()]; !ok {
			t.Errorf("%s/%s has no case", hostileDir, e.Name())
		}
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := corpusProject(t)
			before := snapshot(t, p)
			r := OpenWith([]string{filepath.Join(hostileDir, name)}, ReadOptions{Format: tc.format, Offsets: tc.offsets}, strings.NewReader(""))
			defer r.Close()
			rep, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "carol"})
			var ie *annotations.ImportErrors
			switch {
			case errors.As(err, &ie):
				var got []string
				for _, e := range ie.Problems {
					got = append(got, strings.TrimPrefix(filepath.ToSlash(e.Error()), hostileDir+"/"))
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("problems\n%q\nwant\n%q", got, tc.want)
				}
			case err != nil:
				t.Fatalf("import: %v; want problems or a report", err)
			case tc.want != nil:
				t.Errorf("import: %s; want problems %q", rep.Summary(), tc.want)
			case rep.Summary() != tc.summary:
				t.Errorf("import: %s; want %s", rep.Summary(), tc.summary)
			}
			if after := snapshot(t, p); after != before {
				t.Errorf("the project changed:\n--- before\n%s\n--- after\n%s", before, after)
			}
		})
	}
}

// snapshot is what must not change when an import fails: a full JSONL export and a clean check.
func snapshot(t *testing.T, p *annotations.Project) string {
	t.Helper()
	rep, err := p.Check(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("check: %+v, %v", rep, err)
	}
	return string(export(t, p, JSONL, annotations.ExportQuery{}, WriterOptions{}))
}

// hugeCase is one import of a large generated input, in a child process.
type hugeCase struct {
	name  string                  // the file or folder written in the temporary folder
	write func(path string) error // writes it
	want  string                  // the import's summary, or its first problem (FILE:LINE: reason)
	limit int64                   // the most the child's peak resident memory may grow, in bytes, over a trivial import's
}

// TestHostileHuge imports inputs at and past the limits (MaxLine) in a child process, this test
// binary run again, and checks what the import says and the child's peak resident memory, which the
// kernel reports when the child ends: a refused input costs at most the limit, an accepted one a
// bounded multiple of its size.
func TestHostileHuge(t *testing.T) {
	if path := os.Getenv("TAGDESK_HUGE_IMPORT"); path != "" {
		hugeChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("writes and imports about 600 MB")
	}
	if runtime.GOOS != "linux" {
		t.Skip("peak memory comes from getrusage's ru_maxrss, which only Linux gives in kilobytes (macOS gives bytes, Windows none)")
	}
	const mib = 1 << 20
	big := func(n int, head, tail string) func(string) error { // head, then n bytes of prose, then tail
		return func(path string) error {
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			line := strings.Repeat("L'armée a déclaré 40 chars détruits près de Kyiv ; « 1 100 » soldats. ", 20)
			line = line[:len(line)-2] + "\n"
			if head != "" {
				line = strings.ReplaceAll(line, "\n", `\n`) // within one JSON string
			}
			w := bufio.NewWriter(f) // the parent's memory counts in the child's (see hugeChild)
			w.WriteString(head)
			for ; n > 0; n -= len(line) {
				w.WriteString(line[:min(n, len(line))])
			}
			w.WriteString(tail)
			if err := w.Flush(); err != nil {
				return err
			}
			return f.Close()
		}
	}
	over := MaxLine + mib
	cases := []hugeCase{
		{name: "small.jsonl", write: big(100, `{"text": "`, "\"}\n"), want: "Imported 1 record: 1 document added, 0 documents already present; 0 spans added, 0 spans already present."},
		{name: "50MB.txt", write: big(50_000_000, "", ""), limit: 8 * 50_000_000,
			want: "Imported 1 record: 1 document added, 0 documents already present; 0 spans added, 0 spans already present."},
		{name: "long-line.jsonl", write: big(over, `{"text": "`, "\"}\n{\"text\": \"ok\"}\n"), limit: 6 * MaxLine,
			want: fmt.Sprintf("long-line.jsonl:1: the line is longer than %d MiB", MaxLine/mib)},
		{name: "longer-line.jsonl", write: big(5*MaxLine, `{"text": "`, "\"}\n{\"text\": \"ok\"}\n"), limit: 6 * MaxLine,
			want: fmt.Sprintf("longer-line.jsonl:1: the line is longer than %d MiB", MaxLine/mib)},
		{name: "huge.txt", write: big(over, "", ""), limit: 6 * MaxLine,
			want: fmt.Sprintf("huge.txt: the file is larger than %d MiB", MaxLine/mib)},
		{name: "huge-task.json", write: big(over, `[{"data": {"text": "`, "\"}}]\n"), limit: 6 * MaxLine,
			want: fmt.Sprintf("huge-task.json:1: task 1 is larger than %d MiB", MaxLine/mib)},
	}
	dir := t.TempDir()
	var base int64
	peak := map[string]int64{}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := c.write(path); err != nil {
			t.Fatal(err)
		}
		got, rss := runHugeChild(t, path)
		os.Remove(path)
		if got != c.want {
			t.Errorf("%s: %q\nwant %q", c.name, got, c.want)
		}
		if c.limit == 0 {
			base = rss
			t.Logf("%s: peak RSS %d MiB", c.name, rss/mib)
			continue
		}
		t.Logf("%s: peak RSS %d MiB, %d MiB over the small import's (limit %d MiB)", c.name, rss/mib, (rss-base)/mib, c.limit/mib)
		if rss-base > c.limit {
			t.Errorf("%s: the import's peak memory grew %d MiB, more than %d MiB", c.name, (rss-base)/mib, c.limit/mib)
		}
		peak[c.name] = rss
	}
	// streaming: a line five times longer than MaxLine costs no more than one just past it
	if a, b := peak["long-line.jsonl"], peak["longer-line.jsonl"]; b > a+16*mib {
		t.Errorf("a line of %d MiB took %d MiB at peak, one of %d MiB %d MiB: memory grows with the line", 5*MaxLine/mib, b/mib, over/mib, a/mib)
	}
}

// runHugeChild imports path in a child process and returns what it said and its peak resident
// memory in bytes.
func runHugeChild(t *testing.T, path string) (string, int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHostileHuge$")
	cmd.Env = append(os.Environ(), "TAGDESK_HUGE_IMPORT="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var said string
	var peak int64
	for _, line := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(line, "RESULT: "); ok {
			said = strings.TrimPrefix(s, filepath.Dir(path)+string(filepath.Separator))
		}
		if s, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Sscanf(strings.TrimSpace(s), "%d kB", &peak)
		}
	}
	if said == "" || peak == 0 {
		t.Fatalf("the child said no result or no peak memory:\n%s", out)
	}
	return said, peak * 1024
}

// hugeChild imports path into a new project and prints the summary or the first problem, then its
// peak resident memory as the kernel counts it, VmHWM. (getrusage's ru_maxrss would not do: Linux
// keeps it across exec, and Go starts a child in the parent's memory, so it gives at least the
// parent's size.)
func hugeChild(t *testing.T, path string) {
	p := openProject(t)
	r := Open([]string{path}, "", nil)
	defer r.Close()
	rep, err := p.Import(context.Background(), r, annotations.ImportOptions{Annotator: "carol"})
	var ie *annotations.ImportErrors
	switch {
	case errors.As(err, &ie):
		fmt.Println("RESULT: " + ie.Problems[0].Error())
	case err != nil:
		t.Fatal(err)
	default:
		fmt.Println("RESULT: " + rep.Summary())
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Println(line)
		}
	}
}

func TestDuplicateKey(t *testing.T) {
	many := `"k0": 0`
	for i := 1; i < 20; i++ {
		many += fmt.Sprintf(`, "k%d": %d`, i, i)
	}
	tests := map[string]struct {
		json string
		key  string
		at   int
	}{
		"none":                        {`{"text": "a", "spans": [{"start": 0}, {"start": 1}]}`, "", 0},
		"same values, other keys":     {`{"a": "b", "c": "b", "b": "a"}`, "", 0},
		"top level":                   {`{"text": "a", "text": "b"}`, "text", 15},
		"in the second span":          {`{"spans": [{"start": 0}, {"start": 1, "end": 2, "start": 3}]}`, "start", 49},
		"after an inner object":       {`{"a": {"b": 1}, "b": 2, "a": 3}`, "a", 25},
		"many keys":                   {"{" + many + `, "k7": 0}`, "k7", 2 + len(many) + 2},
		"escaped the second time":     {`{"source": 1, "sour\u0063e": 2}`, "source", 15},
		"quote in a key":              {`{"a\"b": 1, "a\"b": 2}`, `a"b`, 13},
		"braces and quotes in values": {`{"a": "{\"a\": 1}", "b": "\\", "c": 1}`, "", 0},
		"list of lists":               {`[[{"a": 1}], {"a": 2}]`, "", 0},
		"other case":                  {`{"start": 0, "Start": 1}`, "Start", 14},
		"other case, many keys":       {"{" + many + `, "K7": 0}`, "K7", 2 + len(many) + 2},
		"final sigma, few keys":       {`{"ς": 0, "σ": 1}`, "", 0},
		"final sigma, many keys":      {"{" + many + `, "ς": 0, "σ": 1}`, "", 0},
	}
	for name, tc := range tests {
		if key, at := duplicateKey([]byte(tc.json)); key != tc.key || at != tc.at {
			t.Errorf("%s: duplicateKey(%s) = %q at %d, want %q at %d", name, tc.json, key, at, tc.key, tc.at)
		}
	}
}
