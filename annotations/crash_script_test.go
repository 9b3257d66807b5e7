package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
)

// crashScript applies pseudo-random edits through History, the GUI's path, one call a step: the same
// seed on the same project makes the same edits, so that TestCrashSafety can replay what a killed
// child did.
type crashScript struct {
	p    *Project
	h    *History
	rng  *rand.Rand
	seed uint64
	n    int // steps taken
}

func newCrashScript(p *Project, seed uint64) *crashScript {
	return &crashScript{p: p, h: NewHistory(p), rng: rand.New(rand.NewPCG(seed, 1)), seed: seed}
}

// crashOps are the kinds of step, each with its weight.
var crashOps = []struct {
	weight int
	run    func(s *crashScript, ctx context.Context) (string, error)
}{
	{20, (*crashScript).addSpan},
	{5, (*crashScript).deleteSpan},
	{5, (*crashScript).relabelSpan},
	{5, (*crashScript).resizeSpan},
	{5, (*crashScript).setNote},
	{5, (*crashScript).setAttrs},
	{6, (*crashScript).addRelation},
	{3, (*crashScript).deleteRelation},
	{10, (*crashScript).undo},
	{6, (*crashScript).redo},
	{3, (*crashScript).importRecords},
	{2, (*crashScript).importSuggestions},
	{4, (*crashScript).acceptSuggestion},
	{3, (*crashScript).acceptSuggestions},
	{3, (*crashScript).decide},
	{3, (*crashScript).setStatus},
}

// step makes one edit and describes it and its outcome. An edit History refuses (a user's error, a
// conflict) is an outcome like another; the error returned is the script's own failure.
func (s *crashScript) step(ctx context.Context) (string, error) {
	s.n++
	total := 0
	for _, op := range crashOps {
		total += op.weight
	}
	k := s.rng.IntN(total)
	for _, op := range crashOps {
		if k -= op.weight; k < 0 {
			return op.run(s, ctx)
		}
	}
	panic("unreachable")
}

// outcome describes an edit by what and how it ended: err, when not nil, is History's refusal.
func outcome(what string, err error) string {
	if err != nil {
		return what + " (refused: " + strings.ReplaceAll(err.Error(), "\n", " ") + ")"
	}
	return what
}

var (
	crashAnnotators = []string{"alice", "bob"}
	crashNotes      = []string{"", "checked", "source: ministry 🇺🇦", "« à vérifier »"}
)

// ids returns the ids query selects, in order.
func (s *crashScript) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	var out []int64
	err := eachRow(ctx, s.p.ro, query, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		out = append(out, id)
		return err
	}, args...)
	return out, err
}

// pick returns one of the ids query selects, or 0 when there is none.
func (s *crashScript) pick(ctx context.Context, query string, args ...any) (int64, error) {
	ids, err := s.ids(ctx, query, args...)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[s.rng.IntN(len(ids))], nil
}

func (s *crashScript) span(ctx context.Context) (int64, error) {
	return s.pick(ctx, `SELECT id FROM spans ORDER BY id`)
}

func (s *crashScript) document(ctx context.Context) (int64, int, error) {
	id, err := s.pick(ctx, `SELECT id FROM documents ORDER BY id`)
	if err != nil {
		return 0, 0, err
	}
	var length int
	err = s.p.ro.QueryRowContext(ctx, `SELECT length FROM documents WHERE id = ?`, id).Scan(&length)
	return id, length, err
}

func (s *crashScript) label(ctx context.Context) (Label, error) {
	labels, err := s.p.Labels(ctx)
	if err != nil || len(labels) == 0 {
		return Label{}, errors.Join(err, errors.New("no labels"))
	}
	return labels[s.rng.IntN(len(labels))], nil
}

// extent returns a random [start, end) within a text of length, at most 20 long.
func (s *crashScript) extent(length int) (int, int) {
	start := s.rng.IntN(length - 1)
	return start, start + 1 + s.rng.IntN(min(20, length-start))
}

func (s *crashScript) annotator() string { return crashAnnotators[s.rng.IntN(len(crashAnnotators))] }

func (s *crashScript) addSpan(ctx context.Context) (string, error) {
	doc, length, err := s.document(ctx)
	if err != nil {
		return "", err
	}
	l, err := s.label(ctx)
	if err != nil {
		return "", err
	}
	start, end := s.extent(length)
	ns := NewSpan{DocumentID: doc, Annotator: s.annotator(), Label: l.Name, Start: start, End: end, Note: crashNotes[s.rng.IntN(len(crashNotes))]}
	sp, added, err := s.h.AddSpan(ctx, ns)
	return outcome(fmt.Sprintf("add span %d %s (added %t)", sp.ID, crashSpanKey(sp), added), err), nil
}

func (s *crashScript) deleteSpan(ctx context.Context) (string, error) {
	id, err := s.span(ctx)
	if err != nil || id == 0 {
		return "delete span: none", err
	}
	seen, err := s.p.Span(ctx, id) // the span as the app's view shows it
	if err != nil {
		return "", err
	}
	_, err = s.h.DeleteSpan(ctx, seen)
	return outcome(fmt.Sprintf("delete span %d", id), err), nil
}

func (s *crashScript) relabelSpan(ctx context.Context) (string, error) {
	id, err := s.span(ctx)
	if err != nil || id == 0 {
		return "relabel span: none", err
	}
	seen, err := s.p.Span(ctx, id) // the span as the app's view shows it
	if err != nil {
		return "", err
	}
	l, err := s.label(ctx)
	if err != nil {
		return "", err
	}
	_, err = s.h.RelabelSpan(ctx, seen, l.Name)
	return outcome(fmt.Sprintf("relabel span %d as %s", id, l.Name), err), nil
}

func (s *crashScript) resizeSpan(ctx context.Context) (string, error) {
	id, err := s.span(ctx)
	if err != nil || id == 0 {
		return "resize span: none", err
	}
	seen, err := s.p.Span(ctx, id) // the span as the app's view shows it
	if err != nil {
		return "", err
	}
	var length int
	if err := s.p.ro.QueryRowContext(ctx, `SELECT d.length FROM spans s JOIN documents d ON d.id = s.document_id
		WHERE s.id = ?`, id).Scan(&length); err != nil {
		return "", err
	}
	start, end := s.extent(length)
	_, err = s.h.ResizeSpan(ctx, seen, start, end)
	return outcome(fmt.Sprintf("resize span %d to %d-%d", id, start, end), err), nil
}

func (s *crashScript) setNote(ctx context.Context) (string, error) {
	id, err := s.span(ctx)
	if err != nil || id == 0 {
		return "set note: none", err
	}
	seen, err := s.p.Span(ctx, id) // the span as the app's view shows it
	if err != nil {
		return "", err
	}
	note := crashNotes[s.rng.IntN(len(crashNotes))]
	_, err = s.h.SetNote(ctx, seen, note)
	return outcome(fmt.Sprintf("set note of span %d to %q", id, note), err), nil
}

func (s *crashScript) setAttrs(ctx context.Context) (string, error) {
	id, err := s.span(ctx)
	if err != nil || id == 0 {
		return "set attributes: none", err
	}
	sp, err := s.p.Span(ctx, id)
	if err != nil {
		return "", err
	}
	l, err := labelNamed(ctx, s.p.ro, sp.Label)
	if err != nil {
		return "", err
	}
	a := Attrs{}
	for _, d := range l.Attributes {
		if s.rng.IntN(3) == 0 {
			continue
		}
		switch d.Type {
		case AttrNumber:
			a[d.Name] = float64(s.rng.IntN(2000))
		case AttrFlag:
			a[d.Name] = s.rng.IntN(2) == 0
		case AttrChoice:
			a[d.Name] = d.Values[s.rng.IntN(len(d.Values))]
		default:
			a[d.Name] = fmt.Sprintf("text %d", s.rng.IntN(100))
		}
	}
	_, err = s.h.SetAttrs(ctx, sp, a)
	return outcome(fmt.Sprintf("set attributes of span %d to %s", id, formatAttrs(a)), err), nil
}

func (s *crashScript) addRelation(ctx context.Context) (string, error) {
	from, err := s.span(ctx)
	if err != nil || from == 0 {
		return "add relation: none", err
	}
	to, err := s.pick(ctx, `SELECT t.id FROM spans f JOIN spans t ON t.document_id = f.document_id
		AND t.annotator_id = f.annotator_id AND t.id <> f.id WHERE f.id = ? ORDER BY t.id`, from)
	if err != nil || to == 0 {
		return "add relation: no second span", err
	}
	r, added, err := s.h.AddRelation(ctx, from, to, "attributed_to")
	return outcome(fmt.Sprintf("add relation %d: %d→%d (added %t)", r.ID, from, to, added), err), nil
}

func (s *crashScript) deleteRelation(ctx context.Context) (string, error) {
	id, err := s.pick(ctx, `SELECT id FROM relations ORDER BY id`)
	if err != nil || id == 0 {
		return "delete relation: none", err
	}
	_, err = s.h.DeleteRelation(ctx, id)
	return outcome(fmt.Sprintf("delete relation %d", id), err), nil
}

func (s *crashScript) undo(ctx context.Context) (string, error) {
	if !s.h.CanUndo() {
		return "undo: nothing", nil
	}
	c, err := s.h.Undo(ctx)
	return outcome("undo: "+c.Description, err), nil
}

func (s *crashScript) redo(ctx context.Context) (string, error) {
	if !s.h.CanRedo() {
		return "redo: nothing", nil
	}
	c, err := s.h.Redo(ctx)
	return outcome("redo: "+c.Description, err), nil
}

// importRecords imports a new document with 10 to 40 spans, some relations and a status in one
// transaction; one time in four a span lies past the end of the text, and nothing is imported.
func (s *crashScript) importRecords(ctx context.Context) (string, error) {
	text := fmt.Sprintf("Dispatch %d-%d: %s", s.seed, s.n, crashTexts[s.rng.IntN(len(crashTexts))])
	length := len([]rune(text))
	rec := &Record{File: "dispatch.jsonl", Line: s.n, Name: fmt.Sprintf("dispatch-%d-%d", s.seed, s.n), Text: text,
		Statuses: map[string]Status{"importer": StatusDone}}
	labels, err := s.p.Labels(ctx)
	if err != nil {
		return "", err
	}
	for range 10 + s.rng.IntN(31) {
		start, end := s.extent(length)
		rec.Spans = append(rec.Spans, RecordSpan{Start: start, End: end, Label: labels[s.rng.IntN(len(labels))].Name})
	}
	for i := 1; i < len(rec.Spans); i += 4 {
		rec.Relations = append(rec.Relations, RecordRelation{From: i - 1, To: i, Type: "attributed_to"})
	}
	bad := s.rng.IntN(4) == 0
	if bad {
		rec.Spans[len(rec.Spans)-1].End = length + 5
	}
	rep, err := s.p.Import(ctx, records(rec), ImportOptions{Annotator: "importer"})
	what := fmt.Sprintf("import %d spans (bad %t): %s", len(rec.Spans), bad, rep.Summary())
	if bad != (err != nil) {
		return "", fmt.Errorf("%s: %v", what, err)
	}
	return outcome(what, err), nil
}

// importSuggestions stores 5 to 15 scored suggestions on one document in one transaction.
func (s *crashScript) importSuggestions(ctx context.Context) (string, error) {
	doc, length, err := s.document(ctx)
	if err != nil {
		return "", err
	}
	rec := &Record{File: "model.jsonl", Line: s.n}
	if err := s.p.ro.QueryRowContext(ctx, `SELECT text FROM texts WHERE document_id = ?`, doc).Scan(&rec.Text); err != nil {
		return "", err
	}
	labels, err := s.p.Labels(ctx)
	if err != nil {
		return "", err
	}
	for range 5 + s.rng.IntN(11) {
		start, end := s.extent(length)
		score := float64(s.rng.IntN(100)) / 100
		rec.Spans = append(rec.Spans, RecordSpan{Start: start, End: end, Label: labels[s.rng.IntN(len(labels))].Name, Score: &score})
	}
	rep, err := s.p.ImportSuggestions(ctx, records(rec), SuggestionImportOptions{Source: "model"})
	return outcome(fmt.Sprintf("import suggestions on document %d: %s", doc, rep.Summary()), err), nil
}

// suggestions returns the suggestions open for a random annotator on a random document.
func (s *crashScript) suggestions(ctx context.Context) ([]Suggestion, string, error) {
	doc, _, err := s.document(ctx)
	if err != nil {
		return nil, "", err
	}
	a := s.annotator()
	sgs, err := s.p.Suggestions(ctx, doc, a, 0)
	return sgs, a, err
}

func (s *crashScript) acceptSuggestion(ctx context.Context) (string, error) {
	sgs, a, err := s.suggestions(ctx)
	if err != nil || len(sgs) == 0 {
		return "accept suggestion: none", err
	}
	sg := sgs[s.rng.IntN(len(sgs))]
	label := ""
	if s.rng.IntN(3) == 0 {
		l, err := s.label(ctx)
		if err != nil {
			return "", err
		}
		label = l.Name
	}
	sp, err := s.h.AcceptSuggestion(ctx, sg, a, label)
	return outcome(fmt.Sprintf("accept suggestion %d as %s", sg.ID, crashSpanKey(sp)), err), nil
}

func (s *crashScript) acceptSuggestions(ctx context.Context) (string, error) {
	sgs, a, err := s.suggestions(ctx)
	if err != nil || len(sgs) == 0 {
		return "accept suggestions: none", err
	}
	n, err := s.h.AcceptSuggestions(ctx, sgs, a)
	return outcome(fmt.Sprintf("accept suggestions: %d of %d for %s", n, len(sgs), a), err), nil
}

// decide takes up to three annotators' spans into the gold layer of a document and removes up to one
// gold span, as one decision.
func (s *crashScript) decide(ctx context.Context) (string, error) {
	doc, _, err := s.document(ctx)
	if err != nil {
		return "", err
	}
	rd, err := s.p.ReviewDocument(ctx, doc)
	if err != nil {
		return "", err
	}
	d := Decision{DocumentID: doc, Reviewer: "carol", Name: "crash decision"}
	for range min(3, len(rd.Spans)) {
		d.Add = append(d.Add, rd.Spans[s.rng.IntN(len(rd.Spans))])
	}
	if len(rd.Gold) > 0 {
		d.Remove = append(d.Remove, rd.Gold[s.rng.IntN(len(rd.Gold))])
	}
	_, err = s.h.Decide(ctx, d)
	return outcome(fmt.Sprintf("decide on document %d: add %d, remove %d", doc, len(d.Add), len(d.Remove)), err), nil
}

func (s *crashScript) setStatus(ctx context.Context) (string, error) {
	doc, _, err := s.document(ctx)
	if err != nil {
		return "", err
	}
	st := []Status{StatusNew, StatusInProgress, StatusDone}[s.rng.IntN(3)]
	a := s.annotator()
	err = s.h.SetStatus(ctx, doc, a, st)
	return outcome(fmt.Sprintf("set status of document %d for %s to %s", doc, a, st), err), nil
}
