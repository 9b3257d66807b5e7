package annotations

import (
	"context"
	"database/sql"
	"fmt"
)

// AnnotatedDocument is a document's text with the spans and statuses of some annotators: what
// measures of agreement read.
type AnnotatedDocument struct {
	ID       int64
	Text     string
	Spans    []Span            // DocumentID, Annotator, Label, Start and End only; in (start, end) order
	Statuses map[string]Status // of the annotators with spans or a status here; new when they have only spans
	// Relations between the Spans, in no particular order.
	Relations []AnnotatedRelation
}

// AnnotatedRelation is a relation as measures of agreement compare it: by its type and the labels
// and offsets of its spans (From and To hold Label, Start and End only).
type AnnotatedRelation struct {
	Annotator string
	Type      string
	From, To  Span
}

// EachAnnotated calls fn with each document where one of annotators has spans or a status, in id
// order, all read from one snapshot. It reads only the text, the spans' offsets and labels and the
// statuses, through the spans' own index, so it is several times quicker than Export. fn must not keep
// d: EachAnnotated reuses it.
func (p *Project) EachAnnotated(ctx context.Context, annotators []string, fn func(d *AnnotatedDocument) error) error {
	return p.read(ctx, func(tx *sql.Tx) error {
		names := map[int64]string{}
		wanted := map[string]bool{}
		for _, a := range annotators {
			wanted[a] = true
		}
		all, err := queryAnnotators(ctx, tx)
		if err != nil {
			return fmt.Errorf("annotated documents: %w", err)
		}
		for _, a := range all {
			if wanted[a.Name] {
				names[a.ID] = a.Name
			}
		}
		labels, err := queryLabels(ctx, tx)
		if err != nil {
			return err
		}
		labelNames := map[int64]string{}
		for _, l := range labels {
			labelNames[l.ID] = l.Name
		}
		type statusRow struct {
			doc, annotator int64
			status         Status
		}
		statuses, err := newCursor(ctx, tx, `SELECT document_id, annotator_id, status FROM statuses ORDER BY document_id`,
			func(r *sql.Rows) (statusRow, error) {
				var s statusRow
				return s, r.Scan(&s.doc, &s.annotator, &s.status)
			}, func(s statusRow) int64 { return s.doc })
		if err != nil {
			return err
		}
		defer statuses.close()
		type spanRow struct {
			doc, annotator, label int64
			start, end            int
		}
		// in the order of the unique index, which covers the query: no sort
		spans, err := newCursor(ctx, tx, `SELECT document_id, annotator_id, label_id, start, "end" FROM spans
			ORDER BY document_id, start, "end", label_id, annotator_id`,
			func(r *sql.Rows) (spanRow, error) {
				var s spanRow
				return s, r.Scan(&s.doc, &s.annotator, &s.label, &s.start, &s.end)
			}, func(s spanRow) int64 { return s.doc })
		if err != nil {
			return err
		}
		defer spans.close()
		relations, err := relationRows(ctx, tx)
		if err != nil {
			return err
		}
		defer relations.close()
		textStmt, err := tx.PrepareContext(ctx, `SELECT text FROM texts WHERE document_id = ?`)
		if err != nil {
			return fmt.Errorf("annotated documents: %w", err)
		}
		defer textStmt.Close()

		var d AnnotatedDocument
		for statuses.ok || spans.ok {
			id := spans.cur.doc // the next document either cursor has
			if !spans.ok || statuses.ok && statuses.cur.doc < id {
				id = statuses.cur.doc
			}
			d = AnnotatedDocument{ID: id, Spans: d.Spans[:0], Statuses: map[string]Status{}, Relations: d.Relations[:0]}
			err := statuses.each(id, func(s statusRow) {
				if name, ok := names[s.annotator]; ok {
					d.Statuses[name] = s.status
				}
			})
			if err == nil {
				err = spans.each(id, func(s spanRow) {
					if name, ok := names[s.annotator]; ok {
						d.Spans = append(d.Spans, Span{DocumentID: id, Annotator: name, Label: labelNames[s.label], Start: s.start, End: s.end})
					}
				})
			}
			if err == nil {
				err = relations.each(id, func(r relationRow) {
					if name, ok := names[r.annotatorID]; ok {
						d.Relations = append(d.Relations, AnnotatedRelation{Annotator: name, Type: r.typ,
							From: Span{Label: labelNames[r.fromLabel], Start: r.fromStart, End: r.fromEnd},
							To:   Span{Label: labelNames[r.toLabel], Start: r.toStart, End: r.toEnd}})
					}
				})
			}
			if err != nil {
				return fmt.Errorf("annotated documents: %w", err)
			}
			if len(d.Spans) == 0 && len(d.Statuses) == 0 {
				continue
			}
			for _, s := range d.Spans {
				if _, ok := d.Statuses[s.Annotator]; !ok {
					d.Statuses[s.Annotator] = StatusNew // spans kept after the status went back to new
				}
			}
			if err := textStmt.QueryRowContext(ctx, id).Scan(&d.Text); err != nil {
				return fmt.Errorf("annotated documents: text of document %d: %w", id, err)
			}
			if err := fn(&d); err != nil {
				return err
			}
		}
		return nil
	})
}
