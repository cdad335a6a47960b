package page

import (
	"cmp"
	"strings"
	"testing"
)

// titles are pairs that differ in case, width, validity and length, so
// that every two of them compare in CompareTitles as their lowered
// strings do.
var titles = []string{
	"", "a", "A", "ab", "AB", "abc", "Ab", "b", "Z", "z", "_", "[", "`", "0",
	"Redis Crash Loop on geo-router", "redis crash loop on Geo-Router-4",
	"Äpfel", "äpfel", "Apfel", "Ørsted", "ørsted", "İstanbul", "istanbul", "Σίσυφος", "σίσυφος",
	"\xff", "\uFFFD", "a\xffb", "a\uFFFDb", "a\xff", "日本", "日本語", "\U0001F600", "ǅ", "ǆ", "Ǆ",
}

func TestCompareTitles(t *testing.T) {
	for _, a := range titles {
		for _, b := range titles {
			want := cmp.Compare(strings.ToLower(a), strings.ToLower(b))
			if got := CompareTitles(a, b); got != want {
				t.Errorf("CompareTitles(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func FuzzCompareTitles(f *testing.F) {
	for i, a := range titles {
		f.Add(a, titles[(i*7+3)%len(titles)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := CompareTitles(a, b), cmp.Compare(strings.ToLower(a), strings.ToLower(b)); got != want {
			t.Errorf("CompareTitles(%q, %q) = %d, want %d", a, b, got, want)
		}
	})
}
