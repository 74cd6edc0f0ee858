#!/bin/sh
# Installs what evacreg needs to build, test and run on Debian 12
# (bookworm). Run as root. Safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs="
	gcc libc6-dev meson ninja-build pkg-config python3
	libsqlite3-dev libspatialite-dev libsqlite3-mod-spatialite
	libproj-dev proj-data libxml2-dev libglib2.0-dev
	libcairo2-dev libpango1.0-dev fonts-noto-cjk libzip-dev libssl-dev
	libcmocka-dev
	libxml2-utils gdal-bin poppler-utils sqlite3
"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
