package annotations

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlWords tells SQL text in a string literal.
var sqlWords = regexp.MustCompile(`^\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|WITH|VACUUM|ALTER|DROP)\b|\b(WHERE|FROM|ORDER BY|SET|IN|VALUES)\b`)

// dynamicSQL is every piece of SQL in the module's Go code (tests aside) built at run time, by file and
// expression, with why no user's value reaches the SQL text: values always go as parameters (?), and
// what is spliced in comes from constants or from counts.
var dynamicSQL = map[string]string{
	"annotations/project.go: fmt.Sprintf(\"PRAGMA application_id = %d\", applicationID)":             "a constant; PRAGMA takes no parameters",
	"annotations/project.go: fmt.Sprintf(\"PRAGMA user_version = %d\", target)":                      "a migration number from len(migrations); PRAGMA takes no parameters",
	"annotations/documents.go: selectDocument + ` WHERE hash = ?`":                                   "a constant column list joined with a literal clause",
	"annotations/documents.go: selectDocument + ` WHERE id = ?`":                                     "a constant column list joined with a literal clause",
	"annotations/export.go: selectDocument + ` ORDER BY id`":                                         "a constant column list joined with a literal clause",
	"annotations/export.go: selectRelation + ` ORDER BY r.document_id, r.id`":                        "a constant column list joined with a literal clause",
	"annotations/export.go: \"a.name IN (?\" + strings.Repeat(\", ?\", len(q.Annotators)-1) + \")\"": "one ? placeholder per annotator chosen: only their count reaches the SQL",
	"annotations/export.go: `EXISTS (SELECT 1 FROM annotators a WHERE ` + selected + ` AND NOT EXISTS (SELECT 1 FROM statuses st WHERE st.document_id = d.id AND st.annotator_id = a.id))`":                                                                                                 "selected and where are chosen among literal conditions with ? placeholders (exportWhere)",
	"annotations/export.go: `EXISTS (SELECT 1 FROM statuses st JOIN annotators a ON a.id = st.annotator_id WHERE st.document_id = d.id AND st.status = ? AND ` + selected + `)`":                                                                                                            "selected and where are chosen among literal conditions with ? placeholders (exportWhere)",
	"annotations/export.go: `EXISTS (SELECT 1 FROM statuses st JOIN annotators a ON a.id = st.annotator_id WHERE st.document_id = d.id AND ` + selected + `) OR EXISTS (SELECT 1 FROM spans s JOIN annotators a ON a.id = s.annotator_id WHERE s.document_id = d.id AND ` + selected + `)`": "selected and where are chosen among literal conditions with ? placeholders (exportWhere)",
	"annotations/export.go: `SELECT COUNT(*) FROM documents d WHERE ` + where": "selected and where are chosen among literal conditions with ? placeholders (exportWhere)",
	"annotations/history_relations.go: `SELECT r.id, r.from_span, r.to_span, t.name, r.created_at FROM relations r JOIN relation_types t ON t.id = r.type_id WHERE r.from_span IN (` + list + `) OR r.to_span IN (` + list + `) ORDER BY r.id`": "forEachID: ids of rows read from the project, written as integers",
	"annotations/labels.go: `SELECT id, name, color, hotkey, guideline, position, ` + attributes + ` FROM labels ORDER BY position, id`":                                                                                                        "a literal column or '[]', by schema version",
	"annotations/labels.go: `UPDATE ` + table + ` SET position = ? WHERE id = ?`":                                                                                                                                                               "renumber's table is the literal labels or relation_types at every call",
	"annotations/merge.go: `SELECT document_id, annotator_id, label_id, start, \"end\", note, ` + attrsColumn + `, created_at, updated_at FROM spans ORDER BY document_id, start, \"end\", label_id, annotator_id`":                             "a literal column or '{}', by schema version",
	"annotations/relations.go: selectRelation + ` WHERE ` + where":                                                                                                                                                                              "where is a literal condition given by the callers (spanWhere, relationWhere); values are ? parameters",
	"annotations/relations.go: selectRelation + ` WHERE r.document_id = ? AND (? = '' OR a.name = ?) ORDER BY r.id`":                                                                                                                            "a constant column list joined with a literal clause",
	"annotations/review.go: selectSpan + ` WHERE s.document_id = ? ORDER BY s.start, s.\"end\", l.position, a.name`":                                                                                                                            "a constant column list joined with a literal clause",
	"annotations/rules.go: `DELETE FROM suggestions WHERE source = ? AND document_id IN (` + ids + `)`":                                                                                                                                         "forEachID: ids of rows read from the project, written as integers",
	"annotations/spans.go: selectSpan + ` WHERE s.document_id = ? AND (? = '' OR a.name = ?) ORDER BY s.start, s.\"end\", l.position, a.name`":                                                                                                  "a constant column list joined with a literal clause",
	"annotations/spans.go: `UPDATE spans SET ` + set + `, updated_at = ? WHERE id = ?`":                                                                                                                                                         "set is a literal assignment with ? placeholders from a spanChange",
	"annotations/spans.go: selectSpan + ` WHERE ` + where":                                                                                                                                                                                      "where is a literal condition given by the callers (spanWhere, relationWhere); values are ? parameters",
	"annotations/suggestions.go: `SELECT s.id, s.document_id, l.name, s.start, s.\"end\", s.source, s.score, s.created_at FROM suggestions s JOIN labels l ON l.id = s.label_id WHERE s.document_id = ?3 AND ` + openSuggestions + ` ORDER BY s.start, s.\"end\", l.position, s.source`": "openSuggestions is a constant condition with numbered parameters",
	"annotations/suggestions.go: `SELECT document_id, count(*) FROM (SELECT DISTINCT s.document_id, s.start, s.\"end\", s.label_id FROM suggestions s WHERE ` + openSuggestions + `) GROUP BY document_id`":                                                                              "openSuggestions is a constant condition with numbered parameters",
}

// TestSQLOnlyWithParameters reads the module's Go source (tests aside) and finds the SQL built at run
// time: fmt.Sprintf with an SQL format, or SQL literals joined with something other than literals.
// Each must be listed in dynamicSQL with the reason it is safe, so that a new one is reviewed.
func TestSQLOnlyWithParameters(t *testing.T) {
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		ast.Inspect(f, func(n ast.Node) bool {
			var e ast.Expr
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" && len(n.Args) > 0 && hasSQL(n.Args[0]) {
					e = n
				}
			case *ast.BinaryExpr:
				if n.Op == token.ADD && hasSQL(n) && !literal(n) {
					e = n
				}
			}
			if e == nil {
				return true
			}
			var b bytes.Buffer
			printer.Fprint(&b, fset, e)
			key := rel + ": " + strings.Join(strings.Fields(b.String()), " ")
			seen[key] = true
			if _, ok := dynamicSQL[key]; !ok {
				t.Errorf("%s: SQL built at run time, not listed in dynamicSQL with why it is safe:\n\t%q", fset.Position(e.Pos()), key)
			}
			return false // the whole expression is one piece
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range dynamicSQL {
		if !seen[key] {
			t.Errorf("dynamicSQL lists %q, which the code no longer has: remove it", key)
		}
	}
}

// hasSQL reports whether a string literal in e reads as SQL.
func hasSQL(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok && l.Kind == token.STRING {
			v, _ := strconv.Unquote(l.Value)
			found = found || sqlWords.MatchString(v)
		}
		return !found
	})
	return found
}

// literal reports whether e is a string literal or literals joined with +.
func literal(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.ParenExpr:
		return literal(e.X)
	case *ast.BinaryExpr:
		return e.Op == token.ADD && literal(e.X) && literal(e.Y)
	}
	return false
}
