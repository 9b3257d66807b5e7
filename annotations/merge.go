package annotations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// MergeOptions say how to merge.
type MergeOptions struct {
	// DryRun does all the work and reports it, then rolls it back.
	DryRun bool
	// Progress, if not nil, is called on Merge's goroutine as it goes: when it starts a file, and as
	// that file's documents are merged, at most about a thousand times a file.
	Progress func(MergeProgress)
}

// MergeProgress is how far a merge got: Documents of the Total of file Index (from 0) of Files.
type MergeProgress struct {
	File             string
	Index, Files     int
	Documents, Total int
}

// Fraction is how much of the merge is done, from 0 to 1, counting each file alike.
func (mp MergeProgress) Fraction() float64 {
	if mp.Files == 0 {
		return 1
	}
	of := 1.0
	if mp.Total > 0 {
		of = float64(mp.Documents) / float64(mp.Total)
	}
	return (float64(mp.Index) + of) / float64(mp.Files)
}

// MergeCounts are what a merge did, for one file or in total.
type MergeCounts struct {
	Documents        int       `json:"documents_added"`
	DocumentsPresent int       `json:"documents_present"` // the same text was already in the project
	Spans            int       `json:"spans_added"`
	SpansPresent     int       `json:"spans_present"` // the project already had them
	Relations        int       `json:"relations_added"`
	RelationsPresent int       `json:"relations_present"` // the project already had them
	NotesFilled      int       `json:"notes_filled"`      // spans whose empty note the file filled in
	StatusesChanged  int       `json:"statuses_changed"`
	ReviewsChanged   int       `json:"reviews_changed"`
	RejectionsAdded  int       `json:"rejections_added"`
	LabelsAdded      []string  `json:"labels_added"`
	RelationTypes    []string  `json:"relation_types_added"`
	AnnotatorsAdded  []string  `json:"annotators_added"`
	Renamed          []Renamed `json:"renamed"` // annotators whose different work was kept under another name
}

// MergeFileReport is what merging one file did.
type MergeFileReport struct {
	File string `json:"file"`
	MergeCounts
}

// MergeReport says what a merge did, file by file and in total.
type MergeReport struct {
	Files  []MergeFileReport `json:"files"`
	Total  MergeCounts       `json:"total"`
	DryRun bool              `json:"dry_run"`
}

// Summary is the sentence that tells what a merge did, for the command line and the app.
func (r MergeReport) Summary() string {
	verb := "Merged"
	if r.DryRun {
		verb = "Checked (dry run, nothing changed)"
	}
	return fmt.Sprintf("%s %s: %s.", verb, Plural(len(r.Files), "file"), r.Total.counts())
}

// Details are the lines to show after Summary: each file's counts, labels and annotators added, and
// the annotators whose work was kept under another name.
func (r MergeReport) Details() []string {
	var out []string
	for _, f := range r.Files {
		out = append(out, baseName(f.File)+": "+f.counts()+".")
	}
	t := r.Total
	if len(t.LabelsAdded) > 0 {
		out = append(out, "New labels: "+strings.Join(t.LabelsAdded, ", "))
	}
	if len(t.RelationTypes) > 0 {
		out = append(out, "New relation types: "+strings.Join(t.RelationTypes, ", "))
	}
	if t.Relations > 0 || t.RelationsPresent > 0 {
		out = append(out, fmt.Sprintf("Relations: %s added, %s already present.", Plural(t.Relations, "relation"), Plural(t.RelationsPresent, "relation")))
	}
	if len(t.AnnotatorsAdded) > 0 {
		out = append(out, "New annotators: "+strings.Join(t.AnnotatorsAdded, ", "))
	}
	if t.NotesFilled > 0 {
		out = append(out, fmt.Sprintf("Notes filled in: %s.", Plural(t.NotesFilled, "span")))
	}
	if t.ReviewsChanged > 0 || t.RejectionsAdded > 0 {
		out = append(out, fmt.Sprintf("Review: %s taken further, %s added.",
			statuses(t.ReviewsChanged, "review status", "review statuses"), Plural(t.RejectionsAdded, "rejection")))
	}
	for _, rn := range t.Renamed {
		out = append(out, rn.sentence())
	}
	return out
}

func (c MergeCounts) counts() string {
	return fmt.Sprintf("%s added, %s already present; %s added, %s already present; %s changed",
		Plural(c.Documents, "document"), Plural(c.DocumentsPresent, "document"),
		Plural(c.Spans, "span"), Plural(c.SpansPresent, "span"), statuses(c.StatusesChanged, "status", "statuses"))
}

// statuses is Plural for the nouns that take -es.
func statuses(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (c *MergeCounts) addUp(f MergeCounts) {
	c.Documents += f.Documents
	c.DocumentsPresent += f.DocumentsPresent
	c.Spans += f.Spans
	c.SpansPresent += f.SpansPresent
	c.Relations += f.Relations
	c.RelationsPresent += f.RelationsPresent
	c.NotesFilled += f.NotesFilled
	c.StatusesChanged += f.StatusesChanged
	c.ReviewsChanged += f.ReviewsChanged
	c.RejectionsAdded += f.RejectionsAdded
	c.LabelsAdded = append(c.LabelsAdded, f.LabelsAdded...)
	c.RelationTypes = append(c.RelationTypes, f.RelationTypes...)
	c.AnnotatorsAdded = append(c.AnnotatorsAdded, f.AnnotatorsAdded...)
	c.Renamed = append(c.Renamed, f.Renamed...)
}

// Merge brings the documents, labels, spans, statuses and review decisions of other copies of the
// project (annotators' .tagdesk files) into p, all files in one transaction: if any file cannot be
// merged, nothing is. The files are only read.
//
// Documents are matched by their text, labels by name (a new label keeps its colour, guideline and
// attributes, and its hotkey when p has it free). Each annotator's spans of each document are
// reconciled with what p holds under the same name: see Renamed and the rules at the top of
// merge_reconcile.go; attribute values fill a span that has none, and never make a conflict. Span
// times, notes, statuses (only ever raised) and the further review status come along; rejections
// are united. Merging the same file again adds nothing.
func (p *Project) Merge(ctx context.Context, paths []string, opts MergeOptions) (MergeReport, error) {
	rep := MergeReport{Files: []MergeFileReport{}, Total: MergeCounts{LabelsAdded: []string{}, RelationTypes: []string{},
		AnnotatorsAdded: []string{}, Renamed: []Renamed{}}}
	if len(paths) == 0 {
		return rep, userError(nil, "Choose at least one project file to merge.")
	}
	for _, path := range paths {
		if err := p.checkSource(ctx, path); err != nil {
			return rep, err
		}
	}
	// As Import does, statements run without ctx's cancellation; ctx is checked between documents.
	sqlCtx := context.WithoutCancel(ctx)
	tx, err := p.begin(sqlCtx)
	if err != nil {
		return rep, fmt.Errorf("merge: %w", err)
	}
	defer tx.Rollback()
	rec := p.newReconciler(sqlCtx, tx)
	defer rec.close()
	m := &merger{p: p, ctx: ctx, sqlCtx: sqlCtx, tx: tx, rec: rec, progress: opts.Progress}
	if m.labels, err = loadLabels(sqlCtx, tx); err != nil {
		return rep, err
	}
	if m.relationTypes, err = loadRelationTypes(sqlCtx, tx); err != nil {
		return rep, err
	}
	for i, path := range paths {
		m.at = MergeProgress{File: path, Index: i, Files: len(paths)}
		fr, err := m.mergeFile(path)
		if err != nil {
			return MergeReport{}, err
		}
		rep.Files = append(rep.Files, fr)
		rep.Total.addUp(fr.MergeCounts)
	}
	if err := commitUnlessDry(ctx, tx, opts.DryRun, "merge"); err != nil {
		return MergeReport{}, err
	}
	rep.DryRun = opts.DryRun
	return rep, nil
}

// checkSource refuses what cannot be merged: a missing file, a folder, the project itself, a file
// that is not a Tagdesk project or was written by a newer Tagdesk.
func (p *Project) checkSource(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return userError(err, "There is no file %s to merge.", path)
	case err != nil:
		return userError(err, "Could not open %s: %v.", path, errors.Unwrap(err))
	case fi.IsDir():
		return userError(nil, "%s is a folder; choose the project files (%s) to merge.", path, Extension)
	}
	if self, err := os.Stat(p.path); err == nil && os.SameFile(fi, self) {
		return userError(nil, "%s is this project itself; choose the annotators' copies to merge into it.", path)
	}
	return probe(ctx, path) // an empty file passes here and is refused once opened
}

// merger is one merge transaction: the reconciler and the project's labels by name.
type merger struct {
	p             *Project
	ctx, sqlCtx   context.Context
	tx            *sql.Tx
	rec           *reconciler
	labels        *labelCache
	relationTypes *relationTypeCache

	progress func(MergeProgress)
	at       MergeProgress // where the merge is
}

// report tells the progress function how far the merge got, when it moved by a thousandth of the
// file or more, or the file is done.
func (m *merger) report(documents int) {
	if m.progress == nil {
		return
	}
	before := m.at.Documents * 1000 / max(m.at.Total, 1)
	m.at.Documents = documents
	if documents == 0 || documents == m.at.Total || documents*1000/max(m.at.Total, 1) != before {
		m.progress(m.at)
	}
}

// openSource opens the project file at path read-only: nothing is migrated or written.
func openSource(ctx context.Context, path string) (*sql.DB, *sql.Tx, int, error) {
	db, err := sql.Open("sqlite3", readOnlyDSN(path, true))
	if err != nil {
		return nil, nil, 0, fmt.Errorf("merge: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		db.Close()
		return nil, nil, 0, userError(err, "Could not read %s.", path)
	}
	appID, version, _, err := readHeader(ctx, tx)
	switch {
	case err != nil:
		err = userError(err, "%s is damaged or is not a Tagdesk project.", path)
	case appID != applicationID:
		err = userError(nil, "%s is not a Tagdesk project.", path)
	default:
		err = checkHeader(path, appID, version, 1)
	}
	if err != nil {
		tx.Rollback()
		db.Close()
		return nil, nil, 0, err
	}
	return db, tx, version, nil
}

// mergeFile merges the project file at path.
func (m *merger) mergeFile(path string) (MergeFileReport, error) {
	fr := MergeFileReport{File: path, MergeCounts: MergeCounts{LabelsAdded: []string{}, RelationTypes: []string{},
		AnnotatorsAdded: []string{}, Renamed: []Renamed{}}}
	ctx := m.sqlCtx
	db, src, version, err := openSource(ctx, path)
	if err != nil {
		return fr, err
	}
	defer db.Close()
	defer src.Rollback()
	fail := func(err error) (MergeFileReport, error) {
		var ue *Error
		if errors.As(err, &ue) || errors.Is(err, context.Canceled) {
			return fr, err
		}
		return fr, userError(err, "Could not merge %s: reading or writing failed.", path)
	}

	labelOf, err := m.sourceLabels(src, version, &fr)
	if err != nil {
		return fail(err)
	}
	annotators := map[int64]string{}
	err = eachRow(ctx, src, `SELECT id, name FROM annotators`, func(r *sql.Rows) error {
		var id int64
		var name string
		err := r.Scan(&id, &name)
		annotators[id] = name
		return err
	})
	if err != nil {
		return fail(err)
	}
	before, typesBefore := len(m.rec.annotatorsAdded), len(m.relationTypes.added)

	c, err := openMergeCursors(ctx, src, version)
	if err != nil {
		return fail(err)
	}
	defer c.close()
	if m.progress != nil {
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM documents`).Scan(&m.at.Total); err != nil {
			return fail(err)
		}
		m.report(0)
	}
	docs, err := src.QueryContext(ctx, `SELECT d.id, d.name, d.source_id, d.meta, d.created_at, t.text
		FROM documents d JOIN texts t ON t.document_id = d.id ORDER BY d.id`)
	if err != nil {
		return fail(err)
	}
	defer docs.Close()
	var renamed renames
	for n := 1; docs.Next(); n++ {
		if err := m.ctx.Err(); err != nil {
			return fr, err
		}
		var sd sourceDocument
		if err := docs.Scan(&sd.id, &sd.name, &sd.sourceID, &sd.meta, &sd.created, &sd.text); err != nil {
			return fail(err)
		}
		if err := m.mergeDocument(path, sd, c, labelOf, annotators, &fr, &renamed); err != nil {
			return fail(err)
		}
		m.report(n)
	}
	if err := docs.Err(); err != nil {
		return fail(err)
	}
	fr.AnnotatorsAdded = append(fr.AnnotatorsAdded, m.rec.annotatorsAdded[before:]...)
	fr.RelationTypes = append(fr.RelationTypes, m.relationTypes.added[typesBefore:]...)
	fr.Renamed = append(fr.Renamed, renamed...)
	return fr, nil
}

// sourceLabels maps the file's label ids to the project's, adding the labels the project lacks.
func (m *merger) sourceLabels(src *sql.Tx, version int, fr *MergeFileReport) (map[int64]int64, error) {
	labels, err := queryLabelsOf(m.sqlCtx, src, version)
	if err != nil {
		return nil, err
	}
	out := map[int64]int64{}
	for _, l := range labels {
		id, ok := m.labels.ids[l.Name]
		if !ok {
			if id, err = m.labels.add(m.sqlCtx, m.tx, m.newLabel(l)); err != nil {
				return nil, err
			}
			fr.LabelsAdded = append(fr.LabelsAdded, l.Name)
		}
		out[l.ID] = id
	}
	return out, nil
}

// newLabel is the label src becomes in the project: its colour and guideline, and its hotkey if no
// label of the project has it.
func (m *merger) newLabel(src Label) Label {
	l := Label{Name: src.Name, Color: src.Color, Guideline: src.Guideline}
	if validateAttributes(src) == nil {
		l.Attributes = src.Attributes
	}
	if !colorPattern.MatchString(l.Color) {
		l.Color = nextColor(m.labels.set)
	}
	if checkHotkey(src.Hotkey) == "" {
		l.Hotkey = src.Hotkey
		for _, o := range m.labels.set {
			if strings.EqualFold(o.Hotkey, src.Hotkey) {
				l.Hotkey = ""
			}
		}
	}
	return l
}

// sourceDocument is a document as the file has it.
type sourceDocument struct {
	id                                  int64
	name, sourceID, meta, created, text string
}

// sourceSpan, sourceStatus, sourceReview and sourceRejection are rows of the file, read alongside
// its documents.
type (
	sourceSpan struct {
		docID, annotatorID, labelID int64
		start, end                  int
		note, created, updated      string
		attrs                       string
	}
	sourceStatus struct {
		docID, annotatorID int64
		status             Status
	}
	sourceReview struct {
		docID                     int64
		status, reviewer, updated string
	}
	sourceRejection struct {
		docID             int64
		start, end        int
		reviewer, created string
	}
)

// relationRow is a relation with the keys of its spans (annotator, label, start and end), as a merge
// and agreement take it.
type relationRow struct {
	docID, annotatorID  int64
	fromLabel, toLabel  int64
	fromStart, fromEnd  int
	toStart, toEnd      int
	typ, color, created string
}

// relationRows walks the relations of the project or file q, in document order.
func relationRows(ctx context.Context, q querier) (*cursor[relationRow], error) {
	return newCursor(ctx, q, `SELECT r.document_id, f.annotator_id, f.label_id, f.start, f."end",
		t.label_id, t.start, t."end", rt.name, rt.color, r.created_at
		FROM relations r JOIN spans f ON f.id = r.from_span JOIN spans t ON t.id = r.to_span
		JOIN relation_types rt ON rt.id = r.type_id ORDER BY r.document_id, r.id`,
		func(r *sql.Rows) (s relationRow, err error) {
			err = r.Scan(&s.docID, &s.annotatorID, &s.fromLabel, &s.fromStart, &s.fromEnd,
				&s.toLabel, &s.toStart, &s.toEnd, &s.typ, &s.color, &s.created)
			return s, err
		}, func(s relationRow) int64 { return s.docID })
}

// mergeCursors walk the file's rows in document order beside its documents.
type mergeCursors struct {
	spans      *cursor[sourceSpan]
	statuses   *cursor[sourceStatus]
	reviews    *cursor[sourceReview]    // nil before schema 3
	rejections *cursor[sourceRejection] // nil before schema 3
	relations  *cursor[relationRow]     // nil before schema 4
}

func openMergeCursors(ctx context.Context, src *sql.Tx, version int) (*mergeCursors, error) {
	c := &mergeCursors{}
	var err error
	attrsColumn := "'{}'" // spans have attribute values from schema 4
	if version >= 4 {
		attrsColumn = "attrs"
	}
	c.spans, err = newCursor(ctx, src, `SELECT document_id, annotator_id, label_id, start, "end", note, `+attrsColumn+`, created_at, updated_at
		FROM spans ORDER BY document_id, start, "end", label_id, annotator_id`,
		func(r *sql.Rows) (s sourceSpan, err error) {
			err = r.Scan(&s.docID, &s.annotatorID, &s.labelID, &s.start, &s.end, &s.note, &s.attrs, &s.created, &s.updated)
			return s, err
		}, func(s sourceSpan) int64 { return s.docID })
	if err != nil {
		return c, err
	}
	c.statuses, err = newCursor(ctx, src, `SELECT document_id, annotator_id, status FROM statuses ORDER BY document_id`,
		func(r *sql.Rows) (s sourceStatus, err error) {
			err = r.Scan(&s.docID, &s.annotatorID, &s.status)
			return s, err
		}, func(s sourceStatus) int64 { return s.docID })
	if err != nil || version < 3 {
		return c, err
	}
	c.reviews, err = newCursor(ctx, src, `SELECT document_id, status, reviewer, updated_at FROM reviews ORDER BY document_id`,
		func(r *sql.Rows) (s sourceReview, err error) {
			err = r.Scan(&s.docID, &s.status, &s.reviewer, &s.updated)
			return s, err
		}, func(s sourceReview) int64 { return s.docID })
	if err != nil {
		return c, err
	}
	c.rejections, err = newCursor(ctx, src, `SELECT document_id, start, "end", reviewer, created_at FROM rejections ORDER BY document_id`,
		func(r *sql.Rows) (s sourceRejection, err error) {
			err = r.Scan(&s.docID, &s.start, &s.end, &s.reviewer, &s.created)
			return s, err
		}, func(s sourceRejection) int64 { return s.docID })
	if err != nil || version < 4 {
		return c, err
	}
	c.relations, err = relationRows(ctx, src)
	return c, err
}

func (c *mergeCursors) close() {
	if c.spans != nil {
		c.spans.close()
	}
	if c.statuses != nil {
		c.statuses.close()
	}
	if c.reviews != nil {
		c.reviews.close()
	}
	if c.rejections != nil {
		c.rejections.close()
	}
	if c.relations != nil {
		c.relations.close()
	}
}

// mergeDocument merges one document of the file with its spans, statuses and review.
func (m *merger) mergeDocument(path string, sd sourceDocument, c *mergeCursors, labelOf map[int64]int64,
	annotators map[int64]string, fr *MergeFileReport, renamed *renames) error {
	ctx := m.sqlCtx
	// The stored text is normalised already; normalising again keeps a file of an older Tagdesk
	// that normalised otherwise from adding a second copy of the text.
	norm, om := text.Normalize(sd.text)
	offsets := func(start, end int) (int, int) {
		if norm == sd.text {
			return start, end
		}
		return om.Start(start), om.End(end)
	}
	meta, err := compactMeta(json.RawMessage(sd.meta))
	if err != nil {
		meta = json.RawMessage("{}")
	}
	d, added, err := m.p.insertDocument(ctx, m.tx, newDocument(sd.name, sd.sourceID, meta, norm), norm)
	if err != nil {
		return err
	}
	if added {
		fr.Documents++
		if _, err := m.tx.ExecContext(ctx, `UPDATE documents SET created_at = ? WHERE id = ?`, storedForm(sd.created), d.ID); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
	} else {
		fr.DocumentsPresent++
	}

	layers := map[int64]*layer{}
	layerOf := func(annotatorID int64) *layer {
		l := layers[annotatorID]
		if l == nil {
			l = newLayer(d.ID, annotators[annotatorID], path, false)
			layers[annotatorID] = l
		}
		return l
	}
	err = c.spans.each(sd.id, func(s sourceSpan) {
		start, end := offsets(s.start, s.end)
		if label, ok := labelOf[s.labelID]; ok && start < end && annotators[s.annotatorID] != "" {
			layerOf(s.annotatorID).add(spanKey{start, end, label},
				incomingSpan{note: s.note, attrs: s.attrs, created: storedForm(s.created), updated: storedForm(s.updated)})
		}
	})
	if err != nil {
		return err
	}
	if err := m.relations(sd.id, c, offsets, labelOf, layers); err != nil {
		return err
	}
	err = c.statuses.each(sd.id, func(s sourceStatus) {
		if annotators[s.annotatorID] != "" {
			layerOf(s.annotatorID).setStatus(s.status)
		}
	})
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(layers))
	for id, l := range layers {
		ids = append(ids, id)
		l.setStatus(StatusNew) // the file says how far each annotator got: without a row, not started
	}
	sort.Slice(ids, func(i, j int) bool { return layers[ids[i]].annotator < layers[ids[j]].annotator })
	for _, id := range ids {
		l := layers[id]
		res, err := m.rec.apply(l)
		if err != nil {
			return err
		}
		fr.Spans += res.added
		fr.SpansPresent += res.present
		fr.Relations += res.relationsAdded
		fr.RelationsPresent += res.relationsPresent
		fr.NotesFilled += res.notesFilled
		if res.statusChanged {
			fr.StatusesChanged++
		}
		renamed.add(l, res)
	}
	return m.mergeReview(sd.id, d.ID, c, offsets, fr)
}

// relations puts the file's relations of document srcID into the layers of their spans, mapped by
// their keys (start, end, label). A relation whose spans did not come (a span that normalisation
// emptied) stays out.
func (m *merger) relations(srcID int64, c *mergeCursors, offsets func(int, int) (int, int), labelOf map[int64]int64,
	layers map[int64]*layer) error {
	if c.relations == nil {
		return nil
	}
	var err error
	eachErr := c.relations.each(srcID, func(r relationRow) {
		l := layers[r.annotatorID]
		if err != nil || l == nil {
			return
		}
		fs, fe := offsets(r.fromStart, r.fromEnd)
		ts, te := offsets(r.toStart, r.toEnd)
		from, to := spanKey{fs, fe, labelOf[r.fromLabel]}, spanKey{ts, te, labelOf[r.toLabel]}
		_, ok1 := l.spans[from]
		_, ok2 := l.spans[to]
		if !ok1 || !ok2 || from == to {
			return
		}
		var typeID int64
		if typeID, err = m.relationTypes.id(m.sqlCtx, m.tx, r.typ, r.color); err == nil {
			l.addRelation(from, to, typeID, storedForm(r.created))
		}
	})
	if err = errors.Join(err, eachErr); err != nil {
		return fmt.Errorf("merge: relations: %w", err)
	}
	return nil
}

// mergeReview keeps the further review status of the document, with its reviewer, and adds the
// file's rejections.
func (m *merger) mergeReview(srcID, docID int64, c *mergeCursors, offsets func(int, int) (int, int), fr *MergeFileReport) error {
	if c.reviews == nil {
		return nil
	}
	ctx := m.sqlCtx
	var err error
	eachErr := c.reviews.each(srcID, func(r sourceReview) {
		if err != nil {
			return
		}
		var res sql.Result
		res, err = m.tx.ExecContext(ctx, `INSERT INTO reviews (document_id, status, reviewer, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (document_id) DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer, updated_at = excluded.updated_at
			WHERE reviews.status = 'in_review' AND excluded.status = 'reviewed'`,
			docID, r.status, r.reviewer, storedForm(r.updated))
		if n, _ := rowsAffected(res); n == 1 {
			fr.ReviewsChanged++
		}
	})
	if err = errors.Join(err, eachErr); err != nil {
		return fmt.Errorf("merge: review: %w", err)
	}
	eachErr = c.rejections.each(srcID, func(r sourceRejection) {
		start, end := offsets(r.start, r.end)
		if err != nil || start >= end {
			return
		}
		var res sql.Result
		res, err = m.tx.ExecContext(ctx, `INSERT INTO rejections (document_id, start, "end", reviewer, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, docID, start, end, r.reviewer, storedForm(r.created))
		if n, _ := rowsAffected(res); n == 1 {
			fr.RejectionsAdded++
		}
	})
	if err = errors.Join(err, eachErr); err != nil {
		return fmt.Errorf("merge: rejection: %w", err)
	}
	return nil
}

func rowsAffected(res sql.Result) (int64, error) {
	if res == nil {
		return 0, nil
	}
	return res.RowsAffected()
}

// storedForm returns a stored time with all nine digits of the fraction, as schema 2 stores them;
// files of schema 1 may have fewer.
func storedForm(s string) string {
	if t := parseTime(s); !t.IsZero() {
		return formatTime(t)
	}
	return s
}
