//go:build !race

package lexer

// raceDetector reports whether the tests run under the race detector,
// which makes regexp matching about ten times slower.
const raceDetector = false
