package text

import "testing"

func TestFinder(t *testing.T) {
	s := "« Déjà vu », dit l’officier. DÉJÀ ? Киев и КИЕВ. 🇺🇦 déjà"
	f := NewFinder(s)
	rs := []rune(s)
	tests := map[string]struct {
		query string
		from  int
		want  string
		at    int
		ok    bool
	}{
		"accent and case insensitive": {"deja", 0, "Déjà", 2, true},
		"from after the first":        {"deja", 3, "DÉJÀ", 29, true},
		"wraps around":                {"deja vu", 10, "Déjà vu", 2, true},
		"ascii apostrophe finds ’":    {"l'off", 0, "l’off", 17, true},
		"straight quote finds «":      {"\" deja", 0, "« Déjà", 0, true},
		"Cyrillic case":               {"киев", 40, "КИЕВ", 43, true},
		"after the emoji":             {"DEJA", 49, "déjà", 52, true},
		"missing":                     {"Kyiv", 0, "", 0, false},
		"empty":                       {"", 0, "", 0, false},
		"decomposed query":            {"de\u0301ja\u0300", 0, "Déjà", 2, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, ok := f.Next(tc.query, tc.from)
			if ok != tc.ok {
				t.Fatalf("Next(%q, %d) ok = %v, want %v", tc.query, tc.from, ok, tc.ok)
			}
			if !ok {
				return
			}
			if got := string(rs[r.Start:r.End]); got != tc.want || r.Start != tc.at {
				t.Errorf("Next(%q, %d) = %v %q, want %q at %d", tc.query, tc.from, r, got, tc.want, tc.at)
			}
		})
	}
	if n := f.Count("déjà"); n != 3 {
		t.Errorf("Count(déjà) = %d, want 3", n)
	}
}
