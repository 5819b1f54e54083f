#!/bin/bash
# test-debian.sh SOURCE_DIR: the Debian packages as a user gets them. Builds
# them with dpkg-buildpackage in a temporary copy of the source, checks that
# lintian finds no error, unpacks them into a scratch root, and runs what
# they install: mlscope --version, a man page, and mlscope record of an
# example app, all from the scratch root alone. TAP output.
set -u
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 failed=0
check () {           # NAME COMMAND...: one TAP line
  n=$((n + 1))
  if "${@:2}" > "$work/out" 2>&1; then
    echo "ok $n $1"
  else
    echo "not ok $n $1"; sed 's/^/# /' "$work/out" | tail -40; failed=1
  fi
}

mkdir "$work/src"
if git -C "$src" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  (cd "$src" && git ls-files -co --exclude-standard -z \
     | xargs -0 cp --parents -t "$work/src")
else
  (cd "$src" && tar --exclude='./build*' --exclude='./obj-*' -cf - .) \
    | tar -xf - -C "$work/src"
fi

build () { cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
           dpkg-buildpackage -us -uc -b; }
check "dpkg-buildpackage -b builds the packages" build
check "lintian finds no error" lintian --fail-on error --no-tag-display-limit \
  "$work"/mlscope_*.changes
unpack () { for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root" || return 1; done; }
check "the packages unpack" unpack

root=$work/root
export LD_LIBRARY_PATH=$(dirname "$(find "$root" -name 'libmlrt.so.0' | head -1)")
export MLRT_MODELS_DIR=$root/usr/share/mlrt/models
export MLRT_CACHE_DIR=$work/cache
check "mlscope --version" "$root/usr/bin/mlscope" --version
check "man -l mlscope-record.1" sh -c "man -l '$root/usr/share/man/man1/mlscope-record.1.gz' | grep -q 'record an app that uses mlrt'"
record () {
  "$root/usr/bin/mlscope" record -q -o "$work/rec.mlscope" -- \
    "$root/usr/bin/style-demo" --styles 1 --frames 3 --compute-units cpu-only \
  && "$root/usr/bin/mlscope" stats "$work/rec.mlscope" --format csv \
     | grep -q '^Prediction,3,'
}
check "mlscope record -- style-demo from the installed files" record
echo "1..$n"
exit $failed
