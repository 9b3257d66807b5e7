// Package locale works around Fyne logging "Error parsing user locale C" at start-up, before main
// runs, on systems whose locale is C.UTF-8 or POSIX.UTF-8 (the default of Debian containers and CI
// runners): Fyne's locale lookup strips the encoding and cannot parse the "C" that remains. Those
// locales mean "no language", which a plain C says in a way Fyne understands, so this package's init
// rewrites them before Fyne's init reads them.
//
// main imports it for that side effect. Go initialises a package before any package that sorts after
// it and is not yet ready, and this one needs only os, so it runs before fyne.io/fyne/v2/lang, which
// waits for golang.org/x/text.
package locale

import (
	"os"
	"strings"
)

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv(name, "C")
		}
		return // the first one set is the one that counts
	}
}
