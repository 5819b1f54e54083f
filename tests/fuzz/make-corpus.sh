#!/bin/sh
# make-corpus.sh OUTDIR STAMP SEEDS_MODELS SEEDS_CTF [ONNX_NODE_TESTS_DIR]:
# writes the fuzzers' seed corpora at build time, one directory per
# harness under OUTDIR: the generators' tiny models (package/, compiled/)
# and synthetic CTF traces (ctf/), and the model.onnx files of Debian's
# libonnx-testdata (onnx/) when that directory exists. Nothing is
# downloaded and nothing is kept in the source tree.
set -eu
out=$1 stamp=$2 seeds_models=$3 seeds_ctf=$4 onnx_tests=${5:-}
rm -rf "$out"
mkdir -p "$out/onnx"
"$seeds_models" "$out"
rm -rf "$out/src"
"$seeds_ctf" "$out/ctf"
if [ -n "$onnx_tests" ] && [ -d "$onnx_tests" ]; then
  for model in "$onnx_tests"/*/model.onnx; do
    [ -f "$model" ] || continue
    test_dir=${model%/model.onnx}
    cp "$model" "$out/onnx/${test_dir##*/}.onnx"
  done
fi
touch "$stamp"
