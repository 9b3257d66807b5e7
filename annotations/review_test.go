package annotations

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// reviewSpan writes a span as "annotator:label:start-end" for comparisons.
func reviewSpan(s Span) string {
	return fmt.Sprintf("%s:%s:%d-%d", s.Annotator, s.Label, s.Start, s.End)
}

func reviewSpans(spans []Span) string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = reviewSpan(s)
	}
	return strings.Join(out, " ")
}

// parseReviewSpans reads "alice:actor:0-9 bob:figure:3-5" into spans of document 1.
func parseReviewSpans(t *testing.T, s string) []Span {
	t.Helper()
	var out []Span
	for _, f := range strings.Fields(s) {
		var sp Span
		parts := strings.Split(f, ":")
		if len(parts) != 3 {
			t.Fatalf("bad span %q", f)
		}
		if _, err := fmt.Sscanf(parts[2], "%d-%d", &sp.Start, &sp.End); err != nil {
			t.Fatalf("bad span %q: %v", f, err)
		}
		sp.DocumentID, sp.Annotator, sp.Label = 1, parts[0], parts[1]
		out = append(out, sp)
	}
	slices.SortStableFunc(out, func(a, b Span) int { return a.Start - b.Start })
	return out
}

func TestReviewGroups(t *testing.T) {
	tests := []struct {
		name        string
		spans, gold string
		rejected    [][2]int
		want        []string // each group: its spans, then "|" and flags
	}{
		{
			name:  "unanimous and label conflict",
			spans: "alice:actor:0-9 bob:actor:0-9 alice:actor:20-25 bob:figure:20-25",
			want:  []string{"alice:actor:0-9 bob:actor:0-9 | unanimous", "alice:actor:20-25 bob:figure:20-25 | conflict"},
		},
		{
			name:  "boundaries differ with the same label",
			spans: "alice:actor:0-9 bob:actor:4-12",
			want:  []string{"alice:actor:0-9 bob:actor:4-12 | conflict"},
		},
		{
			name:  "a claim and the actor inside it are two groups",
			spans: "alice:claim:0-100 bob:claim:0-100 alice:actor:10-19 bob:actor:10-19",
			want:  []string{"alice:claim:0-100 bob:claim:0-100 | unanimous", "alice:actor:10-19 bob:actor:10-19 | unanimous"},
		},
		{
			name:  "different labels on mostly the same words are one group",
			spans: "alice:actor:0-10 bob:weapon:2-10",
			want:  []string{"alice:actor:0-10 bob:weapon:2-10 | conflict"},
		},
		{
			name:  "a span only one annotator made",
			spans: "alice:figure:30-35",
			want:  []string{"alice:figure:30-35 | conflict"},
		},
		{
			name:     "gold and rejections resolve groups",
			spans:    "alice:actor:0-9 bob:actor:0-12 alice:figure:20-25",
			gold:     "gold:actor:0-12",
			rejected: [][2]int{{20, 25}},
			want: []string{"alice:actor:0-9 bob:actor:0-12 | conflict gold:actor:0-12",
				"alice:figure:20-25 | conflict rejected"},
		},
		{
			name:     "a rejection of another extent does not resolve the group",
			spans:    "alice:figure:20-25 bob:figure:20-26",
			rejected: [][2]int{{20, 25}},
			want:     []string{"alice:figure:20-25 bob:figure:20-26 | conflict"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := ReviewDocument{DocumentID: 1, Annotators: []string{"alice", "bob"},
				Spans: parseReviewSpans(t, tt.spans), Gold: parseReviewSpans(t, tt.gold)}
			for _, r := range tt.rejected {
				rd.Rejections = append(rd.Rejections, Rejection{DocumentID: 1, Start: r[0], End: r[1]})
			}
			var got []string
			for _, g := range rd.Groups() {
				flags := "conflict"
				if _, ok := g.Unanimous(rd.Annotators); ok {
					flags = "unanimous"
				}
				if len(g.Gold) > 0 {
					flags += " " + reviewSpans(g.Gold)
				}
				if g.Rejected {
					flags += " rejected"
				}
				if g.Resolved() != (len(g.Gold) > 0 || g.Rejected) {
					t.Errorf("Resolved() = %v with gold %v rejected %v", g.Resolved(), g.Gold, g.Rejected)
				}
				got = append(got, reviewSpans(g.Spans)+" | "+flags)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("groups:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestReviewAccepted(t *testing.T) {
	annotators := []string{"alice", "bob", "carol"}
	tests := []struct {
		name  string
		spans string
		rule  AcceptRule
		want  string
	}{
		{"unanimous accepted", "alice:actor:0-9 bob:actor:0-9 carol:actor:0-9", AcceptRule{Unanimous: true}, "gold:actor:0-9"},
		{"unanimous off", "alice:actor:0-9 bob:actor:0-9 carol:actor:0-9", AcceptRule{}, ""},
		{"two of three is no unanimity", "alice:actor:0-9 bob:actor:0-9 carol:actor:0-12", AcceptRule{Unanimous: true}, ""},
		{"two of three is a majority of 2", "alice:actor:0-9 bob:actor:0-9 carol:actor:0-12", AcceptRule{Majority: 2}, "gold:actor:0-9"},
		{"missing annotator still a majority", "alice:actor:0-9 bob:actor:0-9", AcceptRule{Majority: 2}, "gold:actor:0-9"},
		{"one of three is not a majority of 2", "alice:actor:0-9 bob:figure:0-9 carol:weapon:0-9", AcceptRule{Majority: 2}, ""},
		{"majority of 3 needs all", "alice:actor:0-9 bob:actor:0-9 carol:actor:0-12", AcceptRule{Majority: 3}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := ReviewDocument{DocumentID: 1, Annotators: annotators, Spans: parseReviewSpans(t, tt.spans)}
			var got []Span
			for _, g := range rd.Groups() {
				for _, s := range g.Accepted(annotators, tt.rule) {
					s.Annotator = Gold
					got = append(got, s)
				}
			}
			if reviewSpans(got) != tt.want {
				t.Errorf("accepted %q, want %q", reviewSpans(got), tt.want)
			}
		})
	}
	one := ReviewDocument{DocumentID: 1, Annotators: []string{"alice"}, Spans: parseReviewSpans(t, "alice:actor:0-9")}
	if got := one.Groups()[0].Accepted(one.Annotators, AcceptRule{Unanimous: true, Majority: 1}); len(got) != 0 {
		t.Errorf("a single annotator's span was accepted: %v", got)
	}
	if got := len(one.Conflicts()); got != 1 {
		t.Errorf("a single annotator's document has %d conflicts, want 1 (every span is the reviewer's)", got)
	}
}

// reviewFixture is a project with one document that alice and bob annotated.
func reviewFixture(t *testing.T) (*Project, Document) {
	t.Helper()
	p := mustOpen(t)
	d := mustAddDocument(t, p, "doc", "Kovalenko a dit « 240 obus » hier à Kharkiv, selon l’armée.")
	for _, ns := range []NewSpan{
		{Annotator: "alice", Label: "actor", Start: 0, End: 9},
		{Annotator: "bob", Label: "actor", Start: 0, End: 9},
		{Annotator: "alice", Label: "figure", Start: 18, End: 21},
		{Annotator: "bob", Label: "figure", Start: 18, End: 26},
		{Annotator: "alice", Label: "actor", Start: 36, End: 43},
	} {
		ns.DocumentID = d.ID
		mustAddSpan(t, p, ns)
	}
	if err := p.SetStatus(context.Background(), d.ID, "carol", StatusInProgress); err != nil {
		t.Fatal(err)
	}
	return p, d
}

func TestReviewDocumentAndDecisions(t *testing.T) {
	ctx := context.Background()
	p, d := reviewFixture(t)
	rd, err := p.ReviewDocument(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(rd.Annotators, want) {
		t.Fatalf("annotators %v, want %v (carol has a status but no spans)", rd.Annotators, want)
	}
	h := NewHistory(p)
	// With carol in, nothing is unanimous; without her, the actor at 0-9 is.
	if n, err := h.AutoAccept(ctx, rd, AcceptRule{Unanimous: true}, "rita"); err != nil || n != 0 {
		t.Fatalf("AutoAccept with carol = %d, %v; want 0", n, err)
	}
	rd.Annotators = []string{"alice", "bob"}
	if n, err := h.AutoAccept(ctx, rd, AcceptRule{Unanimous: true}, "rita"); err != nil || n != 1 {
		t.Fatalf("AutoAccept = %d, %v; want 1", n, err)
	}
	rd, _ = p.ReviewDocument(ctx, d.ID)
	rd.Annotators = []string{"alice", "bob"}
	if got := reviewSpans(rd.Gold); got != "gold:actor:0-9" {
		t.Fatalf("gold after auto-accept: %q", got)
	}
	if rd.Review.Status != ReviewInProgress || rd.Review.Reviewer != "rita" {
		t.Fatalf("review after auto-accept: %+v", rd.Review)
	}
	conflicts := rd.Conflicts()
	if len(conflicts) != 2 {
		t.Fatalf("conflicts: %d, want 2 (the figure's edges, alice's lone actor)", len(conflicts))
	}
	// accept bob's version of the first conflict, then change to alice's: gold holds one version
	g := conflicts[0]
	if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "accept bob's version", Add: g.Version("bob")}); err != nil {
		t.Fatal(err)
	}
	rd, _ = p.ReviewDocument(ctx, d.ID)
	rd.Annotators = []string{"alice", "bob"}
	g = rd.Conflicts()[0]
	if got := reviewSpans(g.Gold); got != "gold:figure:18-26" {
		t.Fatalf("gold of the group after accepting bob's: %q", got)
	}
	if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "accept alice's version", Remove: g.Gold, Add: g.Version("alice")}); err != nil {
		t.Fatal(err)
	}
	// reject the lone actor
	lone := rd.Conflicts()[1]
	if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "reject",
		Reject: []Rejection{{Start: lone.Start, End: lone.End}}}); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		rd, err := p.ReviewDocument(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rej []string
		for _, j := range rd.Rejections {
			rej = append(rej, fmt.Sprintf("%d-%d by %s", j.Start, j.End, j.Reviewer))
		}
		return fmt.Sprintf("gold [%s] rejected [%s] review %s", reviewSpans(rd.Gold), strings.Join(rej, ", "), string(rd.Review.Status))
	}
	if err := h.SetReview(ctx, d.ID, ReviewDone, "rita"); err != nil {
		t.Fatal(err)
	}
	steps := []string{
		"gold [gold:actor:0-9 gold:figure:18-21] rejected [36-43 by rita] review reviewed",
		"gold [gold:actor:0-9 gold:figure:18-21] rejected [36-43 by rita] review in_review",
		"gold [gold:actor:0-9 gold:figure:18-21] rejected [] review in_review",
		"gold [gold:actor:0-9 gold:figure:18-26] rejected [] review in_review",
		"gold [gold:actor:0-9] rejected [] review in_review",
		"gold [] rejected [] review ",
	}
	if got := state(); got != steps[0] {
		t.Fatalf("state: %s\nwant   %s", got, steps[0])
	}
	for i := 1; i < len(steps); i++ {
		if _, err := h.Undo(ctx); err != nil {
			t.Fatalf("undo %d: %v", i, err)
		}
		if got := state(); got != steps[i] {
			t.Fatalf("after %d undos: %s\nwant              %s", i, got, steps[i])
		}
	}
	for i := len(steps) - 2; i >= 0; i-- {
		if _, err := h.Redo(ctx); err != nil {
			t.Fatalf("redo: %v", err)
		}
		if got := state(); got != steps[i] {
			t.Fatalf("after redo: %s\nwant        %s", got, steps[i])
		}
	}
}

func TestDecideRefusesStaleGold(t *testing.T) {
	ctx := context.Background()
	p, d := reviewFixture(t)
	h := NewHistory(p)
	if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "accept",
		Add: []Span{{Label: "actor", Start: 0, End: 9}}}); err != nil {
		t.Fatal(err)
	}
	rd, _ := p.ReviewDocument(ctx, d.ID)
	stale := rd.Gold[0]
	if _, err := p.ResizeSpan(ctx, stale.ID, 0, 5); err != nil { // another program changes it
		t.Fatal(err)
	}
	_, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: "rita", Name: "reject", Remove: []Span{stale},
		Reject: []Rejection{{Start: 0, End: 9}}})
	if !errors.Is(err, ErrChangedElsewhere) {
		t.Fatalf("Decide on a changed gold span: %v, want ErrChangedElsewhere", err)
	}
	rd, _ = p.ReviewDocument(ctx, d.ID)
	if got := reviewSpans(rd.Gold); got != "gold:actor:0-5" || len(rd.Rejections) != 0 {
		t.Fatalf("after a refused decision: gold %q, rejections %v", got, rd.Rejections)
	}
	for _, reviewer := range []string{"", Gold} {
		if _, err := h.Decide(ctx, Decision{DocumentID: d.ID, Reviewer: reviewer}); err == nil {
			t.Errorf("Decide with reviewer %q: no error", reviewer)
		}
	}
}
