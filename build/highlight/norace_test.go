//go:build !race

package highlight

// raceDetector reports whether the tests run under the race detector,
// which makes lexing about ten times slower.
const raceDetector = false
