package annotations

import (
	"encoding/json"
	"fmt"
)

// parseAttrs reads a span's stored attribute values; "{}" gives nil.
func parseAttrs(s string) (Attrs, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	var a Attrs
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("attributes: %w", err)
	}
	if len(a) == 0 {
		return nil, nil
	}
	return a, nil
}

// formatAttrs gives attribute values as stored: a JSON object, "{}" when there are none.
func formatAttrs(a Attrs) string {
	if len(a) == 0 {
		return "{}"
	}
	b, err := json.Marshal(a)
	if err != nil { // only NaN or infinities, which no parser gives
		return "{}"
	}
	return string(b)
}
