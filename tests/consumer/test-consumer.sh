#!/bin/sh
# test-consumer.sh SOURCE_ROOT BUILD_ROOT: mlscope installed and used as an
# app outside it would (docs/integrating.md), printed as TAP.
#
# 1. `meson install --destdir` of the build into a clean folder: the
#    library, header, pkg-config file, commands, viewer with its .desktop
#    file and icon, man pages and docs are there, and the commands run.
# 2. tests/consumer built against that install through pkg-config (its
#    model converted, compiled and its interface generated at build time
#    by the installed mlrt-codegen), its test run, installed, moved and
#    run from the new place: the model is found beside the program.
# 3. The same project built with mlscope as its meson subproject.
set -u
src=$1
build=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mlrt-consumer-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

check () {
  what=$1
  shift
  n=$((n + 1))
  if "$@" > "$tmp/log" 2>&1; then
    echo "ok $n - $what"
  else
    echo "not ok $n - $what"
    sed 's/^/# /' "$tmp/log"
    failed=1
  fi
}

root=$tmp/root
check "meson install --destdir" \
  meson install -C "$build" --destdir "$root" --no-rebuild --quiet
prefix=$root/usr/local
pc=$(find "$root" -name mlrt.pc | head -n 1)
libdir=$(dirname "$(dirname "$pc")")
for f in bin/mlscope bin/mlscope-viewer bin/mlrt-report bin/mlrt-convert \
         bin/mlrt-info bin/mlrt-codegen bin/mlrt-encrypt \
         include/mlrt/mlrt.h \
         share/applications/org.mlscope.Viewer.desktop \
         share/icons/hicolor/scalable/apps/org.mlscope.Viewer.svg \
         share/man/man1/mlrt-info.1 share/man/man1/mlrt-codegen.1 \
         share/doc/mlscope/README.md share/doc/mlscope/integrating.md \
         share/doc/mlscope/info-json.md; do
  check "installed: $f" test -s "$prefix/$f"
done
check "installed: libmlrt.so, libmlrt.so.0, mlrt.pc" \
  test -e "$libdir/libmlrt.so" -a -e "$libdir/libmlrt.so.0" -a -s "$pc"
check "the .desktop file names the installed viewer" \
  grep -q '^Exec=mlscope-viewer' \
    "$prefix/share/applications/org.mlscope.Viewer.desktop"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$root"
export LD_LIBRARY_PATH="$libdir"
export PATH="$prefix/bin:$PATH"
unset MLRT_MODEL_PATH
check "installed mlrt-info and mlrt-codegen run" \
  sh -c 'mlrt-info --version && mlrt-codegen --version'

# 2. pkg-config
app=$tmp/pkgconfig-build
check "consumer: meson setup against the installed mlrt (pkg-config)" \
  sh -c "meson setup '$app' '$src/tests/consumer' \
           && grep -q 'mlrt found: YES' '$app/meson-logs/meson-log.txt'"
check "consumer: builds (model converted, compiled, interface generated)" \
  ninja -C "$app"
check "consumer: its test passes in the build tree" \
  meson test -C "$app" --no-rebuild
check "consumer: meson install --destdir" \
  meson install -C "$app" --destdir "$tmp/app" --no-rebuild --quiet
mv "$tmp/app" "$tmp/moved"
check "consumer: installed, moved, finds its model beside the program" \
  sh -c "'$tmp/moved/usr/local/bin/mlrt-consumer' --check \
           | grep -q '40 values in, 32 out'"
check "consumer: the compiled model is where it was installed" \
  test -s "$tmp/moved/usr/local/share/mlrt-consumer/linear.mlmodelc"

# 3. subproject: only the app's targets are built (not mlscope's tools and
# tests), and no installed mlrt is looked for.
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR LD_LIBRARY_PATH
sub=$tmp/sub
mkdir -p "$sub"
cp -r "$src/tests/consumer/." "$sub/"
ln -s "$src" "$sub/subprojects/mlrt"
check "consumer: meson setup with mlrt as a subproject" \
  sh -c "meson setup '$tmp/sub-build' '$sub' --force-fallback-for=mlrt \
           -Dmlrt:npm_dir=/nonexistent \
           && grep -q 'Dependency mlrt found: YES .*(overridden)' \
                '$tmp/sub-build/meson-logs/meson-log.txt'"
check "consumer: builds with the subproject's mlrt-codegen and libmlrt" \
  ninja -C "$tmp/sub-build" mlrt-consumer
check "consumer: its test passes (subproject)" \
  meson test -C "$tmp/sub-build" --no-rebuild --suite mlrt-consumer

echo "1..$n"
exit $failed
