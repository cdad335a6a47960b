//go:build !linux

package srcfs

import (
	"errors"
	"io/fs"
)

const fastSupported = false

func readBeneath(int, string) ([]byte, error) { return nil, errors.ErrUnsupported }

func unsupported(error) bool { return true }

func readDirBeneath(int, string) ([]fs.DirEntry, error) { return nil, errors.ErrUnsupported }
