package annotations

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestEachAnnotatedAgreesWithExport checks the lean reader against Export: the same documents, spans
// and statuses for the chosen annotators, and nothing of the others.
func TestEachAnnotatedAgreesWithExport(t *testing.T) {
	ctx := context.Background()
	p, d := reviewFixture(t) // alice and bob with spans, carol with a status only
	other := mustAddDocument(t, p, "other", "Rien de neuf à Kharkiv.")
	mustAddSpan(t, p, NewSpan{DocumentID: other.ID, Annotator: "dave", Label: "actor", Start: 13, End: 20})
	mustAddDocument(t, p, "untouched", "Personne n’a lu ce texte.")
	if err := p.SetStatus(ctx, d.ID, "alice", StatusDone); err != nil {
		t.Fatal(err)
	}
	write := func(id int64, text string, spans []Span, statuses map[string]Status) string {
		out := fmt.Sprintf("%d %q %v:", id, text, statuses)
		for _, s := range spans {
			out += fmt.Sprintf(" %s/%s/%d-%d", s.Annotator, s.Label, s.Start, s.End)
		}
		return out
	}
	for _, who := range [][]string{{"alice", "bob", "carol"}, {"carol"}, {"dave", "alice"}} {
		var want, got []string
		err := p.Export(ctx, ExportQuery{Annotators: who}, func(ed *ExportDocument) error {
			want = append(want, write(ed.ID, ed.Text, ed.Spans, ed.Statuses))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = p.EachAnnotated(ctx, who, func(ad *AnnotatedDocument) error {
			got = append(got, write(ad.ID, ad.Text, ad.Spans, ad.Statuses))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%v:\nEachAnnotated %q\nExport        %q", who, got, want)
		}
	}
}
