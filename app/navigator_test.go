package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
)

// newTestNavigator returns a navigator in a window of width by 800.
func newTestNavigator(t *testing.T, width float32) (*Navigator, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	n := NewNavigator()
	n.deferUI()
	w := test.NewTempWindow(t, n)
	w.Resize(fyne.NewSize(width, 800))
	return n, w
}

// boldText returns the emphasised text of a row's name, runs joined by "|".
func boldText(row fyne.CanvasObject) string {
	name := row.(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*widget.RichText)
	var runs []string
	for _, s := range name.Segments {
		if t := s.(*widget.TextSegment); t.Style.TextStyle.Bold {
			runs = append(runs, t.Text)
		}
	}
	return strings.Join(runs, "|")
}

// markedText returns the characters of name at the bytes marks, runs of adjacent ones joined by "|".
func markedText(name string, marks []int) string {
	var runs []string
	var run strings.Builder
	for b, r := range name {
		if slices.Contains(marks, b) {
			run.WriteRune(r)
		} else if run.Len() > 0 {
			runs = append(runs, run.String())
			run.Reset()
		}
	}
	if run.Len() > 0 {
		runs = append(runs, run.String())
	}
	return strings.Join(runs, "|")
}

// TestNavigatorSearchTyped types, backspaces and edits queries in the search box a key at a time
// while the documents arrive page by page, and checks after each key that the list shows what
// fuzzy.FindFrom over every document's name gives, in its order, with the matched letters of the
// names in bold, then the other documents whose first line holds the query.
func TestNavigatorSearchTyped(t *testing.T) {
	docs := append(newsEntries(6000), trickyEntries()...)
	backspace := func(e *keyEntry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace}) }
	left := func(e *keyEntry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft}) }
	var keys []keystroke
	keys = append(keys, typing("kre")...)
	keys = append(keys, nil) // the rest of the documents arrive
	keys = append(keys, typing("sny 42")...)
	keys = append(keys, backspace, backspace, backspace)
	keys = append(keys, typing("2")...)
	keys = append(keys, left, left, backspace) // "kresn 2": an edit in the middle
	keys = append(keys, typing("Ñ")...)
	for range 8 {
		keys = append(keys, backspace)
	}
	keys = append(keys, typing("ХАРК")...)
	keys = append(keys, backspace, backspace, backspace, backspace)
	keys = append(keys, typing("\u212Are")...) // the Kelvin sign folds to k
	keys = append(keys, func(e *keyEntry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	keys = append(keys, typing("same n")...)

	n, _ := newTestNavigator(t, 600)
	n.add(docs[:2000])
	row := n.newRow()
	for i, k := range keys {
		if k == nil {
			n.add(docs[2000:])
		} else {
			k(n.search)
		}
		n.Wait()
		q := n.search.Text
		got := n.Entries()
		if q == "" {
			if len(got) != len(n.all) {
				t.Fatalf("key %d: without a search the list shows %d documents, want all %d", i, len(got), len(n.all))
			}
			continue
		}
		want, lines, _ := wantSearch(q, docs[:len(n.all)])
		if len(got) != len(want)+len(lines) {
			t.Fatalf("key %d, %q: the list shows %d documents, want %d by name and %d by first line", i, q, len(got), len(want), len(lines))
		}
		for j, m := range want {
			if got[j].ID != docs[m.Index].ID {
				t.Fatalf("key %d, %q: row %d is %q, fuzzy.FindFrom gives %q", i, q, j, got[j].Name, docs[m.Index].Name)
			}
		}
		for j, k := range lines {
			if got[len(want)+j].ID != docs[k].ID {
				t.Fatalf("key %d, %q: row %d is %q, want %q for its first line", i, q, len(want)+j, got[len(want)+j].Name, docs[k].Name)
			}
		}
		for j, m := range want[:min(len(want), 5)] {
			n.updateRow(j, row)
			if got, want := boldText(row), markedText(docs[m.Index].Name, m.MatchedIndexes); got != want {
				t.Fatalf("key %d, %q: row %d shows %q in bold, fuzzy.FindFrom marks %q", i, q, j, got, want)
			}
		}
	}
	if got := n.Entries(); len(got) < 3 || got[0].Name != "same name" || got[2].Name != "same name" || got[0].ID > got[1].ID || got[1].ID > got[2].ID {
		t.Errorf("the search %q lists %v first, want the 3 documents named so, in the order they were listed", n.search.Text, got[:min(len(got), 3)])
	}
}

// TestNavigatorSearchShowsLineMatch: a document listed for its first line shows, in a row too
// narrow for the whole line, the words searched for rather than the line's start.
func TestNavigatorSearchShowsLineMatch(t *testing.T) {
	n, _ := newTestNavigator(t, 320)
	n.add(newsEntries(200))
	n.filter("officials said on TELEGRAM")
	n.Wait()
	if len(n.Entries()) == 0 {
		t.Fatal("the search lists no document, want those whose first line holds it")
	}
	row := n.newRow()
	row.Resize(fyne.NewSize(300, row.MinSize().Height))
	n.updateRow(0, row)
	line := row.(*fyne.Container).Objects[1].(*widget.Label).Text
	if e := n.Entries()[0]; !strings.HasPrefix(line, "…") || !strings.Contains(line, "officials said on Telegram") {
		t.Errorf("the row of %q shows its first line as %q, want it cut before the words searched for, which it shows", e.FirstLine, line)
	}
	if bold := boldText(row); bold != "" {
		t.Errorf("the row's name shows %q in bold, want nothing: the name does not match", bold)
	}
}

// TestNavigatorSearchKeepsScroll: more documents arriving for the same search leave the list where
// the user scrolled it; a new search starts at the top.
func TestNavigatorSearchKeepsScroll(t *testing.T) {
	docs := newsEntries(3000)
	n, _ := newTestNavigator(t, 400)
	n.add(docs[:1000])
	n.filter("e") // as the search box does, without its refresh racing the search under -race
	n.Wait()
	n.list.ScrollToOffset(900)
	n.add(docs[1000:])
	n.Wait()
	if got := n.list.GetScrollOffset(); got != 900 {
		t.Errorf("after more documents arrived the list is at %v, want 900 where it was", got)
	}
	if got := len(n.Entries()); got < 2000 {
		t.Errorf("the search lists %d documents, want the new ones too", got)
	}
	n.filter("e ")
	n.Wait()
	if got := n.list.GetScrollOffset(); got != 0 {
		t.Errorf("after a new search the list is at %v, want the top", got)
	}
}

// TestNavigatorRowsFit: a row's name and first line fit its width, with an ellipsis when cut, and
// grow back when the navigator widens.
func TestNavigatorRowsFit(t *testing.T) {
	docs := []annotations.DocumentEntry{
		{ID: 1, Name: "short", FirstLine: "short", Status: annotations.StatusDone, Spans: 3},
		{ID: 2, Name: strings.Repeat("Kharkiv frappes ", 8), FirstLine: strings.Repeat("Selon le gouverneur, 3 blessés. ", 7)},
		{ID: 3, Name: "Харків обстріл енергетичної інфраструктури України", FirstLine: strings.Repeat("ХАРКІВ — поранено ", 12)},
	}
	n, w := newTestNavigator(t, 300)
	n.add(docs)
	// The rows' first lines as the list shows them, found without laying the list out again (as
	// test.LaidOutObjects would, which fits them anew).
	lines := func() (lines []string) {
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *widget.Label:
				if o.SizeName == theme.SizeNameCaptionText {
					lines = append(lines, o.Text)
				}
			case *fyne.Container:
				for _, c := range o.Objects {
					walk(c)
				}
			case fyne.Widget:
				for _, c := range test.WidgetRenderer(o).Objects() {
					walk(c)
				}
			}
		}
		walk(n.list)
		return lines
	}
	narrow := lines()
	w.Resize(fyne.NewSize(700, 800))
	wide := lines()
	if len(narrow) != 3 || len(wide) != 3 {
		t.Fatalf("the list shows first lines %q, then %q; want 3 rows", narrow, wide)
	}
	for i, d := range docs {
		for _, l := range []string{narrow[i], wide[i]} {
			if l != d.FirstLine && (!strings.HasSuffix(l, "…") || !strings.HasPrefix(d.FirstLine, strings.TrimSuffix(l, "…"))) {
				t.Errorf("row %d shows first line %q, want %q or its start and an ellipsis", i, l, d.FirstLine)
			}
		}
	}
	if narrow[0] != "short" || len(wide[1]) <= len(narrow[1]) || len(wide[2]) <= len(narrow[2]) {
		t.Errorf("the first lines at 300 points %q did not grow at 700 points %q", narrow, wide)
	}
}

// TestFitSegments checks fitted text against the width the theme's font gives it.
func TestFitSegments(t *testing.T) {
	test.NewTempApp(t)
	size := theme.TextSize()
	plain, bold := widget.RichTextStyleInline, widget.RichTextStyleStrong
	seg := func(s string, st widget.RichTextStyle) widget.RichTextSegment {
		return &widget.TextSegment{Text: s, Style: st}
	}
	cases := map[string]struct {
		segs  []widget.RichTextSegment
		width float32
		want  string // the text, runs joined by "|", or "" for all of it as it was
	}{
		"fits":               {[]widget.RichTextSegment{seg("Kyiv", plain)}, 200, ""},
		"no width":           {[]widget.RichTextSegment{seg(strings.Repeat("Kyiv ", 40), plain)}, 0, ""},
		"cut":                {[]widget.RichTextSegment{seg(strings.Repeat("Kyiv ", 40), plain)}, 100, "?…"},
		"cut in a bold run":  {[]widget.RichTextSegment{seg("Kharkiv ", plain), seg(strings.Repeat("FRAPPES", 10), bold)}, 150, "Kharkiv |?…"},
		"cut after a run":    {[]widget.RichTextSegment{seg(strings.Repeat("Kyiv", 5), bold), seg(strings.Repeat("x", 300), plain)}, 200, "?|?…"},
		"combining marks":    {[]widget.RichTextSegment{seg(strings.Repeat("e\u0301\u0301\u0301", 60), plain)}, 120, "?…"},
		"cyrillic and emoji": {[]widget.RichTextSegment{seg(strings.Repeat("Харків 🇺🇦 ", 20), plain)}, 160, "?…"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := fitSegments(c.segs, c.width, size)
			var texts []string
			var width float32
			for _, s := range got {
				ts := s.(*widget.TextSegment)
				texts = append(texts, ts.Text)
				width += fyne.MeasureText(ts.Text, size, ts.Style.TextStyle).Width
			}
			if c.want == "" {
				if !slices.Equal(got, c.segs) {
					t.Errorf("got %q, want the text as it was", texts)
				}
				return
			}
			if len(texts) != strings.Count(c.want, "|")+1 || !strings.HasSuffix(texts[len(texts)-1], "…") {
				t.Fatalf("got %q, want runs like %q", texts, c.want)
			}
			if width > c.width+1 { // a point of kerning
				t.Errorf("%q is %v wide, more than %v", texts, width, c.width)
			}
			if full := fyne.MeasureText(strings.Join(texts, ""), size, fyne.TextStyle{}).Width; full < c.width*0.8 {
				t.Errorf("%q is %v wide, far less than the %v it may take", texts, full, c.width)
			}
			for i, s := range got[:len(got)-1] {
				if s.(*widget.TextSegment).Text != c.segs[i].(*widget.TextSegment).Text {
					t.Errorf("run %d is %q, want it whole", i, s.(*widget.TextSegment).Text)
				}
			}
		})
	}
}

// TestNavigatorFoldsOnFirstUse: listing documents does not fold them for the search; the search box
// getting the focus folds them off the UI goroutine, a search without it folds them then, and either
// way the search finds what it finds with the index made as documents arrive.
func TestNavigatorFoldsOnFirstUse(t *testing.T) {
	docs := newsEntries(3000)
	results := map[string][]annotations.DocumentEntry{}
	for _, how := range []string{"focus", "search"} {
		n, _ := newTestNavigator(t, 400)
		n.add(docs[:2000])
		if len(n.docs.folded) != 0 {
			t.Fatalf("%s: %d documents folded before any search", how, len(n.docs.folded))
		}
		if how == "focus" {
			n.search.FocusGained()
			n.Wait()
			if len(n.docs.folded) != 2000 || len(n.docs.lines) != 2000 {
				t.Fatalf("focus folded %d names and %d lines, want 2000", len(n.docs.folded), len(n.docs.lines))
			}
		}
		n.add(docs[2000:])
		n.filter("kresny")
		n.Wait()
		if len(n.docs.folded) != 3000 {
			t.Fatalf("%s: %d documents folded after a search, want 3000", how, len(n.docs.folded))
		}
		results[how] = slices.Clone(n.Entries())
	}
	names, lines, _ := wantSearch("kresny", docs) // fuzzy.FindFrom over the names, then first lines
	var want []int64
	for _, m := range names {
		want = append(want, docs[m.Index].ID)
	}
	for _, k := range lines {
		want = append(want, docs[k].ID)
	}
	for how, got := range results {
		ids := make([]int64, len(got))
		for i, e := range got {
			ids[i] = e.ID
		}
		if len(want) == 0 || !slices.Equal(ids, want) {
			t.Errorf("folded on %s, the search lists %d documents, not the %d fuzzy and the first lines give, in their order", how, len(ids), len(want))
		}
	}
}
