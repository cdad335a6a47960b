package atomicfile_test

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/arcaapi/runbooks/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "runbooks") // not there yet
	path := filepath.Join(dir, "pages.bin")
	put := func(s string) func(*bufio.Writer) error {
		return func(w *bufio.Writer) error { _, err := w.WriteString(s); return err }
	}
	if err := atomicfile.Write(path, put("first")); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, put("second")); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("encoder failed")
	err := atomicfile.Write(path, func(w *bufio.Writer) error {
		w.WriteString("half of a third")
		return failed
	})
	if !errors.Is(err, failed) {
		t.Errorf("Write = %v, want the writer's error", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "second" {
		t.Errorf("file holds %q after a failed write, want %q", data, "second")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the file: temporary files were left", len(entries))
	}
}
