package annotations

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

func networkFS(path string) string {
	if isUNCPath(path) {
		return "UNC path"
	}
	vol := filepath.VolumeName(path)
	if vol == "" {
		return ""
	}
	root, err := windows.UTF16PtrFromString(vol + `\`)
	if err != nil {
		return ""
	}
	if windows.GetDriveType(root) == windows.DRIVE_REMOTE {
		return "network drive " + vol
	}
	return ""
}
