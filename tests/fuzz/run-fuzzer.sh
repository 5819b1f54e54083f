#!/bin/sh
# run-fuzzer.sh HARNESS SEED_CORPUS WORK_DIR fresh|keep [LIBFUZZER_FLAG...]:
# one run of a fuzz harness, as `meson test --suite fuzz` (a short run
# with a fixed seed, from the seeds alone: `fresh`) and `meson test
# --benchmark --suite fuzz` (a long one that keeps what earlier runs
# found: `keep`) start it. New inputs go to WORK_DIR/corpus (libFuzzer
# writes to the first corpus directory it is given), never to the seed
# corpus; an input that crashes the harness is kept in WORK_DIR/artifacts/
# and named on stderr. The same command line runs the libFuzzer build
# (clang) and the replay driver of a GCC build (fuzz-replay.c), which
# ignores the flags it does not know.
set -u
harness=$1 seeds=$2 work=$3 mode=$4
shift 4
[ "$mode" = keep ] || rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
"$harness" -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
status=$?
if [ $status -ne 0 ]; then
  echo "run-fuzzer: $harness failed ($status); the inputs that crashed it:" >&2
  ls -1 "$work/artifacts/" >&2
fi
exit $status
