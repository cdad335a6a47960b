package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/arcaapi/runbooks/build"
)

func main() {
	out := flag.String("out", "/tmp/helper-p-pub", "")
	prof := flag.String("prof", "/tmp/helper-p-cpu.prof", "")
	flag.Parse()
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(640 << 20)
	os.RemoveAll(*out)
	os.RemoveAll("/tmp/.runbooks-prev-" + "helper-p-pub")
	f, _ := os.Create(*prof)
	pprof.StartCPUProfile(f)
	t := time.Now()
	res, err := build.Build(context.Background(), build.Config{Src: "/tmp/helper-p-tree", Out: *out, NoCache: true, Now: time.Unix(0, 0)})
	pprof.StopCPUProfile()
	fmt.Println(time.Since(t), res.Pages, res.Files, err)
}
