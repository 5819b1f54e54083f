#!/bin/sh
# install-models.sh BUILD_DIR DATA_SUBDIR: copies the generated example
# model packages (BUILD_DIR/*.mlpackage) to $MESON_INSTALL_DESTDIR_PREFIX/
# DATA_SUBDIR at `meson install` (DESTDIR honoured).
set -eu
dest="${MESON_INSTALL_DESTDIR_PREFIX:?run by meson install}/$2"
mkdir -p "$dest"
for package in "$1"/*.mlpackage; do
  rm -rf "$dest/$(basename "$package")"
  cp -r "$package" "$dest/"
done
chmod -R u=rwX,go=rX "$dest"
