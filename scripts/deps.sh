#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, with apt-get, the Debian 12 packages that building and testing vigil need.
# Silent and offline when everything is already there, so `make test` can always call it.
set -euo pipefail

# Build: compilers, BPF toolchain, the libraries the CLI and preload link against.
# Tests: the real programs the integration tests run under vigil (python3, git, bash,
# coreutils), the tools the scripts use (nm, pgrep, sed), and the TLS libraries the
# tls-verify-disabled cases link against (OpenSSL, libcurl); chromium loads the HTML
# report in tests/integration/html_chromium.py; promtool (package prometheus) checks
# the --metrics files in tests/integration/live.py; libc6-dbg names the C library's
# internal frames, which finding ids and the golden reports include.
packages=(
	build-essential make binutils pkg-config
	clang llvm libbpf-dev bpftool
	libunwind-dev libdw-dev libelf-dev zlib1g-dev libjansson-dev
	libcriterion-dev
	python3 git bash coreutils sed grep findutils procps
	libssl-dev libcurl4-openssl-dev
	libc6-dbg
	chromium
	prometheus
)

# node and npm: tests/integration/sarif.py runs Microsoft's SARIF multitool with npx.
# Judged by the command: NodeSource's nodejs bundles npm, and Debian's npm package
# conflicts with it.
if ! command -v npx >/dev/null 2>&1; then
	packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" ok installed") ;;
	*) missing+=("$p") ;;
	esac
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "vigil: error: missing packages: ${missing[*]} (run 'sudo scripts/deps.sh' or install them with apt-get)" >&2
	exit 2
fi

echo "vigil: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
