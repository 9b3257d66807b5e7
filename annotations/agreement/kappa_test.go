package agreement

import (
	"encoding/json"
	"math"
	"testing"
)

// near reports whether v is defined and within tol of want.
func near(v Value, want, tol float64) bool { return v.Defined && math.Abs(v.V-want) <= tol }

func TestCohenKappa(t *testing.T) {
	tests := map[string]struct {
		matrix [][]int
		want   Value
		tol    float64
	}{
		// the published oracles of shared/reference/agreement.md
		"Wikipedia: p_o .70, p_e .50":     {[][]int{{20, 5}, {10, 15}}, Number(0.40), 1e-12},
		"scikit-learn, Artstein & Poesio": {[][]int{{20, 20}, {10, 50}}, Number(8.0 / 23), 1e-12},
		"statsmodels, SAS output":         {[][]int{{0, 4, 1}, {0, 8, 0}, {0, 1, 5}}, Number(0.4842), 5e-5},
		"perfect agreement":               {[][]int{{3, 0}, {0, 7}}, Number(1), 1e-12},
		"agreement no better than chance": {[][]int{{1, 1}, {1, 1}}, Number(0), 1e-12},
		"systematic disagreement":         {[][]int{{0, 5}, {5, 0}}, Number(-1), 1e-12},
		// n = 35, agree = 20, chance = 25·30 + 10·5: (35·20 - 800) / (35² - 800)
		// n = 35, agree = 20, chance = 25·30 + 10·5: (35·20 - 800) / (35² - 800)
		"missing entries count as zero":    {[][]int{{20, 5}, {10}}, Number(-100.0 / 425), 1e-12},
		"p_e = 1: one category throughout": {[][]int{{9, 0}, {0, 0}}, Value{}, 0},
		"no items":                         {[][]int{{0, 0}, {0, 0}}, Value{}, 0},
		"empty matrix":                     {nil, Value{}, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := CohenKappa(tc.matrix)
			if got.Defined != tc.want.Defined || tc.want.Defined && !near(got, tc.want.V, tc.tol) {
				t.Errorf("CohenKappa(%v) = %v, want %v", tc.matrix, got, tc.want)
			}
		})
	}
}

// wikipediaFleiss is the worked example of Wikipedia's "Fleiss' kappa": 10 subjects, 14 raters, 5
// categories.
var wikipediaFleiss = [][]int{
	{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
	{7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
}

func TestFleissOracle(t *testing.T) {
	pBar, pBarE, ok := fleiss(wikipediaFleiss, nil)
	if !ok || math.Abs(pBar-0.378) > 5e-4 || math.Abs(pBarE-0.213) > 5e-4 {
		t.Errorf("P̄ = %.4f, P̄e = %.4f (ok %v), want .378 and .213", pBar, pBarE, ok)
	}
	if got := FleissKappa(wikipediaFleiss); !near(got, 0.20993, 5e-6) {
		t.Errorf("FleissKappa = %v (%.6f), want 0.20993", got, got.V)
	}
}

func TestFleissKappa(t *testing.T) {
	tests := map[string]struct {
		counts [][]int
		want   Value
	}{
		"perfect agreement": {[][]int{{3, 0}, {0, 3}, {3, 0}}, Number(1)},
		// P̄ = 1/3 (every subject split 2–1), p = (1/2, 1/2), P̄e = 1/2
		"split subjects":           {[][]int{{2, 1}, {1, 2}}, Number((1.0/3 - 0.5) / 0.5)},
		"one category throughout":  {[][]int{{3, 0}, {3, 0}}, Value{}},
		"raters differ by subject": {[][]int{{3, 0}, {1, 1}}, Value{}},
		"one rater":                {[][]int{{1, 0}, {0, 1}}, Value{}},
		"no subjects":              {nil, Value{}},
		// P̄ = 0; p = (1/4, 1/2, 1/4), P̄e = 3/8
		"rows of different lengths": {[][]int{{1, 1}, {0, 1, 1}}, Number(-0.375 / 0.625)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := FleissKappa(tc.counts)
			if got.Defined != tc.want.Defined || tc.want.Defined && !near(got, tc.want.V, 1e-12) {
				t.Errorf("FleissKappa(%v) = %v, want %v", tc.counts, got, tc.want)
			}
		})
	}
}

// krippendorff2011 is the example of Krippendorff, "Computing Krippendorff's Alpha-Reliability"
// (2011): 4 observers × 12 units, as units of observers A, B, C, D.
var krippendorff2011 = func() [][]int {
	const m = Missing
	observers := [][]int{
		{1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m},
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3},
		{m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m},
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m},
	}
	units := make([][]int, 12)
	for u := range units {
		for _, o := range observers {
			units[u] = append(units[u], o[u])
		}
	}
	return units
}()

func TestKrippendorffAlpha(t *testing.T) {
	const m = Missing
	tests := map[string]struct {
		units [][]int
		want  Value
	}{
		"Krippendorff 2011, nominal: 113/152": {krippendorff2011, Number(113.0 / 152)},
		"perfect agreement":                   {[][]int{{1, 1}, {2, 2}, {1, 1, m}}, Number(1)},
		// two units, values (0,1) and (1,0): o_01 = o_10 = 2, n = 4, n_0 = n_1 = 2; alpha = 1 - 3·4/8
		"systematic disagreement":          {[][]int{{0, 1}, {1, 0}}, Number(1 - 3.0*4/8)},
		"units with one value are dropped": {[][]int{{0, 1}, {1, 0}, {7, m}, {m, 9}}, Number(1 - 3.0*4/8)},
		"D_e = 0: one value throughout":    {[][]int{{4, 4}, {4, 4, 4}, {3, m}}, Value{}},
		"no pairable values":               {[][]int{{1, m}, {m, 2}}, Value{}},
		"no units":                         {nil, Value{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := KrippendorffAlpha(tc.units)
			if got.Defined != tc.want.Defined || tc.want.Defined && !near(got, tc.want.V, 1e-12) {
				t.Errorf("KrippendorffAlpha = %v (%.6f), want %v", got, got.V, tc.want)
			}
		})
	}
}

// repeat returns each row of rows weights[i] times.
func repeat(rows [][]int, weights []int) [][]int {
	var out [][]int
	for i, w := range weights {
		for range w {
			out = append(out, rows[i])
		}
	}
	return out
}

// TestWeightedMatchesRepeated checks that weights stand for repeated rows, as Compute uses them.
func TestWeightedMatchesRepeated(t *testing.T) {
	rows, weights := [][]int{{3, 0}, {2, 1}, {0, 3}}, []int{5, 2, 4}
	if got, want := fleissKappa(rows, weights), FleissKappa(repeat(rows, weights)); !near(got, want.V, 1e-12) {
		t.Errorf("weighted Fleiss %v, repeated %v", got, want)
	}
	units, uw := [][]int{{1, 1, Missing}, {0, 1, 1}, {0, 0, 0}}, []int{3, 2, 6}
	if got, want := krippendorff(units, uw), KrippendorffAlpha(repeat(units, uw)); !near(got, want.V, 1e-12) {
		t.Errorf("weighted alpha %v, repeated %v", got, want)
	}
}

func TestValueJSONAndString(t *testing.T) {
	tests := map[string]struct {
		v          Value
		json, text string
	}{
		"number":                {Number(0.25), "0.25", "0.250"},
		"negative":              {Number(-1), "-1", "-1.000"},
		"undefined":             {Value{}, "null", "undefined"},
		"NaN stays out of JSON": {Value{V: math.NaN(), Defined: true}, "null", "NaN"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil || string(b) != tc.json {
				t.Errorf("json %s %v, want %s", b, err, tc.json)
			}
			if s := tc.v.String(); s != tc.text {
				t.Errorf("String() = %q, want %q", s, tc.text)
			}
			var back Value
			if err := json.Unmarshal(b, &back); err != nil || back.Defined != (tc.json != "null") {
				t.Errorf("read back %v %v", back, err)
			}
		})
	}
}
