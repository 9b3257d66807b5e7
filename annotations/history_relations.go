package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AddRelation links two spans as Project.AddRelation does. It is recorded only when the relation was
// added.
func (h *History) AddRelation(ctx context.Context, from, to int64, typ string) (Relation, bool, error) {
	r, added, err := h.p.AddRelation(ctx, from, to, typ)
	if err != nil || !added {
		return r, added, err
	}
	h.record(&relationEdit{rel: keptRelation{from: h.ref(from), to: h.ref(to), typ: typ}, add: true, documentID: r.DocumentID})
	return r, true, nil
}

// DeleteRelation deletes the relation with id as Project.DeleteRelation does.
func (h *History) DeleteRelation(ctx context.Context, id int64) (Relation, error) {
	r, err := h.p.DeleteRelation(ctx, id)
	if err != nil {
		return r, err
	}
	h.record(&relationEdit{rel: keptRelation{from: h.ref(r.From), to: h.ref(r.To), typ: r.Type, created: formatTime(r.CreatedAt)},
		documentID: r.DocumentID})
	return r, nil
}

// keptRelation is a relation as the history keeps it: its spans by reference, so that it can be made
// again when they come back under new IDs.
type keptRelation struct {
	from, to *spanRef
	typ      string
	created  string // stored form; "" takes the time it is made again
}

// relationEdit adds a relation (add) or deletes it.
type relationEdit struct {
	rel        keptRelation
	add        bool
	documentID int64
}

func (e *relationEdit) String() string {
	if e.add {
		return "add " + e.rel.typ + " relation"
	}
	return "delete " + e.rel.typ + " relation"
}

func (e *relationEdit) apply(ctx context.Context, h *History, forward bool) (Change, error) {
	if !h.exists(e.rel.from) || !h.exists(e.rel.to) {
		return Change{}, conflict("a span of the relation was deleted elsewhere")
	}
	err := h.p.write(ctx, func(tx *sql.Tx) error {
		if _, err := relationTypeID(ctx, tx, e.rel.typ); errors.Is(err, ErrNotFound) {
			return conflict("the relation type %q no longer exists", e.rel.typ)
		}
		if e.add == forward {
			r, added, err := h.p.insertRelation(ctx, tx, e.rel.from.id, e.rel.to.id, e.rel.typ)
			switch {
			case errors.Is(err, ErrNotFound):
				return conflict("a span of the relation was deleted elsewhere")
			case err != nil:
				return err
			case !added:
				return conflict("an identical relation already exists")
			}
			if e.rel.created != "" {
				_, err = tx.ExecContext(ctx, `UPDATE relations SET created_at = ? WHERE id = ?`, e.rel.created, r.ID)
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM relations WHERE from_span = ? AND to_span = ?
			AND type_id = (SELECT id FROM relation_types WHERE name = ?)`, e.rel.from.id, e.rel.to.id, e.rel.typ)
		if err != nil {
			return fmt.Errorf("delete relation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict("the relation was deleted elsewhere")
		}
		return nil
	})
	if err != nil {
		return Change{}, err
	}
	return Change{DocumentID: e.documentID, SpanID: e.rel.from.id}, nil
}

// relationsOf returns the relations of the spans with ids, within tx, before they are deleted: their
// cascade takes the relations with them.
func (h *History) relationsOf(ctx context.Context, tx *sql.Tx, ids ...int64) ([]keptRelation, error) {
	var out []keptRelation
	seen := map[int64]bool{} // a relation between spans of two chunks is met twice
	err := forEachID(ids, func(list string) error {
		return eachRow(ctx, tx, `SELECT r.id, r.from_span, r.to_span, t.name, r.created_at FROM relations r
			JOIN relation_types t ON t.id = r.type_id WHERE r.from_span IN (`+list+`) OR r.to_span IN (`+list+`) ORDER BY r.id`,
			func(rows *sql.Rows) error {
				var rid, from, to int64
				var k keptRelation
				if err := rows.Scan(&rid, &from, &to, &k.typ, &k.created); err != nil {
					return err
				}
				if !seen[rid] {
					seen[rid] = true
					k.from, k.to = h.ref(from), h.ref(to)
					out = append(out, k)
				}
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("relations of spans: %w", err)
	}
	return out, nil
}

// restoreRelations makes the relations kept again, within tx, between their spans' current IDs:
// those of fresh for spans added back in tx, else those of spans that exist. A relation one of whose
// spans is gone, or whose type was deleted, is not made again.
func (h *History) restoreRelations(ctx context.Context, tx *sql.Tx, kept []keptRelation, fresh map[*spanRef]int64) error {
	id := func(r *spanRef) (int64, bool) {
		if id, ok := fresh[r]; ok {
			return id, true
		}
		return r.id, h.exists(r)
	}
	for _, k := range kept {
		from, ok1 := id(k.from)
		to, ok2 := id(k.to)
		if !ok1 || !ok2 {
			continue
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO relations (document_id, from_span, to_span, type_id, created_at)
			SELECT f.document_id, f.id, t.id, rt.id, ? FROM spans f, spans t, relation_types rt
			WHERE f.id = ? AND t.id = ? AND rt.name = ? AND f.document_id = t.document_id AND f.annotator_id = t.annotator_id
			ON CONFLICT DO NOTHING`, k.created, from, to, k.typ)
		if err != nil {
			return fmt.Errorf("restore relation: %w", err)
		}
	}
	return nil
}
