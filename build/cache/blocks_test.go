package cache

import (
	"os"
	"strings"
	"testing"
)

// TestCorruptBlocksAreIgnored: a damaged file is read as an empty store
// and replaced on Save.
func TestCorruptBlocksAreIgnored(t *testing.T) {
	for _, c := range []struct{ name, data string }{
		{"empty", ""},
		{"not a store", "hello"},
		{"truncated", blocksMagic + strings.Repeat("k", 10)},
		{"a huge length", blocksMagic + strings.Repeat("k", 32) + "\xff\xff\xff\xff\xff\xff\xff\xff\x7f"},
		{"a length past the data", blocksMagic + strings.Repeat("k", 32) + "\x10abc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(OpenBlocks(dir, "", "x").path, []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			s := OpenBlocks(dir, "", "x")
			if _, ok := s.Get(KeyOf([]byte("k"))); ok {
				t.Error("a corrupt file gave an entry")
			}
			s.Put(KeyOf([]byte("k")), "html")
			if err := s.Save(); err != nil {
				t.Errorf("a corrupt file is not replaced: %v", err)
			}
		})
	}
}
