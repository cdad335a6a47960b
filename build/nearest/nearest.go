// Package nearest finds the name a misspelling most likely meant, for the
// "did you mean …?" of a broken link, a missing anchor or an unknown key.
package nearest

// Name returns the name in names nearest to s by edit distance, when it is
// close enough to be what was meant (within a third of the length of s,
// and at least one edit), or "". On a tie the first in names wins.
func Name(s string, names []string) string {
	limit := max(1, len(s)/3)
	best, bestD := "", limit+1
	for _, n := range names {
		if d := Distance(s, n, bestD-1); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// Distance returns the edit distance between a and b in bytes, counting
// an insertion, deletion, substitution or swap of neighbours as one edit
// (the optimal string alignment distance), or limit+1 as soon as it is
// known to exceed limit.
func Distance(a, b string, limit int) int {
	if limit < 0 {
		return limit + 1
	}
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows: the one before the previous one is needed for swaps.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
