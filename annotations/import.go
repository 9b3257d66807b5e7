package annotations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/annotations/text"
)

// maxProblems is how many import problems are kept; the rest are counted.
const maxProblems = 100

// Record is one document as a reader found it, before normalisation: offsets are code points over
// Text as it arrived.
type Record struct {
	File string // for messages
	Line int    // from 1

	ID       string // the id the document had in its source
	Name     string // "" lets the importer choose: ID, else FILE:LINE
	Text     string
	Meta     json.RawMessage // a JSON object, or empty
	Spans    []RecordSpan
	Statuses map[string]Status // by annotator

	// Relations link spans of the record, by their indexes in Spans.
	Relations []RecordRelation

	// Notices count what else the reader could not keep or had to change (predictions, discontinuous
	// spans split, attributes), by notice; the import report gives each with the places it was met.
	Notices map[Notice]int

	prep *recordPrep // the import's work on the record done ahead, if any
}

// documentName is the name of the document a record adds: its name, else its id, else FILE:LINE.
func (r *Record) documentName() string {
	switch {
	case r.Name != "":
		return r.Name
	case r.ID != "":
		return r.ID
	}
	return fmt.Sprintf("%s:%d", baseName(r.File), r.Line)
}

// Notice is a sentence an import report gives about what a reader met: One when it met it once, else
// Many with %d for the count. The places follow it.
type Notice struct{ One, Many string }

// Notify counts n occurrences of what notice says (n of 0 does nothing).
func (r *Record) Notify(notice Notice, n int) {
	if n <= 0 {
		return
	}
	if r.Notices == nil {
		r.Notices = map[Notice]int{}
	}
	r.Notices[notice] += n
}

// RecordSpan is a span as a reader found it.
type RecordSpan struct {
	Start, End int
	Label      string
	Text       *string // when set, must equal the record's text at [Start, End)
	Annotator  string  // "" takes the import's default annotator
	Note       string
	Score      *float64 // a model's confidence in a predicted span, nil when none is given
	// Attrs are the span's attribute values; nil when the format carries none, which derives them
	// from the text as when a span is made by hand.
	Attrs Attrs
}

// RecordRelation is a relation as a reader found it: From and To index the record's Spans, which
// must be of one annotator.
type RecordRelation struct {
	From, To int
	Type     string
}

// RecordReader gives records one at a time. Next returns io.EOF after the last one. An *ImportError
// reports a bad record; the reader can go on to the next. Any other error stops the import.
type RecordReader interface {
	Next() (*Record, error)
}

// ImportOptions say how to import.
type ImportOptions struct {
	// Annotator owns the spans that name no annotator of their own.
	Annotator string
	// StrictLabels rejects spans whose label is not in the project's label set instead of adding it.
	StrictLabels bool
	// DryRun does all the work and reports it, then rolls it back.
	DryRun bool
}

// ImportReport says what an import did.
type ImportReport struct {
	Records          int       `json:"records"`
	Documents        int       `json:"documents_added"`
	DocumentsPresent int       `json:"documents_present"` // skipped: the same text was already in the project
	Spans            int       `json:"spans_added"`
	SpansPresent     int       `json:"spans_present"` // skipped: an identical span was already there
	Relations        int       `json:"relations_added"`
	RelationsPresent int       `json:"relations_present"` // skipped: an identical relation was already there
	LabelsAdded      []string  `json:"labels_added"`
	RelationTypes    []string  `json:"relation_types_added"`
	AttributesAdded  []string  `json:"attributes_added"` // "label.attribute (type)", for values of attributes a label lacked
	AnnotatorsAdded  []string  `json:"annotators_added"`
	Renamed          []Renamed `json:"renamed"` // annotators whose different work was kept under another name
	Notices          []string  `json:"notices"` // what the user should know that did not stop the import
	DryRun           bool      `json:"dry_run"`
}

// Summary is the sentence that tells what an import did, for the command line and the app.
func (r ImportReport) Summary() string {
	verb := "Imported"
	if r.DryRun {
		verb = "Checked (dry run, nothing changed)"
	}
	s := fmt.Sprintf("%s %s: %s added, %s already present; %s added, %s already present", verb,
		Plural(r.Records, "record"), Plural(r.Documents, "document"), Plural(r.DocumentsPresent, "document"),
		Plural(r.Spans, "span"), Plural(r.SpansPresent, "span"))
	if r.Relations > 0 || r.RelationsPresent > 0 {
		s += fmt.Sprintf("; %s added, %s already present", Plural(r.Relations, "relation"), Plural(r.RelationsPresent, "relation"))
	}
	return s + "."
}

// Details are the lines to show after Summary: labels and annotators added, and the notices.
func (r ImportReport) Details() []string {
	var out []string
	if len(r.LabelsAdded) > 0 {
		out = append(out, "New labels: "+strings.Join(r.LabelsAdded, ", "))
	}
	if len(r.RelationTypes) > 0 {
		out = append(out, "New relation types: "+strings.Join(r.RelationTypes, ", "))
	}
	if len(r.AttributesAdded) > 0 {
		out = append(out, "New attributes (types inferred from the values): "+strings.Join(r.AttributesAdded, ", "))
	}
	if len(r.AnnotatorsAdded) > 0 {
		out = append(out, "New annotators: "+strings.Join(r.AnnotatorsAdded, ", "))
	}
	for _, rn := range r.Renamed {
		out = append(out, rn.sentence())
	}
	for _, n := range r.Notices {
		out = append(out, "Note: "+n)
	}
	return out
}

// Plural returns "1 span", "2 spans": n and the noun, with an s when n is not 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Import reads every record of r and adds its documents, spans and statuses in one transaction. If
// any record has a problem, Import goes on reading to report all of them (up to 100) and then adds
// nothing: the error is *ImportErrors. Documents whose normalised text is already in the project are
// not added again, but their spans are.
//
// Spans that name their annotator are reconciled as Merge does, per document and annotator, once all
// records are read (so several records of the same document and annotator count as one): spans that
// add to what the project holds under that name are added, and spans that differ from it are kept
// under "NAME (from FILE)" (see Renamed). Spans given the default annotator (opts.Annotator) are
// added to that annotator's.
func (p *Project) Import(ctx context.Context, r RecordReader, opts ImportOptions) (ImportReport, error) {
	var rep ImportReport
	if opts.Annotator != "" {
		if msg := CheckAnnotatorName(opts.Annotator); msg != "" {
			return rep, userError(nil, "%s", msg)
		}
	}
	// Statements run without ctx's cancellation: with a cancellable context the SQLite driver starts
	// a goroutine per statement, which made a 100,000-span import eight times slower. ctx is checked
	// between records instead, and a cancelled import rolls back.
	sqlCtx := context.WithoutCancel(ctx)
	tx, err := p.begin(sqlCtx)
	if err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	defer tx.Rollback()
	im, err := p.newImporter(sqlCtx, tx, opts)
	if err != nil {
		return rep, err
	}
	defer im.close()
	ahead := prefetch(r, im.labels.withAttributes())
	defer ahead.close()
	err = eachRecord(ctx, ahead, &im.errs, "import", func(rec *Record) error {
		rep.Records++
		return im.add(rec, &rep)
	})
	if err != nil {
		return ImportReport{}, err
	}
	if len(im.errs.Problems) > 0 {
		return ImportReport{}, &im.errs
	}
	if err := im.reconcile(ctx, &rep); err != nil {
		return ImportReport{}, err
	}
	if rep.Records == 0 {
		rep.Notices = append(rep.Notices, "The input holds no documents.")
	}
	rep.Notices = append(rep.Notices,
		im.emptyDocs.notice("1 document is empty", "%d documents are empty", ""),
		im.sharedIDs.notice("1 document has", "%d documents have",
			" an id that a document with another text already has: exports will show both under that id"))
	rep.Notices = append(rep.Notices, im.notices.sentences()...)
	rep.Notices = slices.DeleteFunc(rep.Notices, func(s string) bool { return s == "" })
	if err := commitUnlessDry(ctx, tx, opts.DryRun, "import"); err != nil {
		return ImportReport{}, err
	}
	rep.DryRun = opts.DryRun
	rep.LabelsAdded = append([]string{}, im.labelsAdded...)
	rep.RelationTypes = append([]string{}, im.relationTypes.added...)
	rep.AttributesAdded = append([]string{}, im.attrsAdded...)
	rep.AnnotatorsAdded = append([]string{}, im.rec.annotatorsAdded...)
	rep.Notices = append([]string{}, rep.Notices...)
	return rep, nil
}

// eachRecord calls fn with each record r gives until io.EOF, checking ctx before each. A record the
// reader could not read is a problem added to errs, and reading goes on; other errors of the reader
// are wrapped with what.
func eachRecord(ctx context.Context, r RecordReader, errs *ImportErrors, what string, fn func(*Record) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var ie *ImportError
		if errors.As(err, &ie) {
			errs.add(ie)
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// add keeps the problem e, or counts it past maxProblems.
func (errs *ImportErrors) add(e *ImportError) {
	if len(errs.Problems) < maxProblems {
		errs.Problems = append(errs.Problems, e)
	} else {
		errs.More++
	}
}

// commitUnlessDry commits the transaction of a bulk change (what), unless it is a dry run or ctx
// was cancelled meanwhile.
func commitUnlessDry(ctx context.Context, tx *sql.Tx, dryRun bool, what string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dryRun {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// textProblem says why s cannot be a document's text: it is not valid UTF-8, or it holds a NUL
// character, which no text file does (the plain-text reader refuses a file with one as binary) and
// which C strings, and so SQLite's text functions, end at. It returns "" for a good text.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "the text is not valid UTF-8"
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		return fmt.Sprintf("the text holds a NUL character (U+0000) at character %d: it is not text", utf8.RuneCountInString(s[:i]))
	}
	return ""
}

// importer holds what one import transaction needs: the reconciler with its prepared statements,
// the label cache and the layers read so far.
type importer struct {
	p      *Project
	ctx    context.Context
	tx     *sql.Tx
	opts   ImportOptions
	rec    *reconciler
	labels *labelCache
	// relationTypes are the project's relation types, with those the import adds
	relationTypes *relationTypeCache

	// the spans and statuses read, by document and annotator, reconciled once every record is read
	layers  []*layer
	layerOf map[layerKey]*layer
	// Layers of documents the import added cannot conflict with the project's work: they are
	// reconciled as soon as the input moves on to another document, so that memory holds the spans
	// of a document, not those of the whole input. The spans of a layer reconciled early that come
	// again later join what it brought, as they would have joined it.
	pending []layerKey        // of documents the import added, not yet reconciled
	added   map[int64]bool    // the documents the import added
	early   map[layerKey]bool // the layers reconciled early
	flushed map[int64]bool    // the documents of those layers
	// redefined are the labels whose attribute definitions the import changed
	redefined map[string]bool
	current   int64 // the document of the last record written
	renamed   renames

	labelsAdded []string
	attrs       importAttrs // attribute definitions the import added
	attrsAdded  []string
	errs        ImportErrors

	// what the report tells but does not stop the import
	emptyDocs, sharedIDs places
	notices              noticeBook // the readers' notices
}

// sharedIDQuery tells whether another document has the source id ?1. Its test that the source id is
// not empty lets SQLite use the partial index documents_source; without it every added document
// scans the table.
const sharedIDQuery = `SELECT EXISTS (SELECT 1 FROM documents WHERE source_id = ?1 AND source_id <> '' AND id <> ?2)`

// places counts something an import met and keeps where it met the first few.
type places struct {
	count int
	where []string
	more  bool
}

func (p *places) add(n int, rec *Record) {
	p.count += n
	if len(p.where) < 5 {
		where := rec.File
		if rec.Line > 0 {
			where = fmt.Sprintf("%s:%d", rec.File, rec.Line)
		}
		p.where = append(p.where, where)
	} else {
		p.more = true
	}
}

// notice is the sentence for the count (one or many, the latter with %d, then rest) followed by the
// places, or "" when there are none.
func (p *places) notice(one, many, rest string) string {
	if p.count == 0 {
		return ""
	}
	where := strings.Join(p.where, ", ")
	if p.more {
		where += ", ..."
	}
	s := one
	if p.count > 1 {
		s = fmt.Sprintf(many, p.count)
	}
	return s + rest + " (" + where + ")."
}

// noticeBook gathers what the readers noticed in an import's records, with the places met.
type noticeBook struct {
	places map[Notice]*places
	order  []Notice // in the order first met
}

// record adds the notices of rec.
func (b *noticeBook) record(rec *Record) {
	for _, n := range sortedNotices(rec.Notices) {
		b.add(n, rec.Notices[n], rec)
	}
}

// add counts count of n, met in rec.
func (b *noticeBook) add(n Notice, count int, rec *Record) {
	if count <= 0 {
		return
	}
	pl := b.places[n]
	if pl == nil {
		if b.places == nil {
			b.places = map[Notice]*places{}
		}
		pl = &places{}
		b.places[n] = pl
		b.order = append(b.order, n)
	}
	pl.add(count, rec)
}

// sentences are the notices, each with its count and places.
func (b *noticeBook) sentences() []string {
	out := make([]string, len(b.order))
	for i, n := range b.order {
		out[i] = b.places[n].notice(n.One, n.Many, "")
	}
	return out
}

func (p *Project) newImporter(ctx context.Context, tx *sql.Tx, opts ImportOptions) (*importer, error) {
	im := &importer{p: p, ctx: ctx, tx: tx, opts: opts, layerOf: map[layerKey]*layer{}, attrs: importAttrs{},
		added: map[int64]bool{}, early: map[layerKey]bool{}, flushed: map[int64]bool{},
		redefined: map[string]bool{}}
	var err error
	if im.labels, err = loadLabels(ctx, tx); err != nil {
		return nil, err
	}
	if im.relationTypes, err = loadRelationTypes(ctx, tx); err != nil {
		return nil, err
	}
	im.rec = p.newReconciler(ctx, tx)
	return im, nil
}

func (im *importer) close() { im.rec.close() }

// placeProblem says what is wrong with where rs is in the record's text orig, or "": offsets out of
// it, or a text of rs that does not match it there.
func placeProblem(rs RecordSpan, orig *text.Index) string {
	if reason := rangeProblem(rs.Start, rs.End, orig.Len()); reason != "" {
		return reason
	}
	if rs.Text != nil {
		if got := orig.Slice(rs.Start, rs.End); !sameText(got, *rs.Text) {
			return fmt.Sprintf("its text %s does not match the document text at %d–%d, which is %s",
				excerpt(*rs.Text), rs.Start, rs.End, excerpt(got))
		}
	}
	return ""
}

// preparedSpan is a record span checked and carried into the normalised text.
type preparedSpan struct {
	index      int // in the record's spans
	start, end int
	label      string
	annotator  string
	byDefault  bool // the annotator is the import's default, not named by the span
	note       string
	attrs      Attrs // nil: derive them
}

// add checks rec and, while no problem has been found, writes it.
func (im *importer) add(rec *Record, rep *ImportReport) error {
	bad := func(format string, args ...any) {
		im.errs.add(&ImportError{File: rec.File, Line: rec.Line, Reason: fmt.Sprintf(format, args...)})
	}
	pre := rec.prepared()
	if pre.problem != "" {
		bad("%s", pre.problem)
		return nil
	}
	meta, err := compactMeta(rec.Meta)
	if err != nil {
		bad("meta %s", err)
		return nil
	}
	normText, m, orig, normLen := pre.norm, pre.m, pre.orig, pre.doc.Length

	spans := make([]preparedSpan, 0, len(rec.Spans))
	ok := true
	var newAttrs recordAttrs // attributes the record's spans give values for that their labels lack
	for i, rs := range rec.Spans {
		what := fmt.Sprintf("span %d", i+1)
		if rs.Label != "" {
			what = fmt.Sprintf("span %d (%q)", i+1, rs.Label)
		}
		if reason := placeProblem(rs, orig); reason != "" {
			bad("%s: %s", what, reason)
			ok = false
			continue
		}
		if reason := checkName(rs.Label); reason != "" {
			bad("%s: the label %s", what, reason)
			ok = false
			continue
		}
		annotator, byDefault := rs.Annotator, rs.Annotator == ""
		if annotator == "" {
			annotator = im.opts.Annotator
		}
		if annotator == "" {
			bad("%s has no annotator; give one with --annotator or an \"annotator\" field", what)
			ok = false
			continue
		}
		if reason := checkName(annotator); reason != "" {
			bad("%s: the annotator name %s", what, reason)
			ok = false
			continue
		}
		if _, known := im.labels.ids[rs.Label]; !known && im.opts.StrictLabels {
			bad("%s: the label %q is not in the project's label set (--strict-labels)", what, rs.Label)
			ok = false
			continue
		}
		if p := im.attrsProblem(rs.Label, rs.Attrs, &newAttrs); p != "" {
			bad("%s: %s", what, p)
			ok = false
			continue
		}
		start, end := m.Start(rs.Start), m.End(rs.End)
		if start >= end || end > normLen {
			bad("%s covers only characters that normalisation removes (a byte-order mark)", what)
			ok = false
			continue
		}
		attrs := normalizeAttrs(rs.Attrs)
		if rs.Attrs != nil && attrs == nil {
			attrs = Attrs{} // given none: derive none
		}
		spans = append(spans, preparedSpan{i, start, end, rs.Label, annotator, byDefault, cleanNote(rs.Note), attrs})
	}
	for i, rr := range rec.Relations {
		if reason := im.relationProblem(rr, rec.Spans, spans, ok); reason != "" {
			bad("relation %d: %s", i+1, reason)
			ok = false
		}
	}
	statuses := map[string]Status{}
	for _, given := range sortedKeys(rec.Statuses) {
		s, valid := ParseStatus(string(rec.Statuses[given]))
		annotator := given
		if annotator == "" { // the status of the import's default annotator
			if annotator = im.opts.Annotator; annotator == "" {
				continue // its spans, if any, say that an annotator is missing
			}
		}
		switch reason := checkName(annotator); {
		case reason != "":
			bad("status of %q: the annotator name %s", annotator, reason)
			ok = false
		case !valid:
			bad("status of %q: %q is not new, in_progress or done", annotator, rec.Statuses[given])
			ok = false
		}
		statuses[annotator] = s
	}
	if !ok || len(im.errs.Problems) > 0 {
		return nil // keep checking the rest, write nothing
	}

	doc := pre.doc
	doc.Name, doc.SourceID, doc.Meta = rec.documentName(), rec.ID, meta
	d, added, err := im.p.insertDocument(im.ctx, im.rec.q, doc, normText)
	if err != nil {
		return err
	}
	if d.ID != im.current {
		if err := im.flush(rep); err != nil {
			return err
		}
		im.current = d.ID
	}
	if added {
		im.added[d.ID] = true
		rep.Documents++
		if d.Length == 0 {
			im.emptyDocs.add(1, rec)
		}
		if rec.ID != "" {
			var shared bool
			err := im.rec.q.QueryRowContext(im.ctx, sharedIDQuery, rec.ID, d.ID).Scan(&shared)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			if shared {
				im.sharedIDs.add(1, rec)
			}
		}
	} else {
		rep.DocumentsPresent++
	}
	im.notices.record(rec)
	now := formatTime(im.p.now())
	keys := make([]spanKey, len(spans)) // of spans, for the relations
	runes := func() []rune {            // the normalised text, once a span needs its attributes derived here
		if pre.runes == nil {
			pre.runes = []rune(normText)
		}
		return pre.runes
	}
	for i, s := range spans {
		labelID, err := im.labelID(s.label)
		if err != nil {
			return err
		}
		keys[i] = spanKey{s.start, s.end, labelID}
		in := incomingSpan{note: s.note, attrs: formatAttrs(s.attrs), created: now, updated: now}
		if s.attrs != nil {
			if err := im.defineAttrs(s.label, s.attrs); err != nil {
				return err
			}
			if l, _ := im.labels.byName(s.label); im.early[layerKey{d.ID, s.annotator, s.byDefault}] && len(l.Attributes) > 0 {
				// an earlier record may have brought this span without values, derived then
				in.replaces = formatAttrs(DeriveAttrs(l.Attributes, runes(), s.start, s.end))
			}
		} else if l, _ := im.labels.byName(s.label); len(l.Attributes) > 0 {
			if pre.derived != nil && pre.derived[s.index] != "" && !im.redefined[s.label] {
				in.attrs, in.derived = pre.derived[s.index], true
			} else {
				in.attrs, in.derived = formatAttrs(DeriveAttrs(l.Attributes, runes(), s.start, s.end)), true
			}
		}
		l := im.layer(d.ID, s.annotator, s.byDefault, rec.File)
		if !l.add(keys[i], in) {
			rep.SpansPresent++ // twice in the input
		}
	}
	for _, rr := range rec.Relations {
		typeID, err := im.relationTypes.id(im.ctx, im.tx, rr.Type, "")
		if err != nil {
			return err
		}
		from := spans[rr.From]
		l := im.layer(d.ID, from.annotator, from.byDefault, rec.File)
		if !l.addRelation(keys[rr.From], keys[rr.To], typeID, now) {
			rep.RelationsPresent++ // twice in the input
		}
	}
	// A status the record gives wins over the "in progress" that spans bring (an export writes "new"
	// for an annotator whose spans stayed after the status went back to new).
	for _, annotator := range sortedKeys(statuses) {
		im.layer(d.ID, annotator, false, rec.File).setStatus(statuses[annotator])
		if l := im.layerOf[layerKey{d.ID, annotator, true}]; l != nil {
			l.setStatus(statuses[annotator])
		}
	}
	return nil
}

// relationProblem says what is wrong with the relation rr between the record's spans (given, and
// prepared when ready), or "".
func (im *importer) relationProblem(rr RecordRelation, given []RecordSpan, prepared []preparedSpan, ready bool) string {
	switch {
	case rr.From < 0 || rr.From >= len(given):
		return fmt.Sprintf("its start %d is not the index of a span (the record has %s)", rr.From, Plural(len(given), "span"))
	case rr.To < 0 || rr.To >= len(given):
		return fmt.Sprintf("its end %d is not the index of a span (the record has %s)", rr.To, Plural(len(given), "span"))
	case rr.From == rr.To:
		return "it links a span to itself"
	}
	if reason := checkName(rr.Type); reason != "" {
		return "the relation type " + reason
	}
	if !ready {
		return ""
	}
	from, to := prepared[rr.From], prepared[rr.To]
	switch {
	case from.annotator != to.annotator || from.byDefault != to.byDefault:
		return fmt.Sprintf("it links spans of different annotators (%s and %s)", annotatorOf(from), annotatorOf(to))
	case from.start == to.start && from.end == to.end && from.label == to.label:
		return "it links a span to an identical one"
	}
	return ""
}

// annotatorOf names the annotator of s in a message.
func annotatorOf(s preparedSpan) string {
	if s.byDefault {
		return fmt.Sprintf("%q by default", s.annotator)
	}
	return fmt.Sprintf("%q", s.annotator)
}

// layerKey identifies a layer of an import: spans that name their annotator and spans given the
// default annotator are kept apart, as only the former are reconciled.
type layerKey struct {
	docID     int64
	annotator string
	byDefault bool
}

// layer returns the layer of the document and annotator, starting it if needed.
func (im *importer) layer(docID int64, annotator string, byDefault bool, file string) *layer {
	k := layerKey{docID, annotator, byDefault}
	l := im.layerOf[k]
	if l == nil {
		l = newLayer(docID, annotator, file, byDefault || im.early[k])
		im.layerOf[k] = l
		if im.added[docID] {
			im.pending = append(im.pending, k)
		} else {
			im.layers = append(im.layers, l)
		}
	}
	return l
}

// reconcile brings every layer read into the project, in the order they were met.
func (im *importer) reconcile(ctx context.Context, rep *ImportReport) error {
	if err := im.flush(rep); err != nil {
		return err
	}
	for _, l := range im.layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := im.apply(l, rep); err != nil {
			return err
		}
	}
	rep.Renamed = append([]Renamed{}, im.renamed...)
	return nil
}

// flush reconciles the layers of documents the import added, read so far, and forgets them.
func (im *importer) flush(rep *ImportReport) error {
	var applied []string // annotators whose spans of the document went in
	for _, k := range im.pending {
		l := im.layerOf[k]
		l.fresh = !im.flushed[k.docID] && !slices.Contains(applied, l.annotator)
		if err := im.apply(l, rep); err != nil {
			return err
		}
		applied = append(applied, l.annotator)
		delete(im.layerOf, k)
		im.early[k] = true
	}
	for _, k := range im.pending {
		im.flushed[k.docID] = true
	}
	im.pending = im.pending[:0]
	return nil
}

// apply reconciles l and counts what it did.
func (im *importer) apply(l *layer, rep *ImportReport) error {
	res, err := im.rec.apply(l)
	if err != nil {
		return err
	}
	rep.Spans += res.added
	rep.SpansPresent += res.present
	rep.Relations += res.relationsAdded
	rep.RelationsPresent += res.relationsPresent
	im.renamed.add(l, res)
	return nil
}

// labelID returns the id of the label called name, adding it to the label set if needed.
func (im *importer) labelID(name string) (int64, error) {
	if id, ok := im.labels.ids[name]; ok {
		return id, nil
	}
	id, err := im.labels.add(im.ctx, im.tx, Label{Name: name, Color: nextColor(im.labels.set), Hotkey: freeHotkey(name, im.labels.set)})
	if err != nil {
		return 0, err
	}
	im.labelsAdded = append(im.labelsAdded, name)
	return id, nil
}

// sameText reports whether a span's given text matches the document's: exactly, or once both are
// normalised (a reader may have decomposed accents or CRLF line ends).
func sameText(doc, given string) bool {
	if doc == given {
		return true
	}
	a, _ := text.Normalize(doc)
	b, _ := text.Normalize(given)
	return a == b
}

// excerpt quotes s for a message, cut to 40 characters.
func excerpt(s string) string {
	return fmt.Sprintf("%q", excerptRaw(s))
}

// excerptRaw cuts s to 40 characters, unquoted.
func excerptRaw(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:39]) + "…"
	}
	return s
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedNotices returns the notices of a record in a stable order.
func sortedNotices(m map[Notice]int) []Notice {
	out := make([]Notice, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].One < out[j].One })
	return out
}
