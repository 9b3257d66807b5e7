package app

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// shortcutsMarkdown is the shortcuts sheet as the README's table.
func shortcutsMarkdown() string {
	var b strings.Builder
	b.WriteString("| Keys | Action |\n|---|---|\n")
	for _, g := range Shortcuts {
		fmt.Fprintf(&b, "| **%s** | |\n", g.Title)
		for _, s := range g.Lines {
			fmt.Fprintf(&b, "| %s | %s |\n", s.Keys, s.Action)
		}
	}
	return b.String()
}

// TestReadmeShortcuts keeps the README's shortcuts table the same as the in-app sheet (F1).
func TestReadmeShortcuts(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- shortcuts: made from app/help.go; TestReadmeShortcuts checks it -->\n", "<!-- /shortcuts -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no shortcuts table between %q and %q", begin, end)
	}
	if got, want := s[i+len(begin):j], shortcutsMarkdown(); got != want {
		t.Errorf("the README's shortcuts table differs from the app's; it should read:\n%s", want)
	}
}
