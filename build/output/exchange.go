package output

import "os"

// exchangeByRename swaps two folders with three renames, for systems without
// an atomic exchange. A crash between them leaves the previous output in a
// marked temporary folder rather than losing it.
func exchangeByRename(a, b string) error {
	old := a + ".old"
	if err := os.Rename(b, old); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		_ = os.Rename(old, b)
		return err
	}
	return os.Rename(old, a)
}
