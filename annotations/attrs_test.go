package annotations

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/annotations/text"
	"github.com/tagdesk/tagdesk/assets"
)

func TestParseNumber(t *testing.T) {
	tests := map[string]struct {
		in   string
		want float64
		ok   bool
	}{
		"french thousands dot":     {"1.100", 1100, true},
		"hedged":                   {"environ 1.100 pertes", 1100, true},
		"space thousands":          {"1 000", 1000, true},
		"nbsp thousands":           {"1\u00a0000 soldats", 1000, true},
		"narrow nbsp thousands":    {"3\u202f000", 3000, true},
		"decimal comma":            {"12,5 km", 12.5, true},
		"decimal point":            {"2.5", 2.5, true},
		"english thousands":        {"1,100 troops", 1100, true},
		"two groups":               {"1.100.000", 1100000, true},
		"grouped with decimals":    {"1 000,5", 1000.5, true},
		"english grouped decimals": {"1,234.5", 1234.5, true},
		"calibre":                  {"240 mm", 240, true},
		"weapon with calibre":      {"lance-roquettes de 240 mm", 240, true},
		"year not grouped":         {"2024 100", 2024, true},
		"four digits after dot":    {"1.1000", 1.1, true},
		"millions":                 {"3 millions", 3e6, true},
		"decimal million":          {"2.5 million people", 2.5e6, true},
		"milliards":                {"2 milliards d’euros", 2e9, true},
		"model number":             {"M777", 0, false},
		"trois cents":              {"trois cents", 300, true},
		"vingt et un":              {"vingt et un morts", 21, true},
		"quatre-vingt-dix":         {"quatre-vingt-dix", 90, true},
		"soixante-dix":             {"soixante-dix", 70, true},
		"dix-sept":                 {"dix-sept blessés", 17, true},
		"deux mille":               {"deux mille soldats", 2000, true},
		"english hundreds":         {"one hundred and twenty", 120, true},
		"a dozen":                  {"a dozen drones", 12, true},
		"cent alone":               {"cent soldats", 100, true},
		"digits then hundred":      {"3 hundred", 300, true},
		"three thousand":           {"three thousand troops", 3000, true},
		"dozens":                   {"dozens of drones", 0, false},
		"plusieurs milliers":       {"plusieurs milliers de soldats", 0, false},
		"des centaines":            {"des centaines de victimes", 0, false},
		"article only":             {"a drone", 0, false},
		"article then number":      {"a drone and three tanks", 3, true},
		"nothing":                  {"", 0, false},
		"too large":                {strings.Repeat("9", 400), 0, false},
		"too many hundreds":        {strings.Repeat("cent ", 200) + "morts", 0, false},
		"capitalised":              {"Trois morts", 3, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := ParseNumber(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func testAttributes(t *testing.T, label string) []Attribute {
	t.Helper()
	labels, err := DefaultLabels()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labels {
		if l.Name == label {
			return l.Attributes
		}
	}
	t.Fatalf("no default label %q", label)
	return nil
}

func TestDeriveAttrs(t *testing.T) {
	figure, claim := testAttributes(t, "figure"), testAttributes(t, "claim")
	tests := map[string]struct {
		defs []Attribute
		text string // the span between [ and ]
		want Attrs
	}{
		"hedged french figure": {figure, "Kyiv fait état d’environ [1.100 pertes] russes.",
			Attrs{"value": 1100.0, "unit": "casualties", "approximate": true}},
		"hedge inside the span": {figure, "Il y a eu [plus de 3\u00a0000 morts] hier.",
			Attrs{"value": 3000.0, "unit": "casualties", "approximate": true}},
		"unit after the span": {figure, "at least [12] tanks were destroyed",
			Attrs{"value": 12.0, "unit": "equipment", "approximate": true}},
		"hedge too far before": {figure, "about the war and then [40] soldiers",
			Attrs{"value": 40.0, "unit": "troops"}},
		"cue inside wins": {figure, "[300 soldats] tués",
			Attrs{"value": 300.0, "unit": "troops"}},
		"nearest cue wins": {figure, "des soldats ont vu [40] chars",
			Attrs{"value": 40.0, "unit": "equipment"}},
		"no cue":                       {figure, "[12] jours", Attrs{"value": 12.0}},
		"cue past the window":          {figure, "[12] jours plus tard les soldats", Attrs{"value": 12.0}},
		"hedge outside for flag after": {figure, "[12] environ", Attrs{"value": 12.0}},
		"word boundary":                {figure, "[12] moralement", Attrs{"value": 12.0}},
		"case and accents":             {claim, "Moscou DÉMENT que [le pont a été détruit].", Attrs{"stance": "denied"}},
		"multi-word cue":               {claim, "[The bridge was hit], which could not be verified.", Attrs{"stance": "unconfirmed"}},
		"nothing derived":              {claim, "[Le pont a été détruit]", nil},
		"emoji and accents":            {figure, "🇺🇦 près de [mille] soldats", Attrs{"value": 1000.0, "unit": "troops", "approximate": true}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			before, rest, _ := strings.Cut(tt.text, "[")
			inside, after, _ := strings.Cut(rest, "]")
			doc := []rune(before + inside + after)
			start := len([]rune(before))
			end := start + len([]rune(inside))
			got := DeriveAttrs(tt.defs, doc, start, end)
			if !EqualAttrs(got, tt.want) {
				t.Errorf("DeriveAttrs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestValidateAttributes(t *testing.T) {
	tests := map[string]struct {
		attrs []Attribute
		want  string // in the message; "" for valid
	}{
		"valid":           {[]Attribute{{Name: "value", Type: AttrNumber}, {Name: "unit", Type: AttrChoice, Values: []string{"a", "b"}, Cues: map[string][]string{"a": {"x"}}}}, ""},
		"empty name":      {[]Attribute{{Type: AttrNumber}}, "has no name"},
		"long name":       {[]Attribute{{Name: strings.Repeat("é", 51), Type: AttrNumber}}, "is limited to 50 characters"},
		"control":         {[]Attribute{{Name: "a\tb", Type: AttrNumber}}, "control characters"},
		"duplicate":       {[]Attribute{{Name: "a", Type: AttrNumber}, {Name: "a", Type: AttrText}}, "two attributes named"},
		"bad type":        {[]Attribute{{Name: "a", Type: "date"}}, "must be number, choice, flag or text"},
		"choice no value": {[]Attribute{{Name: "a", Type: AttrChoice}}, "at least one value"},
		"choice twice":    {[]Attribute{{Name: "a", Type: AttrChoice, Values: []string{"x", "x"}}}, "twice"},
		"cue not a value": {[]Attribute{{Name: "a", Type: AttrChoice, Values: []string{"x"}, Cues: map[string][]string{"y": {"z"}}}}, "not one of its values"},
		"flag cue key":    {[]Attribute{{Name: "a", Type: AttrFlag, Cues: map[string][]string{"yes": {"z"}}}}, `under "true"`},
		"number values":   {[]Attribute{{Name: "a", Type: AttrNumber, Values: []string{"x"}}}, "cannot have values"},
		"text cues":       {[]Attribute{{Name: "a", Type: AttrText, Cues: map[string][]string{"true": {"z"}}}}, "cannot have cues"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := validateAttributes(Label{Name: "figure", Attributes: tt.attrs})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(Message(err), tt.want)):
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// FuzzDeriveAttrs checks that deriving values never panics, whatever the text and the offsets, and
// that a number found is finite.
func FuzzDeriveAttrs(f *testing.F) {
	f.Add("Kyiv fait état d’environ 1.100 pertes russes.", 25, 30)
	f.Add("plus de 3\u00a0000,5 morts 🇺🇦", 8, 16)
	f.Add("quatre-vingt-dix-neuf mille", 0, 27)
	labels, err := DefaultLabels()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, start, end int) {
		doc := []rune(s)
		if start >= 0 && end <= len(doc) && start < end {
			sameCues(t, doc, start, end)
		}
		for _, l := range labels {
			a := DeriveAttrs(l.Attributes, doc, start, end)
			if v, ok := a["value"].(float64); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
				t.Errorf("value %v from %q", v, s)
			}
		}
	})
}

// sameCues checks that the cue context of [start, end) built from the words around the span, as
// DeriveAttrs builds it, is the one built from the whole text's words, as an import builds it.
func sameCues(t *testing.T, doc []rune, start, end int) {
	t.Helper()
	whole := newCueContext(doc, text.Words(string(doc)), start, end)
	around := newCueContext(doc, nil, start, end)
	if !reflect.DeepEqual(whole, around) {
		t.Fatalf("span %d–%d of %q:\naround %+v\nwhole  %+v", start, end, string(doc), around, whole)
	}
}

// TestWordsAround checks the segmentation of a stretch around a span against the whole text's, on
// the sample articles and on texts made to trip it: long words, no white space, combining marks
// and prepended marks beside spaces, flags, CRLF.
func TestWordsAround(t *testing.T) {
	docs := map[string]string{
		"long words":    strings.Repeat("anticonstitutionnellement ", 40),
		"no space":      strings.Repeat("environ1.100pertes", 30),
		"marks":         strings.Repeat("plus de \u0301 40 e\u0301te\u0301 \u0600 123 \u0D4E ക്ഷ 🇺🇦🇫🇷 ", 20),
		"crlf and nbsp": strings.Repeat("selon\r\nl’état-major, environ\u00a01.100 «\u202fpertes\u202f» ", 20),
		"short":         "1.100",
	}
	for _, s := range assets.Samples() {
		docs[s.Name] = s.Text
	}
	r := rand.New(rand.NewPCG(8, 8))
	for name, s := range docs {
		t.Run(name, func(t *testing.T) {
			doc := []rune(s)
			for range 300 {
				start := r.IntN(len(doc))
				end := start + 1 + r.IntN(min(40, len(doc)-start))
				sameCues(t, doc, start, end)
			}
		})
	}
}
