package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Gold is the name of the annotator whose spans are the gold layer: what reviewers accepted.
const Gold = "gold"

// ReviewStatus says how far the review of a document has got.
type ReviewStatus string

// Review statuses. A document nobody has reviewed has ReviewNone.
const (
	ReviewNone       ReviewStatus = ""
	ReviewInProgress ReviewStatus = "in_review"
	ReviewDone       ReviewStatus = "reviewed"
)

// String returns the status as the app shows it.
func (s ReviewStatus) String() string {
	switch s {
	case ReviewInProgress:
		return "in review"
	case ReviewDone:
		return "reviewed"
	}
	return "not reviewed"
}

// GoldStatus is the gold layer's status of a document under review s: the gold layer is in progress
// while the document is in review and done once it is reviewed.
func (s ReviewStatus) GoldStatus() Status {
	switch s {
	case ReviewInProgress:
		return StatusInProgress
	case ReviewDone:
		return StatusDone
	}
	return StatusNew
}

// Review is a document's review status and the reviewer who last changed it.
type Review struct {
	DocumentID int64
	Status     ReviewStatus
	Reviewer   string
	UpdatedAt  time.Time
}

// Rejection records that a reviewer decided no span belongs where a group of annotators' spans
// stretched over [Start, End).
type Rejection struct {
	DocumentID int64
	Start, End int
	Reviewer   string
}

// ReviewDocument is what review mode shows of one document: every annotator's spans and the gold layer.
type ReviewDocument struct {
	DocumentID int64
	// Annotators are those who worked on the document (a span or a status other than new), gold
	// excluded, by name. Their order numbers their versions in the conflict list: 1 is the first.
	Annotators []string
	Statuses   map[string]Status
	Spans      []Span // the annotators' spans in text order
	Gold       []Span // the gold layer's spans in text order
	Rejections []Rejection
	Review     Review
}

// ReviewDocument reads what review mode shows of document id, from one snapshot of the project.
func (p *Project) ReviewDocument(ctx context.Context, id int64) (ReviewDocument, error) {
	rd := ReviewDocument{DocumentID: id, Statuses: map[string]Status{}, Review: Review{DocumentID: id}}
	err := p.read(ctx, func(tx *sql.Tx) error {
		if _, err := documentLength(ctx, tx, id); err != nil {
			return err
		}
		err := eachRow(ctx, tx, selectSpan+` WHERE s.document_id = ? ORDER BY s.start, s."end", l.position, a.name`,
			func(r *sql.Rows) error {
				s, err := scanSpan(r)
				if s.Annotator == Gold {
					rd.Gold = append(rd.Gold, s)
				} else {
					rd.Spans = append(rd.Spans, s)
				}
				return err
			}, id)
		if err != nil {
			return err
		}
		err = eachRow(ctx, tx, `SELECT a.name, st.status FROM statuses st JOIN annotators a ON a.id = st.annotator_id
			WHERE st.document_id = ? AND a.name <> ?`, func(r *sql.Rows) error {
			var name, status string
			err := r.Scan(&name, &status)
			rd.Statuses[name] = Status(status)
			return err
		}, id, Gold)
		if err != nil {
			return err
		}
		err = eachRow(ctx, tx, `SELECT start, "end", reviewer FROM rejections WHERE document_id = ? ORDER BY start, "end"`,
			func(r *sql.Rows) error {
				j := Rejection{DocumentID: id}
				err := r.Scan(&j.Start, &j.End, &j.Reviewer)
				rd.Rejections = append(rd.Rejections, j)
				return err
			}, id)
		if err != nil {
			return err
		}
		rd.Review, err = reviewOf(ctx, tx, id)
		return err
	})
	if err != nil {
		return ReviewDocument{}, fmt.Errorf("review of document %d: %w", id, err)
	}
	for name := range rd.Statuses {
		rd.Annotators = append(rd.Annotators, name)
	}
	for _, s := range rd.Spans {
		rd.Annotators = append(rd.Annotators, s.Annotator)
	}
	slices.Sort(rd.Annotators)
	rd.Annotators = slices.Compact(rd.Annotators)
	return rd, nil
}

// Review returns the review status of document id.
func (p *Project) Review(ctx context.Context, id int64) (Review, error) {
	r, err := reviewOf(ctx, p.ro, id)
	if err != nil {
		return r, fmt.Errorf("review of document %d: %w", id, err)
	}
	return r, nil
}

func reviewOf(ctx context.Context, q querier, id int64) (Review, error) {
	r := Review{DocumentID: id}
	var status, updated string
	err := q.QueryRowContext(ctx, `SELECT status, reviewer, updated_at FROM reviews WHERE document_id = ?`, id).
		Scan(&status, &r.Reviewer, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	r.Status, r.UpdatedAt = ReviewStatus(status), parseTime(updated)
	return r, err
}

// Reviews returns the review status of every document that has one, by document id.
func (p *Project) Reviews(ctx context.Context) (map[int64]Review, error) {
	out := map[int64]Review{}
	err := eachRow(ctx, p.ro, `SELECT document_id, status, reviewer, updated_at FROM reviews`, func(r *sql.Rows) error {
		var rv Review
		var status, updated string
		err := r.Scan(&rv.DocumentID, &status, &rv.Reviewer, &updated)
		rv.Status, rv.UpdatedAt = ReviewStatus(status), parseTime(updated)
		out[rv.DocumentID] = rv
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	return out, nil
}

// setReview writes a document's review status within tx; ReviewNone removes it.
func (p *Project) setReview(ctx context.Context, tx *sql.Tx, r Review) error {
	var err error
	if r.Status == ReviewNone {
		_, err = tx.ExecContext(ctx, `DELETE FROM reviews WHERE document_id = ?`, r.DocumentID)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO reviews (document_id, status, reviewer, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer, updated_at = excluded.updated_at`,
			r.DocumentID, string(r.Status), r.Reviewer, formatTime(p.now()))
	}
	if err != nil {
		return fmt.Errorf("set review of document %d: %w", r.DocumentID, err)
	}
	// The gold layer's status follows the review, so that exports of the gold layer can choose
	// reviewed documents (gold done) and keep those where the reviewer accepted no span at all.
	goldID, err := p.annotatorID(ctx, tx, Gold, true)
	if err != nil {
		return err
	}
	return p.writeStatus(ctx, tx, r.DocumentID, goldID, r.Status.GoldStatus())
}

// AcceptRule says which spans review accepts into the gold layer without the reviewer.
type AcceptRule struct {
	// Unanimous accepts a span every annotator of the document made exactly (same start, end and
	// label), when there are at least two annotators.
	Unanimous bool
	// Majority, when at least 1, accepts a span at least Majority annotators made exactly, when there
	// are at least two annotators.
	Majority int
}

// Group is a set of annotators' spans that review decides together: spans linked by overlapping with
// the same label, or by overlapping on at least half of their joint extent whatever the label. So
// "actor" against "figure" on the same words is one group, but a claim and the actor inside it are
// two groups, unless an annotator's version links them.
type Group struct {
	Start, End int    // the extent of the group's spans
	Spans      []Span // the annotators' spans, in text order
	Gold       []Span // the gold spans linked to the group
	Rejected   bool   // a reviewer rejected the group as it is
}

// Version returns the annotator's spans in the group: none when the annotator has no span there.
func (g Group) Version(annotator string) []Span {
	var out []Span
	for _, s := range g.Spans {
		if s.Annotator == annotator {
			out = append(out, s)
		}
	}
	return out
}

// Resolved reports whether a reviewer (or an accept rule) has decided the group: it has gold spans or
// is rejected.
func (g Group) Resolved() bool { return len(g.Gold) > 0 || g.Rejected }

// Unanimous reports whether every one of the annotators made exactly one span in the group and all
// made the same one; it returns that span.
func (g Group) Unanimous(annotators []string) (Span, bool) {
	if len(g.Spans) != len(annotators) || len(annotators) == 0 {
		return Span{}, false
	}
	first := g.Spans[0]
	seen := map[string]bool{}
	for _, s := range g.Spans {
		if seen[s.Annotator] || s.Start != first.Start || s.End != first.End || s.Label != first.Label {
			return Span{}, false
		}
		seen[s.Annotator] = true
	}
	for _, a := range annotators {
		if !seen[a] {
			return Span{}, false
		}
	}
	return first, true
}

// Accepted returns the spans rule accepts in the group, one per distinct start, end and label: for a
// unanimous group its span, else with a majority of k, every span at least k annotators made.
func (g Group) Accepted(annotators []string, rule AcceptRule) []Span {
	if len(annotators) < 2 {
		return nil
	}
	if s, ok := g.Unanimous(annotators); ok && (rule.Unanimous || rule.Majority >= 1) {
		return []Span{s}
	}
	if rule.Majority < 1 {
		return nil
	}
	type key struct {
		start, end int
		label      string
	}
	holders := map[key]map[string]bool{}
	first := map[key]Span{} // the first annotator's span: the gold span takes its note and values
	var order []key
	for _, s := range g.Spans {
		k := key{s.Start, s.End, s.Label}
		if holders[k] == nil {
			holders[k] = map[string]bool{}
			order = append(order, k)
			first[k] = s
		}
		holders[k][s.Annotator] = true
	}
	var out []Span
	for _, k := range order {
		if len(holders[k]) >= rule.Majority {
			s := first[k]
			s.ID, s.Annotator = 0, Gold
			out = append(out, s)
		}
	}
	return out
}

// linked reports whether review decides spans a and b together (see Group).
func linked(a, b Span) bool {
	lo, hi := max(a.Start, b.Start), min(a.End, b.End)
	if lo >= hi {
		return false
	}
	if a.Label == b.Label {
		return true
	}
	joint := max(a.End, b.End) - min(a.Start, b.Start)
	return 2*(hi-lo) >= joint
}

// Groups splits the document's annotators' spans into the groups review decides, in text order, with
// the gold spans and rejections that decide them.
func (rd ReviewDocument) Groups() []Group {
	n := len(rd.Spans)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Spans are in start order: only spans starting before i ends can overlap it.
	for i := range n {
		for j := i + 1; j < n && rd.Spans[j].Start < rd.Spans[i].End; j++ {
			if linked(rd.Spans[i], rd.Spans[j]) {
				parent[find(j)] = find(i)
			}
		}
	}
	index := map[int]int{}
	var groups []Group
	for i, s := range rd.Spans {
		root := find(i)
		k, ok := index[root]
		if !ok {
			k = len(groups)
			index[root] = k
			groups = append(groups, Group{Start: s.Start, End: s.End})
		}
		g := &groups[k]
		g.Spans = append(g.Spans, s)
		g.Start, g.End = min(g.Start, s.Start), max(g.End, s.End)
	}
	for k := range groups {
		g := &groups[k]
		for _, gs := range rd.Gold {
			if slices.ContainsFunc(g.Spans, func(s Span) bool { return linked(s, gs) }) {
				g.Gold = append(g.Gold, gs)
			}
		}
		g.Rejected = slices.ContainsFunc(rd.Rejections, func(j Rejection) bool { return j.Start == g.Start && j.End == g.End })
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	return groups
}

// Conflicts returns the groups that are not unanimous, in text order: a label differs, boundaries
// differ, or some annotators have no span there. Resolved ones are included; see Group.Resolved. With
// fewer than two annotators there is nothing to agree on, and every group is the reviewer's to decide.
func (rd ReviewDocument) Conflicts() []Group {
	var out []Group
	for _, g := range rd.Groups() {
		if _, ok := g.Unanimous(rd.Annotators); !ok || len(rd.Annotators) < 2 {
			out = append(out, g)
		}
	}
	return out
}
