// Command faults measures what memory a process touches for the first time
// costs on this machine: it maps fresh anonymous memory and writes one
// byte of every page, then does it again. On most machines the first pass
// costs a fraction of a millisecond per MiB; on some virtual machines each
// first touch of a page is a trip to the host, and then every MiB of a
// build's peak memory costs about as much as its CPU work does.
//
//	go run ./bench/faults            # 512 MiB
//	go run ./bench/faults -mib 2048
package main

import (
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	mib := flag.Int("mib", 512, "MiB of memory to touch")
	flag.Parse()
	n := *mib << 20
	mem, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		os.Exit(1)
	}
	page := os.Getpagesize()
	for pass, what := range []string{"first touch", "second touch"} {
		start := time.Now()
		for i := 0; i < n; i += page {
			mem[i] = byte(pass + 1)
		}
		d := time.Since(start)
		fmt.Printf("%-12s %5d MiB: %8.1f ms, %6.2f µs a page\n", what, *mib, float64(d.Microseconds())/1000, float64(d.Nanoseconds())/1000/float64(n/page))
	}
}
