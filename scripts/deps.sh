#!/bin/sh
# Installs the Debian packages bulkhead needs, if missing.
#   scripts/deps.sh               build, run and test (make deps, make check)
#   scripts/deps.sh --run         only what building and running need
#                                 (make run)
#   scripts/deps.sh --check-only  exit 1 if anything of the first set is
#                                 missing
# apt-get, through sudo when not root.
set -eu

# Build: compiler, libraries each role links.  jansson is the JSON library
# (JSON-lines mode, nodes lists); libqrencode draws Tox IDs as QR codes;
# libedit (BSD licence) is the prompt's line editor.
BUILD="build-essential pkg-config libsodium-dev libseccomp-dev libopus-dev
libvpx-dev libcurl4-openssl-dev libjansson-dev libqrencode-dev libedit-dev"
# Tests: cmocka, clang for libFuzzer, libtoxcore and its daemons for
# interop (test-only: the product never links libtoxcore), mandoc to lint
# the man pages, iproute2 for network namespaces, microsocks (SOCKS5) and
# tinyproxy (HTTP CONNECT) for the proxy handshake tests, nftables (and
# util-linux's nsenter) for the Tor-mode test's counters of what leaves.
TEST="libcmocka-dev clang libclang-rt-14-dev libtoxcore-dev toxcore-utils
mandoc iproute2 procps microsocks tinyproxy nftables util-linux bash"

want="$BUILD $TEST"
[ "${1:-}" = "--run" ] && want="$BUILD"
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "${1:-}" = "--check-only" ]; then
	echo "missing packages:$missing" >&2
	exit 1
fi
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
