#!/usr/bin/env bash
# Prepares this machine for Cordon's kernel features and tests, idempotently:
# Debian packages, and the bpf/tracefs/securityfs/cgroup2 mounts a fresh machine lacks.
# Safe to run again; does nothing that is already done. Without root it only reports.
set -uo pipefail

# libbpf1/libbpf-dev: the runtime our FFI binds and the headers bpf/*.bpf.c build with;
# clang/llvm/bpftool: build the BPF programs; bpftrace: the bpftrace dialect and comparisons;
# libseccomp: test oracle; strace: traces and comparisons; gcc/libc6-dev/linux-libc-dev: probe
# programs and UAPI headers for table cross-checks; linux-libc-dev-arm64-cross: aarch64 headers;
# runc: runs a container with an exported OCI profile; prometheus: promtool checks /metrics;
# chromium: headless browser the playground and HTML report tests drive (tests/browser/);
# nodejs: runs the GitHub Action's bundle (tests/action_test.ts).
PACKAGES=(
  libbpf1 libbpf-dev clang llvm bpftool bpftrace libseccomp2 libseccomp-dev strace
  gcc libc6-dev linux-libc-dev linux-libc-dev-arm64-cross runc prometheus chromium nodejs
)

say() { echo "setup: $*" >&2; }

if [ "$(uname -s)" != "Linux" ]; then say "not Linux; nothing to do"; exit 0; fi
if [ "$(id -u)" != "0" ]; then say "not root; skipping packages and mounts (kernel tests will skip)"; exit 0; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || say "apt-get update failed"
  apt-get install -y -qq "${missing[@]}" >/dev/null || { say "apt-get install failed"; exit 1; }
fi

# The exact UAPI headers the syscall tables were generated from (a Debian package unpacked into
# .cache, the system's apt configuration untouched), for the tables' exact cross-check. Not fatal:
# without them that check is skipped and the check against the installed headers still runs.
bash "$(dirname "$0")/../policies/_fetch_uapi_headers.sh" >/dev/null ||
  say "could not fetch the UAPI headers the syscall tables came from; their exact cross-check is skipped"

mounted() { awk -v d="$1" '$2 == d { found = 1 } END { exit !found }' /proc/mounts; }
ensure_mount() { # type dir
  mkdir -p "$2" 2>/dev/null
  mounted "$2" || mount -t "$1" "$1" "$2" || say "could not mount $1 at $2"
}
ensure_mount bpf /sys/fs/bpf
ensure_mount tracefs /sys/kernel/tracing
ensure_mount securityfs /sys/kernel/security
if ! awk '$3 == "cgroup2" { found = 1 } END { exit !found }' /proc/mounts; then
  if mounted /sys/fs/cgroup; then ensure_mount cgroup2 /sys/fs/cgroup/unified; else ensure_mount cgroup2 /sys/fs/cgroup; fi
fi
exit 0
