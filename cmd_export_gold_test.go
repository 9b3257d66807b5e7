package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
)

func TestCLIExportGold(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	project := filepath.Join(dir, "review.tagdesk")
	in := writeFile(t, filepath.Join(dir, "in.jsonl"),
		`{"id":"d1","text":"Kyiv: 40 drones","meta":{},"spans":[{"start":0,"end":4,"label":"actor","annotator":"alice"},{"start":0,"end":4,"label":"actor","annotator":"bob"},{"start":6,"end":15,"label":"figure","annotator":"alice"}]}
{"id":"d2","text":"Rien à signaler.","meta":{},"spans":[{"start":0,"end":4,"label":"claim","annotator":"bob"}]}
{"id":"d3","text":"Pas encore vu.","spans":[{"start":0,"end":3,"label":"claim","annotator":"bob"}]}
`)
	if code, _, errs := c.run("", "import", "--project", project, in); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	if code, _, errs := c.run("", "export", "--project", project, "--gold"); code != 1 || !strings.Contains(errs, "no gold layer yet") {
		t.Errorf("export --gold before any review: code %d, %q", code, errs)
	}

	// review: d1 accepts the unanimous actor and alice's figure and is reviewed; d2 rejects bob's
	// claim and stays in review; d3 is not reviewed
	ctx := context.Background()
	p, err := annotations.Open(ctx, project, annotations.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := annotations.NewHistory(p)
	docs, err := p.ListDocuments(ctx, annotations.DocumentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := p.ReviewDocument(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := h.AutoAccept(ctx, rd, annotations.AcceptRule{Unanimous: true}, "rita"); n != 1 || err != nil {
		t.Fatalf("AutoAccept: %d, %v", n, err)
	}
	figure := rd.Conflicts()[0]
	if _, err := h.Decide(ctx, annotations.Decision{DocumentID: docs[0].ID, Reviewer: "rita", Name: "accept", Add: figure.Version("alice")}); err != nil {
		t.Fatal(err)
	}
	if err := h.SetReview(ctx, docs[0].ID, annotations.ReviewDone, "rita"); err != nil {
		t.Fatal(err)
	}
	rd, _ = p.ReviewDocument(ctx, docs[1].ID)
	claim := rd.Conflicts()[0]
	if _, err := h.Decide(ctx, annotations.Decision{DocumentID: docs[1].ID, Reviewer: "rita", Name: "reject",
		Reject: []annotations.Rejection{{Start: claim.Start, End: claim.End}}}); err != nil {
		t.Fatal(err)
	}
	p.Close()

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--format", "csv"}, "document_id,document_name,annotator,label,start,end,text,note,attributes\r\n" +
			"d1,d1,gold,actor,0,4,Kyiv,,\r\nd1,d1,gold,figure,6,15,40 drones,,\"{\"\"unit\"\":\"\"equipment\"\",\"\"value\"\":40}\"\r\n"},
		{[]string{"--format", "jsonl"},
			`{"id":"d1","name":"d1","text":"Kyiv: 40 drones","meta":{},"spans":[{"start":0,"end":4,"label":"actor","text":"Kyiv","annotator":"gold"},{"start":6,"end":15,"label":"figure","text":"40 drones","annotator":"gold","attributes":{"unit":"equipment","value":40}}],"status":{"gold":"done"}}` + "\n" +
				`{"id":"d2","name":"d2","text":"Rien à signaler.","meta":{},"spans":[],"status":{"gold":"in_progress"}}` + "\n"},
		{[]string{"--format", "jsonl", "--status", "done"},
			`{"id":"d1","name":"d1","text":"Kyiv: 40 drones","meta":{},"spans":[{"start":0,"end":4,"label":"actor","text":"Kyiv","annotator":"gold"},{"start":6,"end":15,"label":"figure","text":"40 drones","annotator":"gold","attributes":{"unit":"equipment","value":40}}],"status":{"gold":"done"}}` + "\n"},
		{[]string{"--format", "doccano"},
			`{"text":"Kyiv: 40 drones","label":[[0,4,"actor"],[6,15,"figure"]],"document_id":"d1","name":"d1","annotator":"gold"}` + "\n" +
				`{"text":"Rien à signaler.","label":[],"document_id":"d2","name":"d2","annotator":"gold"}` + "\n"},
	}
	for _, tt := range tests {
		args := append([]string{"export", "--project", project, "--gold"}, tt.args...)
		code, out, errs := c.run("", args...)
		if code != 0 || out != tt.want {
			t.Errorf("%s: code %d %s\n%s\nwant\n%s", strings.Join(tt.args, " "), code, errs, out, tt.want)
		}
	}
	if code, _, errs := c.run("", "export", "--project", project, "--gold", "--annotator", "alice"); code != 2 || !strings.Contains(errs, "cannot be used together") {
		t.Errorf("--gold with --annotator: code %d %q", code, errs)
	}
}
