package annotations

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

func networkFS(path string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(existingDir(path), &st); err != nil {
		return ""
	}
	return linuxNetworkFS(uint32(st.Type))
}

// existingDir returns path when it exists, else its folder.
func existingDir(path string) string {
	if err := unix.Access(path, unix.F_OK); err == nil {
		return path
	}
	return filepath.Dir(path)
}
