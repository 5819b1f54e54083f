#!/bin/bash
# check-pkgconfig.sh: an app built with `pkg-config mlrt` (the build's
# uninstalled .pc file, which has the same Cflags as the installed one
# plus the build folders) sees mlrt.h and links libmlrt, and sees none of
# the runtime's private headers. TAP output.
# Usage: check-pkgconfig.sh BUILD_ROOT CC [FLAGS] (FLAGS: the sanitizers
# libmlrt was built with, which its app must be built with too)
set -u
export PKG_CONFIG_PATH="$1/meson-uninstalled"
cc="$2 ${3:-}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 failed=0
check () {           # NAME COMMAND...
  n=$((n + 1))
  if "${@:2}" >"$dir/log" 2>&1; then echo "ok $n $1"
  else echo "not ok $n $1"; sed 's/^/# /' "$dir/log"; failed=1; fi
}

cflags=$(pkg-config --cflags mlrt) libs=$(pkg-config --libs mlrt)
echo "# Cflags: $cflags"
check cflags-public-only bash -c "[[ '$cflags' != *runtime/src* && '$cflags' != *tracer* ]]"

cat >"$dir/app.c" <<'C'
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <string.h>
int
main (void)
{
  const char *name = mlrt_feature_type_name (MLRT_TYPE_FLOAT16);
  printf ("%s\n", name);
  return strcmp (name, "float16") != 0;
}
C
check app-builds $cc $cflags -o "$dir/app" "$dir/app.c" $libs
libdir=$(pkg-config --variable=prefix mlrt)/runtime
check app-runs env LD_LIBRARY_PATH="$libdir" "$dir/app"

printf '#include "mlrt-internal.h"\nint x;\n' >"$dir/private.c"
check private-header-hidden bash -c "! $cc $cflags -c -o /dev/null $dir/private.c"
echo "1..$n"
exit $failed
