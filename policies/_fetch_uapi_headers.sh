#!/usr/bin/env bash
# Fetches the Linux UAPI headers the syscall tables are generated from (Debian's linux-libc-dev,
# which carries the asm headers of every architecture) into .cache/uapi-headers/<version>/ and
# prints the include root (.cache/uapi-headers/<version>/usr/include) on standard output.
#
# Usage: bash policies/_fetch_uapi_headers.sh [VERSION]
#   VERSION  the linux-libc-dev version (default below, or $CORDON_UAPI_VERSION)
#
# The system's apt configuration is left alone: a private sources list, package lists and cache
# live under .cache/uapi-headers/apt/ (Debian's archive keys still verify the lists, and apt
# verifies the package against them). Idempotent: an extracted version is reused; the package lists
# are only refreshed when they do not offer the version. Then:
#   ./deno task gen:syscalls --headers "$(bash policies/_fetch_uapi_headers.sh)"
set -euo pipefail

VERSION="${1:-${CORDON_UAPI_VERSION:-7.3.4-1~bpo13+1}}"
PACKAGE=linux-libc-dev
SOURCES=(
  "deb http://deb.debian.org/debian trixie-backports main"
  "deb http://deb.debian.org/debian trixie main"
)

say() { echo "fetch-uapi-headers: $*" >&2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache/uapi-headers"
dest="$cache/$VERSION"
include="$dest/usr/include"

# The file the generator reads the package name and version from; written last, so its presence
# means a complete extraction.
if [ -f "$dest/package" ] && [ -f "$include/x86_64-linux-gnu/asm/unistd_64.h" ]; then
  echo "$include"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb; do
  command -v "$tool" >/dev/null || { say "$tool is required (Debian or Ubuntu)"; exit 1; }
done

apt="$cache/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
printf '%s\n' "${SOURCES[@]}" >"$apt/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$apt/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt/lists"
  -o "Dir::Cache=$apt/cache"
)

offered() {
  apt-cache "${APT_OPTS[@]}" madison "$PACKAGE" 2>/dev/null |
    awk -F'|' -v v="$VERSION" '{ gsub(/ /, "", $2) } $2 == v { found = 1 } END { exit !found }'
}
if ! offered; then
  say "updating the private package lists ($apt)"
  apt-get "${APT_OPTS[@]}" -qq update >&2 || { say "apt-get update failed"; exit 1; }
  offered || { say "$PACKAGE $VERSION is not offered by: ${SOURCES[*]}"; exit 1; }
fi

work="$(mktemp -d "$cache/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
say "downloading $PACKAGE $VERSION"
# As root, apt would hand the download to its _apt user, which cannot write to this directory.
sandbox=()
[ "$(id -u)" = "0" ] && sandbox=(-o APT::Sandbox::User=root)
(cd "$work" && apt-get "${APT_OPTS[@]}" "${sandbox[@]}" -qq download "$PACKAGE=$VERSION" >&2) || {
  say "apt-get download failed"
  exit 1
}
deb="$(ls "$work"/*.deb)"
mkdir "$work/root"
dpkg-deb -x "$deb" "$work/root"
[ -f "$work/root/usr/include/x86_64-linux-gnu/asm/unistd_64.h" ] || {
  say "$PACKAGE $VERSION lacks x86_64-linux-gnu/asm/unistd_64.h (only trixie and later carry every architecture)"
  exit 1
}
echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >"$work/root/package"
rm -rf "$dest"
mv "$work/root" "$dest"
echo "$include"
