#!/usr/bin/env bash
# compare.sh builds the same generated runbook tree with runbooks and with
# Hugo, alternating the two, and prints median wall time, CPU time and peak
# memory side by side. See bench/README.md for what each figure means.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/compare.sh [-n PAGES] [-pairs N] [-repeat] [-bin PATH]

  -n PAGES   runbooks to generate (default 10000)
  -pairs N   timed runbooks/Hugo pairs, run alternately (default 3)
  -repeat    generate the tree with shared code blocks (bench/gen -repeat)
  -bin PATH  time this runbooks binary instead of building ./cmd/runbooks

Installs Debian's hugo and time packages if they are missing (needs root).
EOF
}

n=10000
pairs=3
repeat=
bin=
while (($#)); do
	case $1 in
	-n) n=${2:?-n needs a number}; shift 2 ;;
	-pairs) pairs=${2:?-pairs needs a number}; shift 2 ;;
	-repeat) repeat=-repeat; shift ;;
	-bin) bin=${2:?-bin needs a path}; shift 2 ;;
	-h | -help | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[[ $n =~ ^[1-9][0-9]*$ && $pairs =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# apt_install PACKAGE installs a Debian package, or explains how when not root.
apt_install() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "compare.sh: $1 is not installed; run 'sudo apt-get install -y $1' (installing needs root)" >&2
		exit 1
	fi
	echo "installing Debian package $1..." >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2 ||
		{ apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2; }
}
command -v hugo >/dev/null || apt_install hugo
[[ -x /usr/bin/time ]] || apt_install time

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runbooks-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Our tool's persistent cache lives here, never in the user's cache.
export XDG_CACHE_HOME="$tmp/xdg-cache"

if [[ -n $bin ]]; then
	cp "$bin" "$tmp/runbooks"
elif ! go build -o "$tmp/runbooks" ./cmd/runbooks; then
	echo "compare.sh: ./cmd/runbooks does not build" >&2
	exit 1
fi
go build -o "$tmp/gen" ./bench/gen
"$tmp/gen" -n "$n" -o "$tmp/tree" $repeat
# Hugo writes resources/ and lock files into its site folder: use a copy.
cp -r bench/hugo "$tmp/hugo-site"
# Read the tree once so neither tool pays for a cold page cache.
tar -cf - -C "$tmp" tree >/dev/null

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

ours_cold=("$tmp/runbooks" build --src "$tmp/tree" --out "$tmp/out-ours" --no-cache)
hugo_cold=(hugo --source "$tmp/hugo-site" --contentDir "$tmp/tree" --destination "$tmp/out-hugo"
	--cacheDir "$tmp/hugo-cache" --noBuildLock --quiet)
ours_warm=("$tmp/runbooks" build --src "$tmp/tree" --out "$tmp/out-warm")
ours_check=("$tmp/runbooks" check --src "$tmp/tree")
ours_small=("$tmp/runbooks" build --src runbooks --out "$tmp/small")

# clean PATH... removes what an earlier run left, then waits for the disk to
# take the removal in, so that neither tool pays for the other's deletes.
clean() {
	rm -rf "$@"
	sync
}

for ((i = 1; i <= pairs; i++)); do
	echo "pair $i of $pairs..." >&2
	clean "$tmp/out-ours" "$tmp/.runbooks-prev-out-ours" "$XDG_CACHE_HOME"
	timed ours "${ours_cold[@]}"
	clean "$tmp/out-hugo" "$tmp/hugo-cache" "$tmp/hugo-site/resources"
	timed hugo "${hugo_cold[@]}"
done

echo "second builds and rebuilds..." >&2
for ((i = 1; i <= pairs; i++)); do
	clean "$tmp/out-warm" "$tmp/.runbooks-prev-out-warm" "$XDG_CACHE_HOME"
	timed fill "${ours_warm[@]}" # the first build: fills the caches; not reported
	sync
	timed warm "${ours_warm[@]}"    # the second: caches full, a new output folder to write
	sync
	timed rebuild "${ours_warm[@]}" # the third: the spare folder is there to rewrite
done

echo "check..." >&2
for ((i = 1; i <= pairs; i++)); do
	rm -rf "$XDG_CACHE_HOME"
	timed check "${ours_check[@]}"
done

echo "runbooks/ tree..." >&2
for ((i = 1; i <= 10; i++)); do
	timed small "${ours_small[@]}"
done

# median LABEL FIELD prints the median of a column of $tmp/LABEL.times;
# FIELD "cpu" adds user and system time, "rss" gives peak RSS in MB.
median() {
	awk -v f="$2" '{
		if (f == "wall") v = $1; else if (f == "cpu") v = $2 + $3; else v = $4 / 1024
		print v
	}' "$tmp/$1.times" | sort -g | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f", m
	}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

for l in ours hugo warm rebuild check small; do
	for f in wall cpu rss; do
		printf -v "${l}_$f" '%s' "$(median "$l" "$f")"
	done
done

pages=$(find "$tmp/tree" -name '*.md' | wc -l)
mb=$(find "$tmp/tree" -name '*.md' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
cat <<EOF

runbooks vs $(hugo version | awk '{ print $1, $2 }') on $pages pages (${mb} MB${repeat:+, -repeat}), medians of $pairs alternating runs
machine: $(nproc) CPUs${cpu:+, $cpu}; $(go version | awk '{ print $3 }')

                                wall s    CPU s   peak RSS MB
(A) runbooks build --no-cache $(printf '%9s %8s %13s' "$ours_wall" "$ours_cpu" "$ours_rss")
(B) hugo                      $(printf '%9s %8s %13s' "$hugo_wall" "$hugo_cpu" "$hugo_rss")
    ratio A/B                 $(printf '%9s %8s %13s' "$(ratio "$ours_wall" "$hugo_wall")" "$(ratio "$ours_cpu" "$hugo_cpu")" "$(ratio "$ours_rss" "$hugo_rss")")

(C) runbooks, second build    $(printf '%9s %8s %13s' "$warm_wall" "$warm_cpu" "$warm_rss")   wall ratio to B: $(ratio "$warm_wall" "$hugo_wall")
(C') runbooks, third build     $(printf '%9s %8s %13s' "$rebuild_wall" "$rebuild_cpu" "$rebuild_rss")   wall ratio to B: $(ratio "$rebuild_wall" "$hugo_wall")
(D) runbooks check            $(printf '%9s %8s %13s' "$check_wall" "$check_cpu" "$check_rss")
(E) runbooks/ tree, 10 runs   $(printf '%9s %8s %13s' "$small_wall" "$small_cpu" "$small_rss")

commands (TREE is the generated tree):
  A: runbooks build --src TREE --out OUT --no-cache            (OUT and the cache removed before each run)
  B: hugo --source bench/hugo --contentDir TREE --destination OUT --cacheDir CACHE --noBuildLock --quiet
                                                               (OUT and CACHE removed before each run)
  C: runbooks build --src TREE --out OUT                       (the second of three builds with nothing
                                                               changed: the first fills the caches)
  C': the third of those builds, which rewrites the spare folder the second left
  D: runbooks check --src TREE                                 (empty cache)
  E: runbooks build --src runbooks --out OUT
EOF
