// Package agreement measures how far annotators agree: span F1 in four modes, Cohen's kappa per
// pair and label over word tokens, and Fleiss' kappa and Krippendorff's alpha across all the
// annotators. The measures are pure functions; Compute runs them over a project.
//
// A measure whose formula divides zero by zero has no value: it is reported as undefined (null in
// JSON), never as a made-up number.
package agreement

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Value is the result of a measure: a number, or undefined when the data cannot give one.
type Value struct {
	V       float64
	Defined bool
}

// Number returns the defined Value v.
func Number(v float64) Value { return Value{V: v, Defined: true} }

// ratio returns num/den, undefined when den is zero.
func ratio(num, den float64) Value {
	if den == 0 || math.IsNaN(num) || math.IsNaN(den) {
		return Value{}
	}
	return Number(num / den)
}

// String returns v with three decimals, or "undefined".
func (v Value) String() string {
	if !v.Defined {
		return "undefined"
	}
	return strconv.FormatFloat(v.V, 'f', 3, 64)
}

// MarshalJSON writes v as a JSON number, or null when it is undefined.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.Defined || math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v.V, 'g', -1, 64), nil
}

// UnmarshalJSON reads a JSON number, or null as undefined.
func (v *Value) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*v = Value{}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*v = Number(f)
	return nil
}

// CompareWorst orders values from the lowest up, the undefined ones last: the order in which a
// reviewer should look at documents.
func CompareWorst(a, b Value) int {
	switch {
	case a.Defined != b.Defined:
		if a.Defined {
			return -1
		}
		return 1
	case a.V < b.V:
		return -1
	case a.V > b.V:
		return 1
	}
	return 0
}
