package annotations

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reconciliation is what Merge and Import share: it brings one annotator's spans and status of one
// document, as another copy of the project has them, into this project.
//
// The incoming spans and the project's spans of the same annotator name are compared as sets keyed
// by (start, end, label):
//   - incoming ⊆ project's (each incoming note equal, or empty): nothing to add;
//   - project's ⊆ incoming (each of the project's notes equal, or empty): the missing spans are added
//     and the empty notes filled in: the annotator sent a newer copy;
//   - otherwise the same name holds different work. Nothing is overwritten: the incoming version
//     goes under "NAME (from STEM)", STEM being the file's name without its extension, or
//     "NAME (from STEM) 2" and so on when that name holds yet another version; the same rules apply
//     to those names, so that merging the same file again adds nothing.
//
// The status follows the spans to where they went and is only ever raised.

// Renamed is an annotator whose work in some documents differed from what the project holds under
// the same name, and was kept under another name.
type Renamed struct {
	Annotator string `json:"annotator"` // the name in the file
	As        string `json:"as"`        // the name the work was kept under
	File      string `json:"file"`
	Documents int    `json:"documents"`
}

// spanKey identifies a span within one annotator's layer of one document: labels are ids of this
// project.
type spanKey struct {
	start, end int
	label      int64
}

// incomingSpan is what a span brings besides its key.
type incomingSpan struct {
	note             string
	attrs            string // stored form
	derived          bool   // the attributes were derived, not given: they fill no span's
	created, updated string // stored form
	// replaces, for given attributes, is what the import derived for the same span when an earlier
	// record brought it: given values replace those as they replace none (see importer.flush)
	replaces string
}

// layer is one annotator's incoming spans and status of one document.
type layer struct {
	docID     int64
	annotator string
	file      string // for the report, and its stem for a conflict's name
	// union adds the spans without comparing: spans given no annotator of their own (import's
	// --annotator) join that annotator's whatever they hold.
	union bool
	// fresh says the project holds no span of the document under the annotator's name: it was just
	// added, and no other layer of it went there. Reconciling does not look.
	fresh     bool
	spans     map[spanKey]incomingSpan
	order     []spanKey // as they came, for a stable order of insertion
	relations []incomingRelation
	relSeen   map[incomingRelation]bool
	status    Status
	hasStatus bool
}

func newLayer(docID int64, annotator, file string, union bool) *layer {
	return &layer{docID: docID, annotator: annotator, file: file, union: union, spans: map[spanKey]incomingSpan{}}
}

// add puts a span in the layer and reports whether it was new to it. A repeated span keeps its first
// note unless that was empty, and its first values unless it had none or they were derived and the
// repeat gives some.
func (l *layer) add(k spanKey, s incomingSpan) bool {
	if old, ok := l.spans[k]; ok {
		if old.note == "" && s.note != "" {
			old.note = s.note
		}
		if (old.attrs == "{}" || old.derived && !s.derived) && s.attrs != "{}" {
			old.attrs, old.derived = s.attrs, s.derived
		}
		l.spans[k] = old
		return false
	}
	l.spans[k] = s
	l.order = append(l.order, k)
	return true
}

// incomingRelation is a relation between two spans of a layer, its type an id of this project.
type incomingRelation struct {
	from, to spanKey
	typ      int64
	created  string // stored form
}

// addRelation puts a relation between two spans of the layer and reports whether it was new to it.
func (l *layer) addRelation(from, to spanKey, typ int64, created string) bool {
	k := incomingRelation{from: from, to: to, typ: typ}
	if l.relSeen[k] {
		return false
	}
	if l.relSeen == nil {
		l.relSeen = map[incomingRelation]bool{}
	}
	l.relSeen[k] = true
	k.created = created
	l.relations = append(l.relations, k)
	return true
}

// setStatus records the layer's status; of two given, the further one.
func (l *layer) setStatus(s Status) {
	if !l.hasStatus || statusRank(s) > statusRank(l.status) {
		l.status = s
	}
	l.hasStatus = true
}

func statusRank(s Status) int {
	switch s {
	case StatusInProgress:
		return 1
	case StatusDone:
		return 2
	}
	return 0
}

// layerResult is what reconciling one layer did.
type layerResult struct {
	annotator      string // where the spans went
	renamed        bool
	added, present int
	notesFilled    int
	statusChanged  bool

	relationsAdded, relationsPresent int
}

// reconciler applies layers within one write transaction, with its statements prepared once (q) and
// the annotators it has met cached by name.
type reconciler struct {
	p   *Project
	ctx context.Context
	tx  *sql.Tx
	q   *preparedTx // tx

	annotators      map[string]int64
	annotatorsAdded []string
}

// The reconciler's statements. "+annotator_id" in existingSpansQuery keeps SQLite from reading all
// of the annotator's spans through spans_annotator_updated: the document's spans, through the
// unique index, are far fewer.
const (
	existingSpansQuery = `SELECT start, "end", label_id, note FROM spans WHERE document_id = ? AND +annotator_id = ?`
	insertSpanQuery    = `INSERT INTO spans (document_id, annotator_id, label_id, start, "end", note, attrs, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
	// fillAttrsQuery gives a span values when it has none, or has the values ?8 (see incomingSpan.replaces)
	fillAttrsQuery = `UPDATE spans SET attrs = ?, updated_at = max(updated_at, ?)
		WHERE document_id = ? AND annotator_id = ? AND label_id = ? AND start = ? AND "end" = ? AND attrs IN ('{}', ?)`
	fillNoteQuery = `UPDATE spans SET note = ?, updated_at = max(updated_at, ?)
		WHERE document_id = ? AND annotator_id = ? AND label_id = ? AND start = ? AND "end" = ? AND note = ''`
	findAnnotatorQuery  = `SELECT id FROM annotators WHERE name = ?`
	insertRelationQuery = `INSERT INTO relations (document_id, from_span, to_span, type_id, created_at)
		SELECT ?1, f.id, t.id, ?2, ?3 FROM spans f, spans t
		WHERE f.document_id = ?1 AND f.start = ?5 AND f."end" = ?6 AND f.label_id = ?7 AND f.annotator_id = ?4
		AND t.document_id = ?1 AND t.start = ?8 AND t."end" = ?9 AND t.label_id = ?10 AND t.annotator_id = ?4
		ON CONFLICT DO NOTHING`
)

func (p *Project) newReconciler(ctx context.Context, tx *sql.Tx) *reconciler {
	return &reconciler{p: p, ctx: ctx, tx: tx, q: newPreparedTx(tx), annotators: map[string]int64{}}
}

func (r *reconciler) close() { r.q.close() }

// apply brings l into the project.
func (r *reconciler) apply(l *layer) (layerResult, error) {
	var res layerResult
	for n := 0; ; n++ {
		name := conflictName(l.annotator, l.file, n)
		id, err := r.lookup(name)
		if err != nil {
			return res, err
		}
		var have map[spanKey]string
		if id != 0 && !l.fresh {
			if have, err = r.spansOf(l.docID, id); err != nil {
				return res, err
			}
		}
		var add, fill []spanKey
		switch {
		case l.union:
			add, fill = missing(l, have)
		case within(l, have):
			// nothing to add
		case covers(l, have):
			add, fill = missing(l, have)
		default:
			continue // the name holds other work: try the next
		}
		res.annotator, res.renamed = name, n > 0
		if id == 0 && (len(add) > 0 || l.hasStatus && l.status != StatusNew) {
			if id, err = r.create(name); err != nil {
				return res, err
			}
		}
		if err := r.write(l, id, have, add, fill, &res); err != nil {
			return res, err
		}
		if err := r.writeRelations(l, id, &res); err != nil {
			return res, err
		}
		res.present = len(l.spans) - res.added
		return res, nil
	}
}

// within reports whether every span of l is in have, with an equal note or none.
func within(l *layer, have map[spanKey]string) bool {
	for k, s := range l.spans {
		note, ok := have[k]
		if !ok || s.note != "" && s.note != note {
			return false
		}
	}
	return true
}

// covers reports whether every span of have is in l, with an equal note or none.
func covers(l *layer, have map[spanKey]string) bool {
	for k, note := range have {
		s, ok := l.spans[k]
		if !ok || note != "" && note != s.note {
			return false
		}
	}
	return true
}

// missing returns the spans of l not in have, and those whose note have lacks.
func missing(l *layer, have map[spanKey]string) (add, fill []spanKey) {
	for _, k := range l.order {
		note, ok := have[k]
		switch {
		case !ok:
			add = append(add, k)
		case note == "" && l.spans[k].note != "":
			fill = append(fill, k)
		}
	}
	return add, fill
}

func (r *reconciler) write(l *layer, id int64, have map[spanKey]string, add, fill []spanKey, res *layerResult) error {
	for _, k := range add {
		s := l.spans[k]
		out, err := r.q.ExecContext(r.ctx, insertSpanQuery, l.docID, id, k.label, k.start, k.end, s.note, s.attrs, s.created, s.updated)
		if err != nil {
			return fmt.Errorf("reconcile: insert span: %w", err)
		}
		if n, _ := out.RowsAffected(); n == 1 {
			res.added++
		}
	}
	for _, k := range fill {
		s := l.spans[k]
		out, err := r.q.ExecContext(r.ctx, fillNoteQuery, s.note, s.updated, l.docID, id, k.label, k.start, k.end)
		if err != nil {
			return fmt.Errorf("reconcile: fill note: %w", err)
		}
		if n, _ := out.RowsAffected(); n == 1 {
			res.notesFilled++
		}
	}
	// The same span with no attribute values gets the values the source gave it, as with notes; spans
	// just added have theirs already (they were not in have).
	for _, k := range l.order {
		s := l.spans[k]
		if _, existed := have[k]; !existed || id == 0 || s.attrs == "{}" || s.derived {
			continue
		}
		replaces := cmp.Or(s.replaces, "{}")
		if _, err := r.q.ExecContext(r.ctx, fillAttrsQuery, s.attrs, s.updated, l.docID, id, k.label, k.start, k.end, replaces); err != nil {
			return fmt.Errorf("reconcile: fill attributes: %w", err)
		}
	}
	// An annotator who got spans has started the document, unless the source says how far they got.
	status := l.status
	if !l.hasStatus && res.added > 0 {
		status = StatusInProgress
	}
	if id == 0 || status == "" {
		return nil
	}
	changed, err := r.p.advanceStatus(r.ctx, r.q, l.docID, id, status)
	res.statusChanged = changed
	return err
}

// writeRelations adds the relations of l between the spans of the annotator with id, which hold every
// span of l by now.
func (r *reconciler) writeRelations(l *layer, id int64, res *layerResult) error {
	if id == 0 {
		return nil
	}
	for _, k := range l.relations {
		out, err := r.q.ExecContext(r.ctx, insertRelationQuery, l.docID, k.typ, k.created, id,
			k.from.start, k.from.end, k.from.label, k.to.start, k.to.end, k.to.label)
		if err != nil {
			return fmt.Errorf("reconcile: insert relation: %w", err)
		}
		if n, _ := out.RowsAffected(); n == 1 {
			res.relationsAdded++
		} else {
			res.relationsPresent++
		}
	}
	return nil
}

// spansOf returns the keys and notes of an annotator's spans of a document.
func (r *reconciler) spansOf(docID, annotatorID int64) (map[spanKey]string, error) {
	rows, err := r.q.QueryContext(r.ctx, existingSpansQuery, docID, annotatorID)
	if err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	defer rows.Close()
	have := map[spanKey]string{}
	for rows.Next() {
		var k spanKey
		var note string
		if err := rows.Scan(&k.start, &k.end, &k.label, &note); err != nil {
			return nil, fmt.Errorf("reconcile: %w", err)
		}
		have[k] = note
	}
	return have, rows.Err()
}

// lookup returns the id of the annotator called name, or 0 if there is none.
func (r *reconciler) lookup(name string) (int64, error) {
	if id, ok := r.annotators[name]; ok {
		return id, nil
	}
	var id int64
	err := r.q.QueryRowContext(r.ctx, findAnnotatorQuery, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reconcile: annotator %q: %w", name, err)
	}
	r.annotators[name] = id
	return id, nil
}

func (r *reconciler) create(name string) (int64, error) {
	id, err := r.p.annotatorID(r.ctx, r.tx, name, true)
	if err != nil {
		return 0, err
	}
	r.annotators[name] = id
	r.annotatorsAdded = append(r.annotatorsAdded, name)
	return id, nil
}

// conflictName is the name the n-th version of annotator's work from file goes under: the name
// itself, then "NAME (from STEM)", "NAME (from STEM) 2"... kept within the 100 characters a name may
// have.
func conflictName(annotator, file string, n int) string {
	if n == 0 {
		return annotator
	}
	suffix := ""
	if n > 1 {
		suffix = " " + strconv.Itoa(n)
	}
	stem := fileStem(file)
	room := 100 - utf8.RuneCountInString(annotator+" (from )"+suffix)
	if r := []rune(stem); len(r) > max(room, 1) {
		stem = strings.TrimSpace(string(r[:max(room, 1)]))
	}
	return annotator + " (from " + stem + ")" + suffix
}

// fileStem is a file's name without folder and extension: "alice-copy" for /x/alice-copy.tagdesk.
func fileStem(file string) string {
	base := baseName(filepath.ToSlash(file))
	if stem := strings.TrimSuffix(base, filepath.Ext(base)); stem != "" {
		return stem
	}
	return base
}

// renames gathers the layers that went under another name, for a report.
type renames []Renamed

func (rs *renames) add(l *layer, res layerResult) {
	if !res.renamed {
		return
	}
	for i := range *rs {
		if r := &(*rs)[i]; r.Annotator == l.annotator && r.As == res.annotator && r.File == l.file {
			r.Documents++
			return
		}
	}
	*rs = append(*rs, Renamed{Annotator: l.annotator, As: res.annotator, File: l.file, Documents: 1})
}

// sentence says what happened to r, for a report's details.
func (r Renamed) sentence() string {
	return fmt.Sprintf("%s's work in %s of %s differs from the project's and was kept as %q.",
		r.Annotator, Plural(r.Documents, "document"), baseName(r.File), r.As)
}
