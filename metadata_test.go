package main

import (
	"testing"

	"github.com/BurntSushi/toml"
)

func TestMetadataMatchesFyneApp(t *testing.T) {
	var file struct {
		Details struct {
			Icon, Name, ID, Version string
			Build                   int
		}
		Migrations map[string]bool
	}
	if _, err := toml.DecodeFile("FyneApp.toml", &file); err != nil {
		t.Fatal(err)
	}
	m := metadata()
	if file.Details.ID != m.ID || file.Details.Name != m.Name || file.Details.Version != m.Version ||
		file.Details.Build != m.Build || file.Migrations["fyneDo"] != m.Migrations["fyneDo"] {
		t.Errorf("FyneApp.toml says %+v %v; main.metadata says %+v", file.Details, file.Migrations, m)
	}
	if file.Details.Icon != "assets/icon.png" || m.Icon == nil || len(m.Icon.Content()) == 0 {
		t.Errorf("icon: FyneApp.toml %q, metadata %v", file.Details.Icon, m.Icon)
	}
}
