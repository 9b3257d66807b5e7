package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tagdesk/tagdesk/annotations"
	"github.com/tagdesk/tagdesk/annotations/agreement"
)

// The navigator reads the documents from the store in pages: a first page of more than a screen
// holds, shown at once, then the rest in large pages, so that the UI goroutine, which adds each page
// to the list, is not kept from drawing the workspace.
const (
	navigatorFirstPage = 200
	navigatorPage      = 10000
)

// Navigator lists the project's documents with the annotator's status and span count, under a
// progress bar and a search box that filters them: fuzzily by name, and by the words typed in their
// first lines. It reads the documents from the store page by page in the background, so a project
// of 100,000 documents shows its first rows at once.
type Navigator struct {
	widget.BaseWidget

	// OnSelected is called when the user picks a document.
	OnSelected func(id int64)

	onLoaded func() // called on the UI goroutine when a load has read every document

	search   *keyEntry
	warming  bool // warmSearch is folding the documents
	progress *widget.ProgressBar
	list     *widget.List

	all      []annotations.DocumentEntry // every document read so far, in id order
	index    map[int64]int               // document id to position in all
	docs     docIndex                    // what the search matches in all, and recent results
	shown    []int                       // positions in all that the list shows, in order
	shownFor string                      // the search whose matches shown holds, to mark their letters
	fitWidth float32                     // the list's width the rows' first lines were fitted to
	current  int64
	done     int
	query    string
	gen      atomic.Int64 // counts filter runs, so that an old one stops and its result is dropped
	loads    atomic.Int64 // counts loads, so that an old one stops (typing does not stop a load)
	work     pending      // background loads and filters, for tests
	// do hands work to the UI goroutine: fyne.Do, or in tests a queue that Wait runs (deferUI)
	do      func(func())
	uiMu    sync.Mutex
	uiQueue []func()
	syncing bool                      // the list's selection is being set from code
	review  bool                      // the statuses are the gold layer's: review's words for them
	scores  map[int64]agreement.Value // agreement per document, shown in review mode
	worst   bool                      // without a search, list the lowest agreement first
}

// NewNavigator returns an empty navigator.
func NewNavigator() *Navigator {
	n := &Navigator{index: map[int64]int{}, progress: widget.NewProgressBar(), do: fyne.Do}
	n.search = newKeyEntry("Find a document", n.key)
	n.search.onFocus = n.warmSearch
	n.search.OnChanged = func(q string) { n.filter(q) }
	n.progress.TextFormatter = func() string {
		if n.review {
			return fmt.Sprintf("%d of %d reviewed", n.done, len(n.all))
		}
		return fmt.Sprintf("%d of %d done", n.done, len(n.all))
	}
	n.list = widget.NewList(n.length, n.newRow, n.updateRow)
	n.list.OnSelected = func(i widget.ListItemID) {
		if n.syncing || i >= len(n.shown) {
			return
		}
		id := n.all[n.shown[i]].ID
		if id != n.current && n.OnSelected != nil {
			n.OnSelected(id)
		}
	}
	n.ExtendBaseWidget(n)
	return n
}

// Load reads the annotator's documents from p in pages, off the UI goroutine, replacing what the list
// showed. first is called on the UI goroutine once the first page is in.
func (n *Navigator) Load(ctx context.Context, p *annotations.Project, annotator string, first func(err error)) {
	n.all, n.index, n.shown, n.shownFor = nil, map[int64]int{}, nil, ""
	n.docs.reset()
	n.gen.Add(1) // a running search's result is about the documents listed before
	load := n.loads.Add(1)
	n.done = 0 // add counts them
	n.work.Go(func() {
		var after int64
		total := 0 // how many documents the project has, read once the first page is shown
		for page := 0; ; page++ {
			limit := navigatorPage
			if page == 0 {
				limit = navigatorFirstPage
			}
			docs, err := p.ListDocuments(ctx, annotations.DocumentQuery{Annotator: annotator, After: after, Limit: limit})
			last := err != nil || len(docs) < limit || n.loads.Load() != load
			room := total
			n.do(func() { // the loop reads the next page meanwhile
				if n.loads.Load() != load {
					return // a newer load replaced this one
				}
				n.reserve(room)
				n.add(docs)
				n.progress.SetValue(n.ratio())
				if page == 0 && first != nil {
					first(err)
				}
				if last && n.onLoaded != nil {
					n.onLoaded()
				}
			})
			if last {
				return
			}
			if page == 0 {
				if pr, err := p.Progress(ctx, annotator); err == nil {
					total = pr.Documents
				}
			}
			after = docs[len(docs)-1].ID
		}
	})
}

// reserve makes room for total documents in all, so that adding pages neither copies all nor leaves
// the copies to the garbage collector: with 100,000 documents that is tens of MB.
func (n *Navigator) reserve(total int) {
	if total <= cap(n.all) {
		return
	}
	n.all = slices.Grow(n.all, total-len(n.all))
	index := make(map[int64]int, total)
	maps.Copy(index, n.index)
	n.index = index
	if n.query == "" {
		n.shown = slices.Grow(n.shown, total-len(n.shown))
	}
}

// Wait waits for background loads and filters to finish (for tests).
func (n *Navigator) Wait() {
	for {
		n.work.Wait()
		n.uiMu.Lock()
		queued := n.uiQueue
		n.uiQueue = nil
		n.uiMu.Unlock()
		if len(queued) == 0 {
			return
		}
		for _, f := range queued {
			f()
		}
	}
}

// deferUI has the navigator's background work hand its widget changes to Wait instead of
// fyne.Do, for tests: Fyne's test driver runs fyne.Do at once on the calling goroutine, so a
// search finishing while the test types in the search box would change widgets from two
// goroutines at once.
func (n *Navigator) deferUI() {
	n.do = func(f func()) {
		n.uiMu.Lock()
		n.uiQueue = append(n.uiQueue, f)
		n.uiMu.Unlock()
	}
}

// Entries returns the documents in the order the list shows them.
func (n *Navigator) Entries() []annotations.DocumentEntry {
	out := make([]annotations.DocumentEntry, len(n.shown))
	for i, k := range n.shown {
		out[i] = n.all[k]
	}
	return out
}

// Entry returns the row of the document with id.
func (n *Navigator) Entry(id int64) (annotations.DocumentEntry, bool) {
	k, ok := n.index[id]
	if !ok {
		return annotations.DocumentEntry{}, false
	}
	return n.all[k], true
}

// Update replaces the row of a document (after its status or spans changed) and the done count.
func (n *Navigator) Update(e annotations.DocumentEntry) {
	k, ok := n.index[e.ID]
	if !ok {
		return
	}
	if was, now := n.all[k].Status == annotations.StatusDone, e.Status == annotations.StatusDone; was != now {
		if now {
			n.done++
		} else {
			n.done--
		}
		n.progress.SetValue(n.ratio())
	}
	n.all[k] = e
	n.docs.set(k, e)
	n.list.RefreshItem(slices.Index(n.shown, k))
}

// SetCurrent marks the open document and scrolls the list to it.
func (n *Navigator) SetCurrent(id int64) {
	n.current = id
	n.syncing = true
	defer func() { n.syncing = false }()
	if k, ok := n.index[id]; ok {
		if i := slices.Index(n.shown, k); i >= 0 {
			n.list.Select(i)
			return
		}
	}
	n.list.UnselectAll()
}

// Next returns the document after (dir > 0) or before the open one in the list's order, and whether
// there is one. With notDone, only documents the annotator has not marked done count, and the search
// wraps around.
func (n *Navigator) Next(dir int, notDone bool) (int64, bool) {
	if len(n.shown) == 0 {
		return 0, false
	}
	at := -1
	if k, ok := n.index[n.current]; ok {
		at = slices.Index(n.shown, k)
	}
	if at < 0 && dir < 0 {
		at = len(n.shown)
	}
	for step := 1; step <= len(n.shown); step++ {
		i := at + dir*step
		if notDone {
			i = (i%len(n.shown) + len(n.shown)) % len(n.shown)
		} else if i < 0 || i >= len(n.shown) {
			return 0, false
		}
		e := n.all[n.shown[i]]
		if e.ID == n.current {
			return 0, false
		}
		if !notDone || e.Status != annotations.StatusDone {
			return e.ID, true
		}
	}
	return 0, false
}

// warmSearch folds the documents for the search off the UI goroutine, when the search box gets the
// focus: the first key typed then finds the index ready.
func (n *Navigator) warmSearch() {
	start, version, names, firsts := n.docs.unfolded()
	if len(names) == 0 || n.warming {
		return
	}
	n.warming = true
	n.work.Go(func() {
		folded, lines := foldDocs(names, firsts)
		n.do(func() {
			n.warming = false
			n.docs.install(start, version, folded, lines)
		})
	})
}

// FocusSearch puts the keyboard focus in the search box.
func (n *Navigator) FocusSearch() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(n.search); c != nil {
		c.Focus(n.search)
	}
}

func (n *Navigator) ratio() float64 {
	if len(n.all) == 0 {
		return 0
	}
	return float64(n.done) / float64(len(n.all))
}

// add appends docs to the list and counts those done: the progress bar tells of the documents read.
func (n *Navigator) add(docs []annotations.DocumentEntry) {
	for _, d := range docs {
		n.index[d.ID] = len(n.all)
		n.all = append(n.all, d)
		if d.Status == annotations.StatusDone {
			n.done++
		}
	}
	n.docs.add(docs)
	if n.query == "" {
		for k := len(n.shown); k < len(n.all); k++ {
			n.shown = append(n.shown, k)
		}
		n.sortShown()
		n.list.Refresh()
		if k, ok := n.index[n.current]; ok && k >= len(n.all)-len(docs) {
			n.SetCurrent(n.current) // the open document's row came in this page
		}
	} else {
		n.filter(n.query)
	}
}

// filter shows the documents matching q (see docIndex): those whose name fuzzy matches, best first
// as fuzzy.FindFrom over every name orders them, then those whose first line holds q, computed off
// the UI goroutine. A newer filter stops an older one.
func (n *Navigator) filter(q string) {
	n.query = q
	gen := n.gen.Add(1)
	if q == "" {
		n.shown = make([]int, len(n.all))
		for k := range n.shown {
			n.shown[k] = k
		}
		n.sortShown()
		n.shownFor = ""
		n.list.Refresh()
		n.SetCurrent(n.current)
		return
	}
	search := n.docs.search(q)
	n.work.Go(func() {
		r := search.run(func() bool { return n.gen.Load() != gen })
		if r == nil {
			return // a newer filter replaced this one
		}
		n.do(func() {
			n.docs.keep(search, r)
			if gen != n.gen.Load() {
				return
			}
			n.shown = r.order
			if n.shownFor != q {
				n.shownFor = q
				n.list.ScrollToTop() // a new search, not more documents for the same one
			}
			n.list.Refresh()
			n.SetCurrent(n.current)
		})
	})
}

// key opens the first match on Enter and clears the search on Escape.
func (n *Navigator) key(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if len(n.shown) > 0 && n.OnSelected != nil {
			n.OnSelected(n.all[n.shown[0]].ID)
		}
		return true
	case fyne.KeyEscape:
		n.search.SetText("")
		return true
	}
	return false
}

func (n *Navigator) length() int { return len(n.shown) }

func (n *Navigator) newRow() fyne.CanvasObject {
	name := widget.NewRichText() // fitted to its width by updateRow, as is line
	state := widget.NewLabel("in progress · 0")
	state.Importance = widget.LowImportance
	line := widget.NewLabel("first line")
	line.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(container.NewBorder(nil, nil, nil, state, name), line)
}

func (n *Navigator) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(n.shown) {
		return
	}
	k := n.shown[i]
	e := n.all[k]
	box := o.(*fyne.Container)
	top := box.Objects[0].(*fyne.Container)
	name := top.Objects[0].(*widget.RichText)
	state := top.Objects[1].(*widget.Label)
	line := box.Objects[1].(*widget.Label)
	status := statusText(e.Status)
	if n.review {
		status = reviewText(e.Status)
	}
	if v, ok := n.scores[e.ID]; ok && n.review && v.Defined {
		status += fmt.Sprintf(" · F1 %.2f", v.V)
	}
	state.SetText(fmt.Sprintf("%s · %d", status, e.Spans))
	if e.Status == annotations.StatusDone {
		state.Importance = widget.SuccessImportance
	} else {
		state.Importance = widget.LowImportance
	}
	state.Refresh()
	// The name and the first line are fitted to the row here: a label or rich text that truncates
	// shapes its whole text anew for that each time a row comes into view, which made scrolling the
	// list miss its frames.
	th := n.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	n.fitWidth = n.list.Size().Width
	nameWidth := top.Size().Width - state.MinSize().Width - th.Size(theme.SizeNamePadding) - 2*pad
	marks := n.docs.marks(n.shownFor, k)
	name.Segments = fitSegments(emphasise(e.Name, marks), nameWidth, th.Size(theme.SizeNameText))
	name.Refresh()
	lineWidth, lineSize := box.Size().Width-2*pad, th.Size(theme.SizeNameCaptionText)
	text := fitWidth(e.FirstLine, lineWidth, lineSize)
	if n.shownFor != "" && len(marks) == 0 && text != e.FirstLine {
		// The document is listed for its first line: if the line is cut before the words searched
		// for end, it is shown from the start of the word they start in.
		if start, end := lineMatch(n.shownFor, e.FirstLine); end > len(text)-len("…") {
			from := strings.LastIndexAny(e.FirstLine[:start], " \t") + 1
			text = fitWidth("…"+e.FirstLine[from:], lineWidth, lineSize)
		}
	}
	line.SetText(text)
}

// fitWidth returns s, or the longest start of s with an ellipsis after it, that fits in width, in
// regular text of size (see fitSegments).
func fitWidth(s string, width, size float32) string {
	return fitSegments([]widget.RichTextSegment{&widget.TextSegment{Text: s}}, width, size)[0].(*widget.TextSegment).Text
}

// fitSegments returns segs, or their longest start with an ellipsis after it, that fits in width as
// the advances of their characters in their styles at size add up; combining marks and format
// characters take no room. It returns segs as they are if one is not a text segment or width is 0.
func fitSegments(segs []widget.RichTextSegment, width, size float32) []widget.RichTextSegment {
	if width <= 0 {
		return segs
	}
	var w float32
	cutSeg, cutAt := 0, 0 // where the longest start that fits with an ellipsis ends
	for i, seg := range segs {
		t, ok := seg.(*widget.TextSegment)
		if !ok {
			return segs
		}
		m := styledMeasurer(size, t.Style.TextStyle)
		ellipsis := m.advance([]rune{'…'})
		for at, r := range t.Text {
			if w+ellipsis <= width {
				cutSeg, cutAt = i, at
			}
			if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
				w += m.advance([]rune{r})
			}
			if w > width {
				out := slices.Clone(segs[:cutSeg+1])
				last := *out[cutSeg].(*widget.TextSegment)
				last.Text = last.Text[:cutAt] + "…"
				out[cutSeg] = &last
				return out
			}
		}
	}
	return segs
}

// Resize lays the navigator out at size, and fits the rows' first lines again when the list's width
// changed.
func (n *Navigator) Resize(size fyne.Size) {
	n.BaseWidget.Resize(size)
	if w := n.list.Size().Width; w != n.fitWidth {
		n.fitWidth = w
		n.list.Refresh()
	}
}

// emphasise returns s as rich text segments with the bytes at marks in bold.
func emphasise(s string, marks []int) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	plain := widget.RichTextStyleStrong
	plain.TextStyle.Bold = false
	strong := widget.RichTextStyleStrong
	strong.ColorName = theme.ColorNamePrimary
	run, bold := "", false
	flush := func() {
		if run == "" {
			return
		}
		st := plain
		if bold {
			st = strong
		}
		st.Inline = true
		segs = append(segs, &widget.TextSegment{Text: run, Style: st})
		run = ""
	}
	for b, r := range s {
		m := slices.Contains(marks, b)
		if m != bold {
			flush()
			bold = m
		}
		run += string(r)
	}
	flush()
	if len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Text: " ", Style: plain})
	}
	return segs
}

// statusText names an annotator's status of a document; none at all (an annotator with only spans in
// a review) is new.
func statusText(s annotations.Status) string {
	if s == "" {
		s = annotations.StatusNew
	}
	return s.String()
}

// reviewText names the gold layer's status of a document as review does.
func reviewText(s annotations.Status) string {
	switch s {
	case annotations.StatusDone:
		return "reviewed"
	case annotations.StatusInProgress:
		return "in review"
	}
	return "to review"
}

// SetScores gives the agreement of each document, shown beside its status in review mode; with worst,
// the list (when not searching) shows the documents from the lowest agreement up, so a reviewer
// starts where the annotators disagree most. nil removes them.
func (n *Navigator) SetScores(scores map[int64]agreement.Value, worst bool) {
	n.scores, n.worst = scores, worst
	n.filter(n.query)
}

// sortShown orders the unfiltered list: by id, or with worst, by agreement from the lowest up, the
// documents without one last.
func (n *Navigator) sortShown() {
	if !n.worst || n.scores == nil {
		return
	}
	slices.SortStableFunc(n.shown, func(a, b int) int {
		return agreement.CompareWorst(n.scores[n.all[a].ID], n.scores[n.all[b].ID])
	})
}

// SetReviewing makes the list speak of review: the statuses it is given are the gold layer's.
func (n *Navigator) SetReviewing(on bool) {
	n.review = on
	n.progress.Refresh()
	n.list.Refresh()
}

// CreateRenderer stacks the progress bar, the search box and the list.
func (n *Navigator) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(container.NewVBox(n.progress, n.search), nil, nil, nil, n.list))
}
