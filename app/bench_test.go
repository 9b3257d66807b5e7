package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/text"
	"github.com/tagdesk/tagdesk/assets"
)

// The budgets of the workspace issue, for a 100,000-character article with 5,000 spans:
//   BenchmarkOpenArticle   layout to first frame  < 100 ms
//   BenchmarkLabelAction   key to committed span to refreshed view  < 16 ms
//   BenchmarkScrollPage    scrolling a page  < 8 ms

// benchArticle returns a 100,000-character article made of the sample articles, and 5,000 spans
// over it: every third word a 1-word span, and a claim over every sentence that has one inside.
func benchArticle(tb testing.TB) (string, []annotations.Span) {
	tb.Helper()
	var b strings.Builder
	for b.Len() < 130000 {
		for _, s := range assets.Samples() {
			b.WriteString(s.Text)
			b.WriteString("\n\n")
		}
	}
	s := string([]rune(b.String())[:100000])
	seg := text.Segment(s)
	labels := []string{"actor", "figure", "weapon"}
	var spans []annotations.Span
	id := int64(1)
	for i, w := range seg.Words() {
		if len(spans) == 4000 {
			break
		}
		if i%3 == 0 {
			spans = append(spans, annotations.Span{ID: id, Label: labels[i%len(labels)], Start: w.Start, End: w.End})
			id++
		}
	}
	for off := 0; len(spans) < 5000 && off < seg.Len(); {
		r := seg.SentenceAt(off)
		if r.End <= off {
			break
		}
		if r.Len() > 0 {
			spans = append(spans, annotations.Span{ID: id, Label: "claim", Start: r.Start, End: r.End})
			id++
		}
		off = r.End + 1
	}
	return s, spans
}

var benchLabels = []annotations.Label{
	{Name: "actor", Color: "#0072B2"}, {Name: "figure", Color: "#E69F00"},
	{Name: "weapon", Color: "#CC79A7"}, {Name: "claim", Color: "#009E73"},
}

func benchView(b *testing.B) *ArticleView {
	test.NewTempApp(b)
	v := NewArticleView()
	v.SetLabels(benchLabels)
	w := test.NewTempWindow(b, v)
	w.Resize(fyne.NewSize(900, 800))
	return v
}

func BenchmarkOpenArticle(b *testing.B) {
	s, spans := benchArticle(b)
	v := benchView(b)
	b.Run("cold", func(b *testing.B) { // every cluster measured anew, as for the first document
		for b.Loop() {
			measurersMu.Lock()
			clear(measurers)
			measurersMu.Unlock()
			v.SetDocument(s, spans)
		}
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			v.SetDocument(s, spans)
		}
	})
}

func BenchmarkScrollPage(b *testing.B) {
	s, spans := benchArticle(b)
	v := benchView(b)
	v.SetDocument(s, spans)
	page := v.Size().Height
	dir := float32(1)
	for b.Loop() {
		before := v.ScrollOffset()
		v.ScrollBy(dir * page)
		if v.ScrollOffset() == before {
			dir = -dir
		}
	}
	b.StopTimer()
	if n := len(test.WidgetRenderer(v).Objects()); n < 100 {
		b.Fatalf("a page of the article drew %d objects: the benchmark measured nothing", n)
	}
}

func BenchmarkLabelAction(b *testing.B) {
	s, spans := benchArticle(b)
	a := test.NewTempApp(b)
	ctx := context.Background()
	p, err := annotations.Open(ctx, b.TempDir()+"/bench.tagdesk", annotations.OpenOptions{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	d, _, err := p.AddDocument(ctx, annotations.NewDocument{Name: "long.txt", Text: s})
	if err != nil {
		b.Fatal(err)
	}
	for _, sp := range spans {
		if _, _, err := p.AddSpan(ctx, annotations.NewSpan{DocumentID: d.ID, Annotator: "bench", Label: sp.Label, Start: sp.Start, End: sp.End}); err != nil {
			b.Fatal(err)
		}
	}
	w := NewWindow(a, p, "bench")
	defer w.Close()
	w.Resize(fyne.NewSize(1280, 800))
	<-w.Loaded()
	w.Wait()
	if len(w.view.Spans()) != len(spans) {
		b.Fatalf("the window shows %d spans, want %d", len(w.view.Spans()), len(spans))
	}
	words := text.Segment(s).Words()
	k := 1
	for b.Loop() {
		b.StopTimer()
		for k%3 == 0 { // words with no span yet
			k++
		}
		r := words[k%len(words)]
		k++
		w.view.Select(r.Start, r.End)
		b.StartTimer()
		w.view.TypedRune('2') // figure: committed, then shown
	}
	b.StopTimer()
	if got, _ := p.Spans(ctx, d.ID, "bench"); len(got) != len(w.view.Spans()) {
		b.Fatalf("the store has %d spans, the view %d", len(got), len(w.view.Spans()))
	}
}

// manyDocs reads n short documents with varied names.
type manyDocs struct{ i, n int }

func (m *manyDocs) Next() (*annotations.Record, error) {
	if m.i == m.n {
		return nil, io.EOF
	}
	m.i++
	places := []string{"Valmont", "Kresny", "Port-Sarel", "Dravsk", "Lisseau", "Харків"}
	return &annotations.Record{
		Name: fmt.Sprintf("dépêche %06d %s", m.i, places[m.i%len(places)]),
		Text: fmt.Sprintf("Dépêche %d : l’armée annonce environ %d pertes près de %s.", m.i, m.i%1000, places[m.i%len(places)]),
	}, nil
}

// BenchmarkNavigator100k loads a project of 100,000 documents into the navigator (first page, then
// all of it) and filters it by a search of a few letters.
func BenchmarkNavigator100k(b *testing.B) {
	test.NewTempApp(b)
	ctx := context.Background()
	p, err := annotations.Open(ctx, b.TempDir()+"/many.tagdesk", annotations.OpenOptions{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Import(ctx, &manyDocs{n: 100000}, annotations.ImportOptions{Annotator: "bench"}); err != nil {
		b.Fatal(err)
	}
	n := NewNavigator()
	w := test.NewTempWindow(b, n)
	w.Resize(fyne.NewSize(300, 800))
	b.Run("first-page", func(b *testing.B) {
		for b.Loop() {
			shown := make(chan struct{})
			n.Load(ctx, p, "bench", func(error) { close(shown) })
			<-shown
			b.StopTimer()
			n.Wait()
			b.StartTimer()
		}
	})
	if got := len(n.Entries()); got != 100000 {
		b.Fatalf("the navigator lists %d documents, want 100000", got)
	}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			n.Load(ctx, p, "bench", nil)
			n.Wait()
		}
	})
	b.Run("filter", func(b *testing.B) {
		for b.Loop() {
			n.search.SetText("")
			n.search.SetText("kres 42")
			n.Wait()
		}
		if got := len(n.Entries()); got == 0 || got == 100000 {
			b.Fatalf("the search kept %d documents", got)
		}
	})
}
