package formats

import (
	"slices"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
)

// cutWords cuts words, the word segments of a text (text.Words: Unicode's UAX #29 words that are
// not white space, as the article view selects words), at every edge of spans inside them: the
// tokens the token formats (prodigy, conll, hf) write, so that every span starts and ends on a token
// boundary. "1.100" and "l’armée" are one token each; "lance-roquettes" is three (lance, -,
// roquettes); punctuation such as « is a token of its own. A span edge in white space cuts nothing:
// white space is never a token. The words are segmented once per document and cut for each
// annotator's spans.
func cutWords(words []text.Range, spans []annotations.Span) []text.Range {
	if len(spans) == 0 {
		return words
	}
	cuts := make([]int, 0, 2*len(spans))
	for _, sp := range spans {
		cuts = append(cuts, sp.Start, sp.End)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	out := make([]text.Range, 0, len(words)+len(cuts))
	k := 0
	for _, w := range words {
		for k < len(cuts) && cuts[k] <= w.Start {
			k++
		}
		start := w.Start
		for j := k; j < len(cuts) && cuts[j] < w.End; j++ {
			out = append(out, text.Range{Start: start, End: cuts[j]})
			start = cuts[j]
		}
		out = append(out, text.Range{Start: start, End: w.End})
	}
	return out
}
