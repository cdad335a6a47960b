// Package cache implements the build's persistent caches: the parsed pages
// (Pages) and the highlighted code blocks (Blocks), kept between builds in
// one folder, under one key scheme, and named by one build identity.
//
// Every cache file is named kind-version-site.bin, where version hashes
// the identity of the running binary (Identity: its own code, its
// dependencies and how it was built) with the settings the cached values
// depend on, and site hashes the source folder, so two sites do not evict
// each other's entries. A different build of the tool never reads what
// another wrote, and saving a file removes the site's files of the same
// kind that other versions wrote. Every file is safe to delete at any time.
package cache

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Key identifies a cached value by everything it depends on.
type Key [sha256.Size]byte

// KeyOf returns the key of the fields, in order. Each field is hashed with
// its length, so no two sequences of fields share a key.
func KeyOf(fields ...[]byte) Key {
	h := sha256.New()
	var n [8]byte
	for _, f := range fields {
		binary.LittleEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write(f)
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// Dir returns the cache folder: dir when it is not "", else the runbooks
// folder under the user cache folder. It reports false when caching is
// off (disabled, or there is no user cache folder).
func Dir(dir string, disabled bool) (string, bool) {
	if disabled {
		return "", false
	}
	if dir != "" {
		return dir, true
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", false
	}
	return filepath.Join(d, "runbooks"), true
}

// SiteName names the cache files of the site whose source (or output) is
// the folder path: a short hash of its absolute path.
func SiteName(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	k := KeyOf([]byte(abs))
	return hex.EncodeToString(k[:6])
}

var identity = sync.OnceValues(readIdentity)

// Identity returns a short hash that changes whenever the running binary
// does: its own code, its dependencies or the flags it was built with.
// On ELF systems it is the Go build id, which the go command derives from
// all of these; elsewhere (macOS, Windows), or for a binary without one,
// it is the hash of the executable file itself. It fails only when the
// executable cannot be read, and then caching is off.
func Identity() (string, error) { return identity() }

func readIdentity() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("build identity: %w", err)
	}
	if note, err := elfBuildID(exe); err == nil {
		k := KeyOf([]byte("go build id"), note)
		return hex.EncodeToString(k[:8]), nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("build identity: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	h.Write([]byte("executable\x00"))
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("build identity: read %s: %w", exe, err)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// elfBuildID returns the Go build id note of an ELF executable.
func elfBuildID(exe string) ([]byte, error) {
	f, err := elf.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return nil, errors.New("no Go build id")
	}
	note, err := s.Data()
	if err != nil || len(note) == 0 {
		return nil, errors.New("no Go build id")
	}
	return note, nil
}

// File returns the path of the cache file of the given kind for site in
// dir, for values that depend on the build identity and on settings (a
// description of whatever else they depend on, or "").
func File(dir, kind, settings, site string) (string, error) {
	id, err := Identity()
	if err != nil {
		return "", err
	}
	k := KeyOf([]byte(id), []byte(settings))
	return filepath.Join(dir, fmt.Sprintf("%s-%s-%s.bin", kind, hex.EncodeToString(k[:8]), site)), nil
}

// staleAfter is how old a temporary file beside a cache file must be
// before a build that saves the cache file removes it: a build that was
// killed while writing left it, and a build that still writes one beside
// it has touched it since.
const staleAfter = time.Hour

// removeOthers removes the files of the same kind and site as path that
// other versions wrote, and the temporary files of killed builds beside
// it: nothing will read them again.
func removeOthers(path string) {
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp"))
	for _, p := range tmps {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > staleAfter {
			os.Remove(p)
		}
	}
	dir, mine := filepath.Split(path)
	kind, rest, ok := strings.Cut(mine, "-")
	if !ok {
		return
	}
	_, site, ok := strings.Cut(rest, "-")
	if !ok {
		return
	}
	others, _ := filepath.Glob(filepath.Join(dir, kind+"-*-"+site))
	for _, p := range others {
		if name := filepath.Base(p); name != mine && strings.Count(name, "-") == strings.Count(mine, "-") {
			os.Remove(p)
		}
	}
}
