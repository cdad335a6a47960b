package stamp

import (
	"io/fs"
	"syscall"
)

// statOf returns the identity and times of a file from its Lstat.
func statOf(fi fs.FileInfo) (Entry, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Entry{}, false
	}
	return Entry{
		Dev:   uint64(st.Dev),
		Ino:   st.Ino,
		Mtime: st.Mtim.Nano(),
		Ctime: st.Ctim.Nano(),
	}, true
}
