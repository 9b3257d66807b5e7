package agreement

// CohenKappa returns Cohen's kappa, (p_o - p_e) / (1 - p_e), for two raters from their confusion
// matrix: matrix[i][j] counts the items rater A put in category i and rater B in category j. A
// missing entry counts as zero. It is undefined when p_e = 1 (both raters used one and the same
// category throughout, so chance explains everything) and when the matrix is empty. It is computed
// in whole numbers, as (n·agree - chance) / (n² - chance), so that p_e = 1 is found exactly.
func CohenKappa(matrix [][]int) Value {
	k := len(matrix)
	for _, row := range matrix {
		k = max(k, len(row))
	}
	rows, cols := make([]int64, k), make([]int64, k)
	var n, agree int64
	for i, row := range matrix {
		for j, c := range row {
			n += int64(c)
			rows[i] += int64(c)
			cols[j] += int64(c)
			if i == j {
				agree += int64(c)
			}
		}
	}
	var chance int64 // n² p_e
	for i := range k {
		chance += rows[i] * cols[i]
	}
	return ratio(float64(n*agree-chance), float64(n*n-chance))
}

// FleissKappa returns Fleiss' kappa, (P̄ - P̄e) / (1 - P̄e), from counts[i][j], the number of raters
// who put subject i in category j. Every subject must have been rated by the same number of raters,
// at least two; otherwise, and when P̄e = 1 (every rating in one category) or there are no subjects,
// it is undefined.
func FleissKappa(counts [][]int) Value { return fleissKappa(counts, nil) }

// fleissKappa is FleissKappa with row i standing for weights[i] subjects.
func fleissKappa(counts [][]int, weights []int) Value {
	pBar, pBarE, ok := fleiss(counts, weights)
	if !ok {
		return Value{}
	}
	return ratio(pBar-pBarE, 1-pBarE)
}

// fleiss returns Fleiss' P̄ and P̄e over rows, row i standing for weights[i] subjects (one each when
// weights is nil), and whether kappa is defined.
func fleiss(rows [][]int, weights []int) (pBar, pBarE float64, ok bool) {
	raters := -1
	var subjects int64
	var totals []int64 // ratings per category
	var agreeing float64
	for i, row := range rows {
		w := int64(1)
		if weights != nil {
			w = int64(weights[i])
		}
		if w == 0 {
			continue
		}
		n, sq := 0, 0
		for j, c := range row {
			n += c
			sq += c * c
			for len(totals) <= j {
				totals = append(totals, 0)
			}
			totals[j] += w * int64(c)
		}
		if raters == -1 {
			raters = n
		}
		if n != raters || n < 2 {
			return 0, 0, false
		}
		subjects += w
		agreeing += float64(w) * float64(sq-n) / float64(n*(n-1))
	}
	if subjects == 0 {
		return 0, 0, false
	}
	all := float64(subjects) * float64(raters)
	used := 0
	for _, t := range totals {
		p := float64(t) / all
		pBarE += p * p
		if t > 0 {
			used++
		}
	}
	// P̄e = 1 exactly when one category holds every rating; the float sum need not say so
	return agreeing / float64(subjects), pBarE, used > 1
}

// Missing marks, in KrippendorffAlpha's input, a value a coder did not give.
const Missing = -1

// KrippendorffAlpha returns Krippendorff's alpha for nominal data, 1 - D_o / D_e, computed from the
// coincidence matrix. units[u][c] is the value coder c gave unit u, or Missing; values are category
// numbers and only their equality matters. Units with fewer than two values cannot be paired and
// are left out, as Krippendorff prescribes.
//
// It is undefined when no unit has two values, and when D_e = 0: every pairable value is the same,
// so the data show no variation against which to tell agreement from chance. Implementations
// disagree here (some say 1, some 0); a number would claim more than the data hold.
func KrippendorffAlpha(units [][]int) Value {
	return krippendorff(units, nil)
}

// krippendorff is KrippendorffAlpha with unit u standing for weights[u] units (one each when
// weights is nil).
func krippendorff(units [][]int, weights []int) Value {
	index := map[int]int{} // value → row of the coincidence matrix
	var o [][]float64
	var inUnit []int // values of one unit per category
	for u, unit := range units {
		w := 1.0
		if weights != nil {
			w = float64(weights[u])
		}
		m := 0
		for i := range inUnit {
			inUnit[i] = 0
		}
		for _, v := range unit {
			if v == Missing {
				continue
			}
			c, ok := index[v]
			if !ok {
				c = len(index)
				index[v] = c
				for i := range o {
					o[i] = append(o[i], 0)
				}
				o = append(o, make([]float64, c+1))
				inUnit = append(inUnit, 0)
			}
			inUnit[c]++
			m++
		}
		if m < 2 || w == 0 {
			continue
		}
		for c, nc := range inUnit {
			for k, nk := range inUnit {
				pairs := nc * nk
				if c == k {
					pairs = nc * (nc - 1)
				}
				o[c][k] += w * float64(pairs) / float64(m-1)
			}
		}
	}
	// nominal: D_o ∝ n - Σ o_cc, D_e ∝ (n² - Σ n_c²) / (n - 1)
	var n, diagonal, squares float64
	for c := range o {
		nc := 0.0
		for k := range o[c] {
			nc += o[c][k]
		}
		n += nc
		diagonal += o[c][c]
		squares += nc * nc
	}
	if len(o) < 2 { // one value throughout, or none: D_e = 0
		return Value{}
	}
	d := ratio((n-1)*(n-diagonal), n*n-squares)
	if !d.Defined {
		return d
	}
	return Number(1 - d.V)
}
