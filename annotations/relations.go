package annotations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// RelationTypes returns the project's relation types in list order.
func (p *Project) RelationTypes(ctx context.Context) ([]RelationType, error) {
	return queryRelationTypes(ctx, p.ro)
}

func queryRelationTypes(ctx context.Context, q querier) ([]RelationType, error) {
	var out []RelationType
	err := eachRow(ctx, q, `SELECT id, name, color, position FROM relation_types ORDER BY position, id`,
		func(r *sql.Rows) error {
			var t RelationType
			err := r.Scan(&t.ID, &t.Name, &t.Color, &t.Position)
			out = append(out, t)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("relation types: %w", err)
	}
	return out, nil
}

// AddRelationType adds t to the end of the relation types. An empty colour gets one from the labels'
// palette.
func (p *Project) AddRelationType(ctx context.Context, t RelationType) (RelationType, error) {
	err := p.write(ctx, func(tx *sql.Tx) error {
		types, err := queryRelationTypes(ctx, tx)
		if err != nil {
			return err
		}
		if t.Color == "" {
			t.Color = nextRelationColor(types)
		}
		if err := validateRelationType(t, types); err != nil {
			return err
		}
		t.Position = len(types)
		t, err = insertRelationType(ctx, tx, t)
		return err
	})
	return t, err
}

// UpdateRelationType renames and recolours the relation type with t.ID. Relations keep their type
// through a rename.
func (p *Project) UpdateRelationType(ctx context.Context, t RelationType) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		types, err := queryRelationTypes(ctx, tx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(types, func(o RelationType) bool { return o.ID == t.ID })
		if i < 0 {
			return userError(ErrNotFound, "There is no such relation type.")
		}
		if err := validateRelationType(t, slices.Delete(types, i, i+1)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE relation_types SET name = ?, color = ? WHERE id = ?`, t.Name, t.Color, t.ID)
		if err != nil {
			return fmt.Errorf("update relation type %q: %w", t.Name, err)
		}
		return nil
	})
}

// MoveRelationType moves the relation type with id to position (from 0) in the list order.
func (p *Project) MoveRelationType(ctx context.Context, id int64, position int) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		types, err := queryRelationTypes(ctx, tx)
		if err != nil {
			return err
		}
		types, ok := moveEntry(types, id, position)
		if !ok {
			return userError(ErrNotFound, "There is no such relation type.")
		}
		return renumber(ctx, tx, "relation_types", types)
	})
}

// DeleteRelationType removes a relation type that no relation uses.
func (p *Project) DeleteRelationType(ctx context.Context, id int64) error {
	return p.write(ctx, func(tx *sql.Tx) error {
		var name string
		var used int
		err := tx.QueryRowContext(ctx, `SELECT name, (SELECT count(*) FROM relations WHERE type_id = relation_types.id)
			FROM relation_types WHERE id = ?`, id).Scan(&name, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return userError(ErrNotFound, "There is no such relation type.")
		}
		if err != nil {
			return err
		}
		if used > 0 {
			return userError(nil, "The relation type %q is used by %s; delete them first.", name, Plural(used, "relation"))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM relation_types WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete relation type %q: %w", name, err)
		}
		types, err := queryRelationTypes(ctx, tx)
		if err != nil {
			return err
		}
		return renumber(ctx, tx, "relation_types", types)
	})
}

func (t RelationType) place() (int64, int) { return t.ID, t.Position }

func insertRelationType(ctx context.Context, q querier, t RelationType) (RelationType, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO relation_types (name, color, position) VALUES (?, ?, ?)`, t.Name, t.Color, t.Position)
	if err != nil {
		return t, fmt.Errorf("insert relation type %q: %w", t.Name, err)
	}
	t.ID, err = res.LastInsertId()
	return t, err
}

// validateRelationType checks t against the other relation types.
func validateRelationType(t RelationType, others []RelationType) error {
	if reason := checkName(t.Name); reason != "" {
		return userError(nil, "A relation type name %s.", reason)
	}
	if !colorPattern.MatchString(t.Color) {
		return userError(nil, "The colour %q of relation type %q is not of the form #rrggbb.", t.Color, t.Name)
	}
	for _, o := range others {
		if o.Name == t.Name {
			return userError(nil, "There is already a relation type named %q.", t.Name)
		}
	}
	return nil
}

// nextRelationColor returns the first palette colour no relation type uses, as nextColor does for
// labels.
func nextRelationColor(types []RelationType) string {
	labels := make([]Label, len(types))
	for i, t := range types {
		labels[i] = Label{Color: t.Color}
	}
	return nextColor(labels)
}

// relationTypeCache is the set of relation types as a bulk change (import, merge) goes along.
type relationTypeCache struct {
	set   []RelationType
	ids   map[string]int64
	added []string
}

func loadRelationTypes(ctx context.Context, q querier) (*relationTypeCache, error) {
	set, err := queryRelationTypes(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &relationTypeCache{set: set, ids: make(map[string]int64, len(set))}
	for _, t := range set {
		c.ids[t.Name] = t.ID
	}
	return c, nil
}

// id returns the id of the relation type called name, adding it (with color, or a colour of the
// palette when color is not #rrggbb) when the project lacks it.
func (c *relationTypeCache) id(ctx context.Context, q querier, name, color string) (int64, error) {
	if id, ok := c.ids[name]; ok {
		return id, nil
	}
	if !colorPattern.MatchString(color) {
		color = nextRelationColor(c.set)
	}
	t, err := insertRelationType(ctx, q, RelationType{Name: name, Color: color, Position: len(c.set)})
	if err != nil {
		return 0, err
	}
	c.set = append(c.set, t)
	c.ids[name] = t.ID
	c.added = append(c.added, name)
	return t.ID, nil
}

const selectRelation = `SELECT r.id, r.document_id, a.name, r.from_span, r.to_span, t.name, r.created_at
	FROM relations r JOIN relation_types t ON t.id = r.type_id JOIN spans s ON s.id = r.from_span
	JOIN annotators a ON a.id = s.annotator_id`

func scanRelation(sc scanner) (Relation, error) {
	var r Relation
	var created string
	if err := sc.Scan(&r.ID, &r.DocumentID, &r.Annotator, &r.From, &r.To, &r.Type, &created); err != nil {
		return r, err
	}
	r.CreatedAt = parseTime(created)
	return r, nil
}

func relationWhere(ctx context.Context, q querier, where string, args ...any) (Relation, error) {
	r, err := scanRelation(q.QueryRowContext(ctx, selectRelation+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, userError(ErrNotFound, "That relation no longer exists.")
	}
	if err != nil {
		return r, fmt.Errorf("relation: %w", err)
	}
	return r, nil
}

// RelationCounts returns how many relations each relation type has, every type listed.
func (p *Project) RelationCounts(ctx context.Context) (map[string]int, error) {
	return relationCounts(ctx, p.ro)
}

func relationCounts(ctx context.Context, q querier) (map[string]int, error) {
	counts := map[string]int{}
	err := eachRow(ctx, q, `SELECT t.name, (SELECT count(*) FROM relations r WHERE r.type_id = t.id) FROM relation_types t`,
		func(r *sql.Rows) error {
			var name string
			var n int
			err := r.Scan(&name, &n)
			counts[name] = n
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("relation counts: %w", err)
	}
	return counts, nil
}

// Relations returns a document's relations, of one annotator or of all when annotator is "", in the
// order they were made.
func (p *Project) Relations(ctx context.Context, documentID int64, annotator string) ([]Relation, error) {
	var out []Relation
	err := eachRow(ctx, p.ro, selectRelation+` WHERE r.document_id = ? AND (? = '' OR a.name = ?) ORDER BY r.id`,
		func(rows *sql.Rows) error {
			r, err := scanRelation(rows)
			out = append(out, r)
			return err
		}, documentID, annotator, annotator)
	if err != nil {
		return nil, fmt.Errorf("relations of document %d: %w", documentID, err)
	}
	return out, nil
}

// AddRelation links the span from to the span to with the relation type typ, in its own transaction.
// Both spans must exist, differ, and be of the same document and annotator. When an identical
// relation exists, it is returned with added false and nothing changes.
func (p *Project) AddRelation(ctx context.Context, from, to int64, typ string) (r Relation, added bool, err error) {
	err = p.write(ctx, func(tx *sql.Tx) error {
		r, added, err = p.insertRelation(ctx, tx, from, to, typ)
		return err
	})
	return r, added, err
}

// insertRelation adds a relation as AddRelation does, within tx.
func (p *Project) insertRelation(ctx context.Context, tx *sql.Tx, from, to int64, typ string) (Relation, bool, error) {
	if from == to {
		return Relation{}, false, userError(nil, "A span cannot be related to itself.")
	}
	a, err := spanWhere(ctx, tx, `s.id = ?`, from)
	if err != nil {
		return Relation{}, false, err
	}
	b, err := spanWhere(ctx, tx, `s.id = ?`, to)
	if err != nil {
		return Relation{}, false, err
	}
	switch {
	case a.DocumentID != b.DocumentID:
		return Relation{}, false, userError(nil, "The two spans are in different documents; a relation links spans of one document.")
	case a.Annotator != b.Annotator:
		return Relation{}, false, userError(nil, "The two spans are %s's and %s's; a relation links spans of one annotator.", a.Annotator, b.Annotator)
	}
	typeID, err := relationTypeID(ctx, tx, typ)
	if err != nil {
		return Relation{}, false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO relations (document_id, from_span, to_span, type_id, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.DocumentID, from, to, typeID, formatTime(p.now()))
	if err != nil {
		return Relation{}, false, fmt.Errorf("add relation: %w", err)
	}
	n, _ := res.RowsAffected()
	r, err := relationWhere(ctx, tx, `r.from_span = ? AND r.to_span = ? AND r.type_id = ?`, from, to, typeID)
	return r, n == 1, err
}

// DeleteRelation deletes the relation with id and returns it as it was.
func (p *Project) DeleteRelation(ctx context.Context, id int64) (Relation, error) {
	var r Relation
	err := p.write(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = relationWhere(ctx, tx, `r.id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM relations WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete relation %d: %w", id, err)
		}
		return nil
	})
	return r, err
}

func relationTypeID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM relation_types WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, userError(ErrNotFound, "There is no relation type named %q in this project.", name)
	}
	if err != nil {
		return 0, fmt.Errorf("relation type %q: %w", name, err)
	}
	return id, nil
}
