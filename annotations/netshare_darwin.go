package annotations

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

func networkFS(path string) string {
	if _, err := os.Stat(path); err != nil {
		path = filepath.Dir(path)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return ""
	}
	name := unix.ByteSliceToString(st.Fstypename[:])
	if darwinNetworkFS(name) {
		return name
	}
	return ""
}
