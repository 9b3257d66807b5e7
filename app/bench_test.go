package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

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

// manyDocs reads n short documents named like a news archive's dispatches.
type manyDocs struct{ i, n int }

func (m *manyDocs) Next() (*annotations.Record, error) {
	if m.i == m.n {
		return nil, io.EOF
	}
	name, lead := dispatch(m.i)
	m.i++
	return &annotations.Record{Name: name, Text: fmt.Sprintf("%s\n\nDépêche n° %d.", lead, m.i)}, nil
}

// newsEntries returns n navigator rows of dispatches, as the store would list them.
func newsEntries(n int) []annotations.DocumentEntry {
	out := make([]annotations.DocumentEntry, n)
	for i := range out {
		name, lead := dispatch(i)
		out[i] = annotations.DocumentEntry{ID: int64(i + 1), Name: name, FirstLine: lead,
			Status: []annotations.Status{annotations.StatusNew, annotations.StatusInProgress, annotations.StatusDone}[i%3], Spans: i % 40}
	}
	return out
}

// dispatch returns the name and first line of the i-th dispatch of a news archive about a war: a date
// (about a hundred dispatches a day), an agency, a place and a headline in the agency's language, and
// a lead of up to 200 characters with a figure in it.
func dispatch(i int) (name, lead string) {
	type agency struct{ name, lang string }
	agencies := []agency{{"AFP", "fr"}, {"Reuters", "en"}, {"AP", "en"}, {"Le Monde", "fr"}, {"BBC", "en"},
		{"Ukrinform", "uk"}, {"dpa", "en"}, {"RFI", "fr"}, {"Kyiv Independent", "en"}, {"УНІАН", "uk"}}
	places := []string{"Kharkiv", "Kresny", "Kyiv", "Odesa", "Bakhmout", "Zaporijjia", "Kherson", "Dnipro",
		"Avdiïvka", "Pokrovsk", "Sumy", "Lviv", "Marioupol", "Valmont", "Port-Sarel", "Харків", "Київ", "Одеса"}
	headlines := map[string][]string{
		"fr": {"frappes sur le réseau électrique", "bilan des pertes", "évacuation des civils", "drones abattus dans la nuit",
			"l’armée revendique une avancée", "échange de prisonniers", "une école touchée", "coupures de courant"},
		"en": {"strikes on power grid", "casualty figures", "civilians evacuated", "drones shot down overnight",
			"army claims advance", "prisoner exchange", "school hit by missile", "blackouts after attack"},
		"uk": {"обстріл енергетичної інфраструктури", "втрати ворога", "евакуація цивільних", "збито дрони",
			"обмін полоненими", "влучання у школу"},
	}
	leads := map[string]string{
		"fr": "%s, %d %s (%s) — Selon le gouverneur de la région, %d personnes ont été blessées et %d bâtiments endommagés lors d’une attaque menée avec des drones Shahed et des missiles, a-t-il déclaré.",
		"en": "%s, %d %s (%s) - The regional governor said %d people were wounded and %d buildings damaged in an overnight attack with Shahed drones and missiles, officials said on Telegram.",
		"uk": "%s, %d %s (%s) — За словами голови обласної адміністрації, %d людей поранено, %d будівель пошкоджено внаслідок атаки дронів і ракет.",
	}
	months := map[string][]string{
		"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		"en": {"Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"},
		"uk": {"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
	}
	r := rand.New(rand.NewPCG(uint64(i), 8))
	day := time.Date(2022, 2, 24, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/100)
	a := agencies[r.IntN(len(agencies))]
	place := places[r.IntN(len(places))]
	hs := headlines[a.lang]
	name = fmt.Sprintf("%s %s %s %s", day.Format("2006-01-02"), a.name, place, hs[r.IntN(len(hs))])
	lead = fmt.Sprintf(leads[a.lang], strings.ToUpper(place), day.Day(), months[a.lang][day.Month()-1], a.name, r.IntN(60), r.IntN(200))
	if rs := []rune(lead); len(rs) > 200 {
		lead = string(rs[:200])
	}
	return name, lead
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
	b.Run("filter", func(b *testing.B) { // the query pasted, not typed: no earlier result helps
		for b.Loop() {
			b.StopTimer()
			n.search.SetText("")
			n.docs.results = nil
			b.StartTimer()
			n.search.SetText("kres 42")
			n.Wait()
		}
		if got := len(n.Entries()); got == 0 || got == 100000 {
			b.Fatalf("the search kept %d documents", got)
		}
	})
}

// The budgets of the scale issue, for 100,000 documents:
//   BenchmarkNavigatorSearch  a keystroke in the search box to the list showing its matches  < 30 ms
//   BenchmarkNavigatorScroll  scrolling the list by a page  < 8 ms

// benchNavigator returns a navigator in a window listing 100,000 dispatches.
func benchNavigator(b *testing.B) *Navigator {
	test.NewTempApp(b)
	n := NewNavigator()
	n.deferUI()
	w := test.NewTempWindow(b, n)
	w.Resize(fyne.NewSize(320, 800))
	n.add(newsEntries(100000))
	n.search.FocusGained() // as a user clicks in the search box or presses Ctrl+K before typing
	n.Wait()
	return n
}

// keystroke is one key typed in the navigator's search box.
type keystroke func(e *keyEntry)

// typing returns the keystrokes that type s.
func typing(s string) []keystroke {
	var ks []keystroke
	for _, r := range s {
		ks = append(ks, func(e *keyEntry) { test.Type(e, string(r)) })
	}
	return ks
}

// backspaces returns k presses of Backspace.
func backspaces(k int) []keystroke {
	ks := make([]keystroke, k)
	for i := range ks {
		ks[i] = func(e *keyEntry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace}) }
	}
	return ks
}

// BenchmarkNavigatorSearch types queries into the search box of a navigator of 100,000 documents a
// key at a time, each key waited for until the list shows its matches, as a user sees it. It reports
// the mean time of a keystroke (ms/key) and the slowest keystroke of a query (worst-ms/key, the mean
// over the runs).
func BenchmarkNavigatorSearch(b *testing.B) {
	n := benchNavigator(b)
	runs := map[string]struct {
		before string // typed first, untimed
		keys   []keystroke
	}{
		"kresny drones":       {"", typing("kresny drones")},
		"first line governor": {"", typing("governor said 17")},
		"e":                   {"", typing("e")},
		"everything":          {"", typing("e dr")},
		"backspace":           {"kresny drones", backspaces(len("kresny drones"))},
		"edit":                {"kresny drones", append(backspaces(6), typing("frap")...)},
	}
	for name, r := range runs {
		b.Run(name, func(b *testing.B) {
			var total, worst time.Duration
			keys := 0
			for b.Loop() {
				b.StopTimer()
				n.search.SetText("")
				n.docs.results = nil // typed for the first time
				for _, k := range typing(r.before) {
					k(n.search)
					n.Wait()
				}
				b.StartTimer()
				var slowest time.Duration
				for _, k := range r.keys {
					start := time.Now()
					k(n.search)
					n.Wait()
					d := time.Since(start)
					total += d
					slowest = max(slowest, d)
					keys++
				}
				worst += slowest
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(keys), "ms/key")
			b.ReportMetric(float64(worst.Microseconds())/1000/float64(b.N), "worst-ms/key")
			if got := len(n.Entries()); got == 0 {
				b.Fatalf("the search %q kept %d documents", n.query, got)
			}
		})
	}
}

// BenchmarkNavigatorScroll scrolls the list of 100,000 documents a page at a time, down to the end
// and back, unfiltered and filtered by a search (whose matched letters are drawn in bold).
func BenchmarkNavigatorScroll(b *testing.B) {
	n := benchNavigator(b)
	for _, q := range []string{"", "e", "kresny drones"} {
		b.Run("search "+q, func(b *testing.B) {
			n.search.SetText(q)
			n.Wait()
			page := n.list.Size().Height
			dir := float32(1)
			for b.Loop() {
				before := n.list.GetScrollOffset()
				n.list.ScrollToOffset(before + dir*page)
				if n.list.GetScrollOffset() == before {
					dir = -dir
				}
			}
			if n.list.GetScrollOffset() == 0 {
				b.Fatal("the list did not scroll")
			}
		})
	}
}
