// Package assets holds the files Tagdesk embeds: the icon and the default label set.
package assets

import _ "embed"

// Icon is the application icon, a 256×256 PNG.
//
//go:embed icon.png
var Icon []byte

// DefaultLabels is the label set of a new project, as a JSON array of objects with name, color
// ("#rrggbb"), hotkey (one character) and guideline.
//
//go:embed labels.json
var DefaultLabels []byte
