package srcfs

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

const fastSupported = true

// openBeneath opens the slash path name inside the folder open as dirfd,
// read-only, with flags added. The kernel confines the whole path to the
// folder: no "..", absolute path or symlink may leave it, and /proc's
// magic links are refused.
func openBeneath(dirfd int, name string, flags uint64) (int, error) {
	how := unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | flags,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	}
	for {
		fd, err := unix.Openat2(dirfd, name, &how)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// errNotRegular sends a read of anything but a regular file (a folder, a
// FIFO, a device) to os.Root's path, which answers it as it always has.
var errNotRegular = errors.New("not a regular file")

// readBeneath reads the file at the slash path name inside the folder
// open as dirfd.
func readBeneath(dirfd int, name string) ([]byte, error) {
	fd, err := openBeneath(dirfd, name, unix.O_NOCTTY|unix.O_NONBLOCK)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, errNotRegular
	}
	// One byte more than the size, so that a file that grew is read to
	// its end and a file that did not ends with one read.
	data := make([]byte, 0, st.Size+1)
	for {
		n, err := unix.Read(fd, data[len(data):cap(data)])
		switch {
		case err == unix.EINTR || err == unix.EAGAIN:
			continue
		case err != nil:
			return nil, err
		case n == 0:
			return data, nil
		}
		data = data[:len(data)+n]
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// unsupported reports whether err says openat2 cannot be used at all:
// a kernel before 5.6, or a seccomp filter that forbids it.
func unsupported(err error) bool {
	return err == unix.ENOSYS || err == unix.EPERM
}

// readDirBeneath lists the folder at the slash path name inside the
// folder open as dirfd, in the order the file system gives.
func readDirBeneath(dirfd int, name string) ([]fs.DirEntry, error) {
	fd, err := openBeneath(dirfd, name, unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	// A file made by os.NewFile lists its entries with the types
	// getdents gives, and stats only those whose type it does not.
	dir := os.NewFile(uintptr(fd), name)
	defer dir.Close()
	return dir.ReadDir(-1)
}
