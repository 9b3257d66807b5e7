package annotations

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// OccurrenceQuery asks for the other occurrences of a stretch of text, to label them alike.
type OccurrenceQuery struct {
	DocumentID         int64  // the document the needle was taken from
	Needle             string // the text to find, such as the text of a span just made
	SkipStart, SkipEnd int    // the needle's own place in DocumentID, left out
	Corpus             bool   // also search every other document
	CaseSensitive      bool
	// Annotator and Label leave out the places where Annotator already has a span of Label with the
	// same extent; both may be "".
	Annotator, Label string
}

// Occurrence is one place a needle occurs.
type Occurrence struct {
	DocumentID int64
	Start, End int    // code points
	Text       string // the text there, which may differ from the needle in case or spaces
}

// Occurrences are the places a needle occurs, in document order then text order.
type Occurrences struct {
	Needle    string
	Items     []Occurrence
	Documents int // how many documents they are in
}

// Occurrences finds the other occurrences of q.Needle: in q.DocumentID's text, other than
// [q.SkipStart, q.SkipEnd), and, when q.Corpus is set, in every other document. An occurrence must
// start and end on word boundaries (UAX #29, with a word also starting after an elision's apostrophe,
// as in « d’obus »); it matches case-sensitively or not (Unicode simple case folding), over the NFC
// text, any white space of the text (a no-break space too) matching a space of the needle. Places
// where q.Annotator already has a span of q.Label with the same extent are left out. The corpus is
// read one document at a time.
func (p *Project) Occurrences(ctx context.Context, q OccurrenceQuery) (Occurrences, error) {
	out := Occurrences{Needle: strings.Join(strings.Fields(q.Needle), " ")}
	phrase := preparePhrase(q.Needle, q.CaseSensitive)
	if phrase == "" {
		return out, nil
	}
	err := p.read(ctx, func(tx *sql.Tx) error {
		taken, err := p.labelledExtents(ctx, tx, q)
		if err != nil {
			return err
		}
		var ids []int64 // nil: every document
		if !q.Corpus {
			ids = []int64{q.DocumentID}
		}
		return p.eachText(ctx, tx, ids, func(id int64, s string) error {
			// A text without the phrase is not segmented: most of a corpus is skipped here.
			t := newPhraseText(s, q.CaseSensitive, nil)
			if !strings.Contains(t.folded, phrase) {
				return nil
			}
			n := len(out.Items)
			t.find(phrase, func(start, end int) {
				if id == q.DocumentID && start == q.SkipStart && end == q.SkipEnd {
					return
				}
				if taken[extent{id, start, end}] {
					return
				}
				out.Items = append(out.Items, Occurrence{DocumentID: id, Start: start, End: end,
					Text: s[t.words.byteOf(start):t.words.byteOf(end)]})
			})
			if len(out.Items) > n {
				out.Documents++
			}
			return nil
		})
	})
	if err != nil {
		return Occurrences{}, fmt.Errorf("occurrences of %q: %w", q.Needle, err)
	}
	return out, nil
}

// extent is a place in a document.
type extent struct {
	documentID int64
	start, end int
}

// labelledExtents returns the places where q.Annotator has a span of q.Label, in the documents q
// searches.
func (p *Project) labelledExtents(ctx context.Context, tx *sql.Tx, q OccurrenceQuery) (map[extent]bool, error) {
	taken := map[extent]bool{}
	if q.Annotator == "" || q.Label == "" {
		return taken, nil
	}
	err := eachRow(ctx, tx, `SELECT s.document_id, s.start, s."end" FROM spans s
		JOIN annotators a ON a.id = s.annotator_id JOIN labels l ON l.id = s.label_id
		WHERE a.name = ? AND l.name = ? AND (? OR s.document_id = ?)`, func(r *sql.Rows) error {
		var x extent
		err := r.Scan(&x.documentID, &x.start, &x.end)
		taken[x] = true
		return err
	}, q.Annotator, q.Label, q.Corpus, q.DocumentID)
	if err != nil {
		return nil, fmt.Errorf("spans of %s: %w", q.Label, err)
	}
	return taken, nil
}
