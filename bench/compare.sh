#!/usr/bin/env bash
# compare.sh builds the same generated runbook tree with runbooks and with
# Hugo, alternating the two, and prints median wall time, CPU time and peak
# memory side by side. See bench/README.md for what each figure means.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/compare.sh [-n PAGES] [-pairs N] [-repeat] [-bin PATH] [-no-hugo]
       bench/compare.sh -scale [-sizes N,N] [-rss-only N] [-serve] [-pairs N] [-results DIR]
                        [-before FILE] [-repeat] [-bin PATH] [-no-hugo]

  -n PAGES      runbooks to generate (default 10000)
  -pairs N      timed runbooks/Hugo pairs, run alternately (default 3)
  -repeat       generate the tree with shared code blocks (bench/gen -repeat)
  -bin PATH     time this runbooks binary instead of building ./cmd/runbooks
  -no-hugo      leave Hugo out (the ratios are then not given)

Scale mode: how time and memory grow with the tree.
  -scale        cold and warm builds of each size, both tools alternately,
                then one cold build of the -rss-only size by runbooks alone
  -sizes N,N    the sizes built by both tools (default 10000,30000)
  -rss-only N   the size built once by runbooks alone, for its peak memory
                (default 100000; 0 leaves it out)
  -results DIR  where scale.tsv (every run) and scale.svg (per-page time and
                peak memory against pages) go (default: a new folder in /tmp)
  -before FILE  an earlier run's scale.tsv, drawn dashed in scale.svg
  -serve        also time serve's edit to reload event at the largest size
                (build/serve's BenchmarkEditToEvent, on this checkout's code)

Installs Debian's hugo and time packages if they are missing (needs root);
without hugo, and not root, it times runbooks alone and says so.
EOF
}

n=10000
pairs=3
repeat=
bin=
use_hugo=1
scale=
sizes=10000,30000
rss_only=100000
results=
before_tsv=
serve=
while (($#)); do
	case $1 in
	-n) n=${2:?-n needs a number}; shift 2 ;;
	-pairs) pairs=${2:?-pairs needs a number}; shift 2 ;;
	-repeat) repeat=-repeat; shift ;;
	-bin) bin=${2:?-bin needs a path}; shift 2 ;;
	-no-hugo) use_hugo=; shift ;;
	-scale) scale=1; shift ;;
	-sizes) sizes=${2:?-sizes needs a list}; shift 2 ;;
	-rss-only) rss_only=${2:?-rss-only needs a number}; shift 2 ;;
	-results) results=${2:?-results needs a folder}; shift 2 ;;
	-before) before_tsv=${2:?-before needs a file}; shift 2 ;;
	-serve) serve=1; shift ;;
	-h | -help | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[[ $n =~ ^[1-9][0-9]*$ && $pairs =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
[[ $sizes =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ && $rss_only =~ ^[0-9]+$ ]] || { usage >&2; exit 2; }
[[ -z $before_tsv || -f $before_tsv ]] || { echo "compare.sh: -before $before_tsv: no such file" >&2; exit 2; }
# The paths given are the caller's: resolve them before moving to the repository.
[[ -z $bin ]] || bin=$(realpath -m -- "$bin")
[[ -z $results ]] || results=$(realpath -m -- "$results")
[[ -z $before_tsv ]] || before_tsv=$(realpath -m -- "$before_tsv")

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# apt_install PACKAGE installs a Debian package; it fails, saying how to
# install it, when not root or without apt-get.
apt_install() {
	if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
		echo "compare.sh: $1 is not installed; run 'sudo apt-get install -y $1' (installing needs root)" >&2
		return 1
	fi
	echo "installing Debian package $1..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2 ||
		{ apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2; }
}
[[ -x /usr/bin/time ]] || apt_install time || exit 1
if [[ -n $use_hugo ]] && ! command -v hugo >/dev/null && ! apt_install hugo; then
	echo "compare.sh: hugo is missing: timing runbooks alone; the Hugo rows and the ratios are left out" >&2
	use_hugo=
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runbooks-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [[ -n $bin ]]; then
	cp "$bin" "$tmp/runbooks"
elif ! go build -o "$tmp/runbooks" ./cmd/runbooks; then
	echo "compare.sh: ./cmd/runbooks does not build" >&2
	exit 1
fi
go build -o "$tmp/gen" ./bench/gen
# The go command's own cache, for the serve benchmark, before
# XDG_CACHE_HOME (where it would otherwise look) changes below.
gocache=$(go env GOCACHE)
# Our tool's persistent cache lives here, never in the user's cache. Set
# after building, so that go build still uses the user's build cache.
export XDG_CACHE_HOME="$tmp/xdg-cache"
# Hugo writes resources/ and lock files into its site folder: use a copy.
cp -r bench/hugo "$tmp/hugo-site"

# timed LABEL CMD... runs CMD under /usr/bin/time, appends "wall user sys
# maxrss_kb" to $tmp/LABEL.times and stops the script if CMD fails.
timed() {
	local label=$1
	shift
	if ! /usr/bin/time -o "$tmp/time.out" -f '%e %U %S %M' "$@" >"$tmp/run.log" 2>&1; then
		echo "compare.sh: $label failed: $*" >&2
		tail -n 20 "$tmp/run.log" >&2
		exit 1
	fi
	tail -n 1 "$tmp/time.out" >>"$tmp/$label.times"
}

# settle waits, up to two minutes, until the disk holding $tmp is quiet:
# fewer than 20 writes and discards in two seconds. Every timed run of the
# large tree waits for it. Deleting a tree of 50,000 files keeps a disk
# mounted with discard busy for minutes after rm and even sync return
# (another run of this script deletes its trash when it exits), and the
# next timed run would pay for it. Where the disk is not in
# /proc/diskstats (device-mapper names, containers), it only syncs.
disk=$(basename "$(df --output=source "$tmp" | tail -n 1)")
disk_ops() { awk -v d="$disk" '$3 == d { print $8 + $15 }' /proc/diskstats 2>/dev/null; }
settle() {
	sync
	local before now i
	before=$(disk_ops)
	[[ -n $before ]] || return 0
	for ((i = 0; i < 60; i++)); do
		sleep 2
		now=$(disk_ops)
		((now - before < 20)) && return 0
		before=$now
	done
	echo "compare.sh: $disk still busy after two minutes; timing anyway" >&2
}

# clean PATH... moves what an earlier run left into $tmp/trash, deleted on
# exit, rather than deleting it between timed runs, and waits for the disk
# to settle.
mkdir "$tmp/trash"
trashed=0
clean() {
	local p
	for p in "$@"; do
		[[ -e $p ]] || continue
		trashed=$((trashed + 1))
		mv "$p" "$tmp/trash/$trashed"
	done
	settle
}

# hugo_cmd TREE OUT sets the array hugo_build to Hugo's build of TREE into
# OUT, with the copy of bench/hugo as its site.
hugo_cmd() {
	hugo_build=(hugo --source "$tmp/hugo-site" --contentDir "$1" --destination "$2"
		--cacheDir "$tmp/hugo-cache" --noBuildLock --quiet)
}

# counts DIR prints the number of files and the number of folders in DIR
# (DIR itself included), tab-separated.
counts() {
	printf '%s\t%s' "$(find "$1" -type f | wc -l)" "$(find "$1" -type d | wc -l)"
}

# scale_run PAGES TOOL KIND OUT CMD... times CMD and appends one line to
# $tsv: pages, tool, kind, wall, user and system seconds, peak RSS in KB,
# and the files and folders in OUT afterwards.
scale_run() {
	local pages=$1 tool=$2 kind=$3 out=$4
	shift 4
	timed "$tool-$kind-$pages" "$@"
	printf '%s\t%s\t%s\t%s\t%s\n' "$pages" "$tool" "$kind" \
		"$(tail -n 1 "$tmp/$tool-$kind-$pages.times" | tr ' ' '\t')" "$(counts "$out")" >>"$tsv"
}

# Scale mode: for each size, alternately, runbooks cold (empty cache
# folder and no output folder, as on a new CI machine) then warm (the same
# command again, nothing changed), and Hugo cold (empty cache, output and
# resources/) then, in the first pair only, warm (the same command again,
# which renders everything again, as Hugo keeps no state between builds
# but its cache of resources); then one cold build of the -rss-only tree
# by runbooks alone. Every run goes to scale.tsv, which bench/scale turns
# into the tables and scale.svg.
if [[ -n $scale ]]; then
	[[ -n $results ]] || results=$(mktemp -d "${TMPDIR:-/tmp}/runbooks-scale.XXXXXX")
	mkdir -p "$results"
	tsv=$results/scale.tsv
	# Runs are added to an earlier run's file, so sizes can be run apart.
	[[ -s $tsv ]] || printf 'pages\ttool\tkind\twall_s\tuser_s\tsys_s\tmaxrss_kb\tfiles\tfolders\n' >"$tsv"
	go build -o "$tmp/scale" ./bench/scale
	ours_out=$tmp/out-ours
	for size in ${sizes//,/ }; do
		echo "generating $size pages..." >&2
		"$tmp/gen" -n "$size" -o "$tmp/tree-$size" $repeat
		tar -cf - -C "$tmp" "tree-$size" >/dev/null
		ours_build=("$tmp/runbooks" build --src "$tmp/tree-$size" --out "$ours_out")
		hugo_cmd "$tmp/tree-$size" "$tmp/out-hugo"
		for ((i = 1; i <= pairs; i++)); do
			echo "$size pages: pair $i of $pairs..." >&2
			clean "$ours_out" "$tmp/.runbooks-prev-out-ours" "$XDG_CACHE_HOME"
			scale_run "$size" runbooks cold "$ours_out" "${ours_build[@]}"
			settle
			scale_run "$size" runbooks warm "$ours_out" "${ours_build[@]}"
			[[ -n $use_hugo ]] || continue
			clean "$tmp/out-hugo" "$tmp/hugo-cache" "$tmp/hugo-site/resources"
			scale_run "$size" hugo cold "$tmp/out-hugo" "${hugo_build[@]}"
			((i == 1)) || continue # Hugo renders everything again: once is enough
			settle
			scale_run "$size" hugo warm "$tmp/out-hugo" "${hugo_build[@]}"
		done
		clean "$tmp/tree-$size"
	done
	serve_result=
	if [[ -n $serve ]]; then
		largest=$(tr , '\n' <<<"$sizes" | sort -n | tail -n 1)
		echo "serve: edit to reload event at $largest pages..." >&2
		settle
		if ! GOCACHE=$gocache go test ./build/serve -run '^$' -bench 'EditToEvent/generated' -benchtime 1x \
			-args -pages "$largest" >"$tmp/serve.log" 2>&1; then
			echo "compare.sh: the serve benchmark failed" >&2
			tail -n 20 "$tmp/serve.log" >&2
			exit 1
		fi
		grep -E 'EditToEvent|first build' "$tmp/serve.log" >"$results/serve.txt" || true
		serve_result=$(cat "$results/serve.txt")
	fi
	if ((rss_only > 0)); then
		echo "generating $rss_only pages, for runbooks alone..." >&2
		"$tmp/gen" -n "$rss_only" -o "$tmp/tree-$rss_only" $repeat
		tar -cf - -C "$tmp" "tree-$rss_only" >/dev/null
		clean "$ours_out" "$tmp/.runbooks-prev-out-ours" "$XDG_CACHE_HOME"
		scale_run "$rss_only" runbooks cold "$ours_out" \
			"$tmp/runbooks" build --src "$tmp/tree-$rss_only" --out "$ours_out"
	fi
	hugo_name=
	[[ -z $use_hugo ]] || hugo_name=$(hugo version | awk '{ print $1, $2 }')
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
	echo
	echo "runbooks${hugo_name:+ vs $hugo_name}, generated trees${repeat:+ (-repeat)}, medians of $pairs alternating runs"
	echo "machine: $(nproc) CPUs${cpu:+, $cpu}, $(free -g | awk '/^Mem:/ { print $2 }') GB; $(go version | awk '{ print $3 }')"
	echo
	"$tmp/scale" -svg "$results/scale.svg" ${before_tsv:+-before "$before_tsv"} "$tsv"
	if [[ -n $serve_result ]]; then
		echo
		echo "serve, edit to reload event (medians of 20 edits; ms-to-event is the figure):"
		echo "$serve_result"
	fi
	cat <<EOF

commands (TREE is bench/gen -n PAGES${repeat:+ -repeat}; XDG_CACHE_HOME is a folder of the script's):
  runbooks cold: runbooks build --src TREE --out OUT    (OUT, its spare folder and XDG_CACHE_HOME removed first)
  runbooks warm: the same command again, nothing changed${use_hugo:+
  Hugo cold:     hugo --source bench/hugo --contentDir TREE --destination OUT --cacheDir CACHE --noBuildLock --quiet
                 (OUT, CACHE and bench/hugo/resources removed first)
  Hugo warm:     the same command again, nothing changed}${serve:+
  serve:         go test ./build/serve -run '^\$' -bench EditToEvent/generated -benchtime 1x -args -pages $largest}
every run: $tsv
plot:      $results/scale.svg
EOF
	exit 0
fi

"$tmp/gen" -n "$n" -o "$tmp/tree" $repeat
# Read the tree once so neither tool pays for a cold page cache.
tar -cf - -C "$tmp" tree >/dev/null

ours_cold=("$tmp/runbooks" build --src "$tmp/tree" --out "$tmp/out-ours" --no-cache)
hugo_cmd "$tmp/tree" "$tmp/out-hugo"
hugo_cold=("${hugo_build[@]}")
ours_warm=("$tmp/runbooks" build --src "$tmp/tree" --out "$tmp/out-warm")
ours_check=("$tmp/runbooks" check --src "$tmp/tree")
ours_small=("$tmp/runbooks" build --src runbooks --out "$tmp/small")
ours_small_cold=("$tmp/runbooks" build --src runbooks --out "$tmp/small" --no-cache)

for ((i = 1; i <= pairs; i++)); do
	echo "pair $i of $pairs..." >&2
	clean "$tmp/out-ours" "$tmp/.runbooks-prev-out-ours" "$XDG_CACHE_HOME"
	timed ours "${ours_cold[@]}"
	[[ -n $use_hugo ]] || continue
	clean "$tmp/out-hugo" "$tmp/hugo-cache" "$tmp/hugo-site/resources"
	timed hugo "${hugo_cold[@]}"
done

# edit appends a line to one page of the tree, a different one each time.
edits=0
edit() {
	local page
	page=$(find "$tmp/tree" -name 'page-*.md' | sort | sed -n "$((edits * 97 % n + 1))p")
	edits=$((edits + 1))
	printf '\nEdited %d.\n' "$edits" >>"$page"
}

echo "second builds and rebuilds..." >&2
for ((i = 1; i <= pairs; i++)); do
	clean "$tmp/out-warm" "$tmp/.runbooks-prev-out-warm" "$XDG_CACHE_HOME"
	timed fill "${ours_warm[@]}" # the first build: fills the caches; not reported
	settle
	timed warm "${ours_warm[@]}" # nothing changed
	edit
	settle
	timed edit1 "${ours_warm[@]}" # one page edited: no spare folder yet, so a whole tree is made
	edit
	settle
	timed edit2 "${ours_warm[@]}" # another page edited: the spare folder is rewritten
	clean "$tmp/out-warm" "$tmp/.runbooks-prev-out-warm"
	timed fresh "${ours_warm[@]}" # caches full, no output folder: a CI job restoring its cache
done

echo "check..." >&2
for ((i = 1; i <= pairs; i++)); do
	clean "$XDG_CACHE_HOME"
	timed check "${ours_check[@]}"
done

echo "runbooks/ tree..." >&2
for ((i = 1; i <= 10; i++)); do
	rm -rf "$tmp/small" "$tmp/.runbooks-prev-small"
	timed small_cold "${ours_small_cold[@]}"
	rm -rf "$tmp/small" "$tmp/.runbooks-prev-small"
	timed small "${ours_small[@]}"
done

# median LABEL FIELD prints the median of a column of $tmp/LABEL.times;
# FIELD "cpu" adds user and system time, "rss" gives peak RSS in MB.
median() {
	[[ -f $tmp/$1.times ]] || { printf -- -; return; }
	awk -v f="$2" '{
		if (f == "wall") v = $1; else if (f == "cpu") v = $2 + $3; else v = $4 / 1024
		print v
	}' "$tmp/$1.times" | sort -g | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f", m
	}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }

for l in ours hugo warm edit1 edit2 fresh check small_cold small; do
	for f in wall cpu rss; do
		printf -v "${l}_$f" '%s' "$(median "$l" "$f")"
	done
done

pages=$(find "$tmp/tree" -name '*.md' | wc -l)
mb=$(find "$tmp/tree" -name '*.md' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
cat <<EOF

runbooks vs $(if [[ -n $use_hugo ]]; then hugo version | awk '{ print $1, $2 }'; else echo "no Hugo"; fi) on $pages pages (${mb} MB${repeat:+, -repeat}), medians of $pairs alternating runs
machine: $(nproc) CPUs${cpu:+, $cpu}; $(go version | awk '{ print $3 }')

                                wall s    CPU s   peak RSS MB
(A) runbooks build --no-cache $(printf '%9s %8s %13s' "$ours_wall" "$ours_cpu" "$ours_rss")
(B) hugo                      $(printf '%9s %8s %13s' "$hugo_wall" "$hugo_cpu" "$hugo_rss")
    ratio A/B                 $(printf '%9s %8s %13s' "$(ratio "$ours_wall" "$hugo_wall")" "$(ratio "$ours_cpu" "$hugo_cpu")" "$(ratio "$ours_rss" "$hugo_rss")")

(C) runbooks, second build    $(printf '%9s %8s %13s' "$warm_wall" "$warm_cpu" "$warm_rss")   wall ratio to B: $(ratio "$warm_wall" "$hugo_wall")
(C1) one page edited          $(printf '%9s %8s %13s' "$edit1_wall" "$edit1_cpu" "$edit1_rss")   wall ratio to B: $(ratio "$edit1_wall" "$hugo_wall")
(C2) another page edited      $(printf '%9s %8s %13s' "$edit2_wall" "$edit2_cpu" "$edit2_rss")   wall ratio to B: $(ratio "$edit2_wall" "$hugo_wall")
(C3) caches, no output folder $(printf '%9s %8s %13s' "$fresh_wall" "$fresh_cpu" "$fresh_rss")   wall ratio to B: $(ratio "$fresh_wall" "$hugo_wall")
(D) runbooks check            $(printf '%9s %8s %13s' "$check_wall" "$check_cpu" "$check_rss")
(E) runbooks/ tree, no cache  $(printf '%9s %8s %13s' "$small_cold_wall" "$small_cold_cpu" "$small_cold_rss")
(E2) runbooks/ tree, caches   $(printf '%9s %8s %13s' "$small_wall" "$small_cpu" "$small_rss")

each cold run, in order (wall, user and system seconds):
  A: $(awk '{ printf "%s%s/%s/%s", (NR > 1 ? "  " : ""), $1, $2, $3 }' "$tmp/ours.times")
  B: $([[ -z $use_hugo ]] || awk '{ printf "%s%s/%s/%s", (NR > 1 ? "  " : ""), $1, $2, $3 }' "$tmp/hugo.times")

commands (TREE is the generated tree):
  A: runbooks build --src TREE --out OUT --no-cache            (OUT and the cache removed before each run)
  B: hugo --source bench/hugo --contentDir TREE --destination OUT --cacheDir CACHE --noBuildLock --quiet
                                                               (OUT and CACHE removed before each run)
  C: runbooks build --src TREE --out OUT                       (after a first build that fills the caches,
                                                               nothing changed)
  C1: the same, after one page was edited: the first build with a change
      makes a whole new folder tree, since there is no spare folder yet
  C2: the same, after another page was edited: the spare folder is rewritten
  C3: the same, with the output folder removed and the caches kept
  D: runbooks check --src TREE                                 (empty cache)
  E: runbooks build --src runbooks --out OUT --no-cache       (OUT removed before each of 10 runs)
  E2: runbooks build --src runbooks --out OUT                 (OUT removed before each of 10 runs, caches kept)
EOF
