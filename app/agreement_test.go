package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// TestAgreementSheetRelations checks that the agreement sheet gives each pair's relation F1, and says
// so when neither annotator linked spans.
func TestAgreementSheetRelations(t *testing.T) {
	test.NewTempApp(t)
	pair := func(a, b string, rel agreement.Value) agreement.Pair {
		return agreement.Pair{Annotators: [2]string{a, b}, Documents: 2, SpanF1: map[agreement.Mode]agreement.Scores{}, RelationF1: rel}
	}
	report := &agreement.Report{Labels: []string{"claim", "actor"}, Annotators: []string{"alice", "bob", "carol"},
		Pairs: []agreement.Pair{pair("alice", "bob", agreement.Number(0.5)), pair("alice", "carol", agreement.Value{})}}
	s := &agreementSheet{report: report}
	w := test.NewWindow(nil)
	defer w.Close()
	w.SetContent(s.content(w, nil, nil, false))
	for i, want := range []string{"Relation F1 (same type, both spans exact): 0.500.", "Relations: neither linked any spans."} {
		s.pair.SetSelectedIndex(i)
		if !strings.Contains(s.summary.Text, want) {
			t.Errorf("pair %d: the summary says %q, want it to hold %q", i, s.summary.Text, want)
		}
	}
}
