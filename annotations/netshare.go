package annotations

import (
	"fmt"
	"strings"
)

// OnNetworkShare reports whether the file at path (or the folder it would be created in) is on a
// network file system, and which: SQLite advises against using a database over a network file system,
// and its write-ahead log, which Tagdesk uses, does not work there at all. It detects what the system
// tells: the file system type on Linux and macOS, a UNC path or a remote drive on Windows; it answers
// false when it cannot tell.
func OnNetworkShare(path string) (bool, string) {
	fstype := networkFS(path)
	return fstype != "", fstype
}

// linuxNetworkFS names the network file systems among the f_type magic numbers of Linux's statfs,
// or returns "" for a local one. FUSE is counted as remote: sshfs is its common use, and a FUSE file
// system's locking cannot be trusted either.
func linuxNetworkFS(magic uint32) string {
	switch magic {
	case 0x6969:
		return "nfs"
	case 0x517B:
		return "smb"
	case 0xFF534D42:
		return "cifs"
	case 0xFE534D42:
		return "smb2"
	case 0x65735546:
		return "fuse"
	case 0x564C:
		return "ncp"
	case 0x6B414653:
		return "afs"
	case 0x01021997:
		return "9p"
	case 0x00C36400:
		return "ceph"
	}
	return ""
}

// darwinNetworkFS reports whether a macOS statfs f_fstypename is a network file system.
func darwinNetworkFS(name string) bool {
	switch strings.ToLower(name) {
	case "nfs", "smbfs", "afpfs", "webdav", "cifs", "ftp", "macfuse", "osxfuse":
		return true
	}
	return false
}

// isUNCPath reports whether path is a Windows UNC path (\\server\share\..., or //server/share/...),
// which names a file on another machine; \\?\C:\... and \\.\ device paths are local.
func isUNCPath(path string) bool {
	p := strings.ReplaceAll(path, "/", `\`)
	switch {
	case strings.HasPrefix(strings.ToUpper(p), `\\?\UNC\`):
		return true
	case strings.HasPrefix(p, `\\?\`), strings.HasPrefix(p, `\\.\`):
		return false
	}
	return strings.HasPrefix(p, `\\`) && len(p) > 2
}

// networkShareWarning is the sentence Open keeps when the project is on a network share.
func networkShareWarning(path, fstype string) string {
	return fmt.Sprintf("%s is on a network share (%s). SQLite, which Tagdesk stores projects with, advises "+
		"against this: its write-ahead log does not work over a network file system, and locking there may "+
		"fail, so that two computers writing at once can damage the project "+
		"(https://www.sqlite.org/wal.html, https://www.sqlite.org/useovernet.html). Copy the project to a "+
		"local disk to work on it, and merge the annotators' copies with tagdesk merge.", path, fstype)
}
