package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// heapFloor is the heap size below which a build does not collect
// garbage. With Go's default pacing (GOGC=100) the heap may grow to twice
// what the last collection found live, so while a build's live data is
// small (every build starts with none, and keeps only what the checks and
// the navigation need) it collects many times a second: at 10,000 pages,
// 66 collections took 2.5 to 2.9 s of CPU, a tenth of the build. Letting
// the heap grow to the floor first cuts that to 15 to 17 collections and
// 1.3 to 1.7 s, for a peak that twice the final live data mostly sets
// anyway (530 MiB there before, 575 after). Once twice the live data
// passes the floor, pacing is Go's default again, so the floor never
// holds the heap at a limit the way a soft memory limit does.
const heapFloor = 320 << 20

// paceGC sets the garbage collector's target, after every collection, to
// the larger of floor and twice the live heap, for a batch command that
// allocates far more than it keeps. It does nothing when GOGC is set in
// the environment (getenv), which then decides as usual. The returned
// stop restores Go's default pacing.
func paceGC(getenv func(string) string, floor uint64) (stop func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	p := &pacer{floor: floor, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	// Before the first collection the target is GOGC percent over the
	// runtime's 4 MiB minimum heap.
	debug.SetGCPercent(percentFor(floor, 4<<20))
	p.arm()
	return sync.OnceFunc(func() {
		p.mu.Lock()
		p.stopped = true
		p.mu.Unlock()
		debug.SetGCPercent(100)
	})
}

// pacer retunes GOGC after each collection.
type pacer struct {
	floor  uint64
	sample []metrics.Sample

	mu      sync.Mutex
	stopped bool
}

// tick is an object whose collection marks the end of a GC cycle.
type tick struct{ _ *tick }

// arm has retune run after the next collection.
func (p *pacer) arm() {
	runtime.AddCleanup(&tick{}, func(p *pacer) { p.retune() }, p)
}

// retune sets GOGC for the live heap the last collection found, and arms
// itself for the next one.
func (p *pacer) retune() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	metrics.Read(p.sample)
	debug.SetGCPercent(percentFor(p.floor, p.sample[0].Value.Uint64()))
	p.arm()
}

// percentFor returns the GOGC that puts the heap target of a live heap of
// live bytes at floor, or 100 (Go's default: twice live) when that is
// higher.
func percentFor(floor, live uint64) int {
	if live == 0 || floor <= 2*live {
		return 100
	}
	return int(min((floor-live)*100/live, 1<<20))
}
