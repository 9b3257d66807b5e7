package agreement_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// TestRelationF1 checks relation F1 against a case worked out by hand.
//
// doc1 "Kyiv said 40 drones hit Lviv, officials said.", done by alice and bob:
//
//	alice: claim 10-28 -attributed_to-> actor 0-4, claim -attributed_to-> actor 30-39, claim -mentions-> actor 30-39
//	bob:   claim 10-28 -attributed_to-> actor 0-4, claim -attributed_to-> actor 30-38 ("official")
//
// One relation matches (TP 1); alice's two to 30-39 do not (FN 2), nor bob's to 30-38 (FP 1): F1 =
// 2·1 / (2·1 + 1 + 2) = 0.4. doc2, done by alice, bob and carol, has spans but no relations, so
// the pairs with carol have none: undefined.
func TestRelationF1(t *testing.T) {
	ctx := context.Background()
	p, err := annotations.Open(ctx, filepath.Join(t.TempDir(), "r"+annotations.Extension), annotations.OpenOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if _, err := p.AddRelationType(ctx, annotations.RelationType{Name: "mentions"}); err != nil {
		t.Fatal(err)
	}
	doc := func(text string, done ...string) int64 {
		d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: text[:4], Text: text})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range done {
			if err := p.SetStatus(ctx, d.ID, who, annotations.StatusDone); err != nil {
				t.Fatal(err)
			}
		}
		return d.ID
	}
	add := func(d int64, who, label string, start, end int) int64 {
		s, _, err := p.AddSpan(ctx, annotations.NewSpan{DocumentID: d, Annotator: who, Label: label, Start: start, End: end})
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	relate := func(from, to int64, typ string) {
		if _, _, err := p.AddRelation(ctx, from, to, typ); err != nil {
			t.Fatal(err)
		}
	}
	doc1 := doc("Kyiv said 40 drones hit Lviv, officials said.", "alice", "bob")
	doc2 := doc("Kharkiv.", "alice", "bob", "carol")
	claim, kyiv, officials := add(doc1, "alice", "claim", 10, 28), add(doc1, "alice", "actor", 0, 4), add(doc1, "alice", "actor", 30, 39)
	relate(claim, kyiv, "attributed_to")
	relate(claim, officials, "attributed_to")
	relate(claim, officials, "mentions")
	claim, kyiv, official := add(doc1, "bob", "claim", 10, 28), add(doc1, "bob", "actor", 0, 4), add(doc1, "bob", "actor", 30, 38)
	relate(claim, kyiv, "attributed_to")
	relate(claim, official, "attributed_to")
	for _, who := range []string{"alice", "bob", "carol"} {
		add(doc2, who, "actor", 0, 7)
	}

	tests := map[string]struct {
		labels []string
		want   map[string]agreement.Value // by pair, "alice bob"
	}{
		"every label": {nil, map[string]agreement.Value{"alice bob": value(0.4), "alice carol": undefined, "bob carol": undefined}},
		// relations whose spans are of labels not compared are left out with them
		"claims only": {[]string{"claim"}, map[string]agreement.Value{"alice bob": undefined, "alice carol": undefined, "bob carol": undefined}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := agreement.Compute(ctx, p, agreement.Options{Labels: tt.labels})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Pairs) != len(tt.want) {
				t.Fatalf("%d pairs, want %d", len(r.Pairs), len(tt.want))
			}
			for _, pr := range r.Pairs {
				key := strings.Join(pr.Annotators[:], " ")
				if want, ok := tt.want[key]; !ok {
					t.Errorf("unexpected pair %s", key)
				} else if got := pr.RelationF1; !sameValue(got, want) {
					t.Errorf("%s: relation F1 %v, want %v", key, got, want)
				}
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var top struct {
				Pairs []map[string]json.RawMessage `json:"pairs"`
			}
			if err := json.Unmarshal(out, &top); err != nil {
				t.Fatal(err)
			}
			wantJSON := map[bool]string{true: "0.4", false: "null"}[name == "every label"]
			if got := string(top.Pairs[0]["relation_f1"]); got != wantJSON {
				t.Errorf("JSON relation_f1 of %s = %s, want %s", r.Pairs[0].Annotators, got, wantJSON)
			}
		})
	}
}
