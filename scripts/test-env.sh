#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the reference and peer tools the tests
# cross-check against (tshark, tcpdump, softflowd, argus, nfdump's nfcapd, pmacct) and the tools for the
# live-capture test.
# Idempotent and quick when everything is present. Needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
have tshark    || need+=(tshark)
have tcpdump   || need+=(tcpdump)
have softflowd || need+=(softflowd)
have argus     || need+=(argus-server)
have nfcapd    || need+=(nfdump)
have pmacctd   || need+=(pmacct)
have ethtool   || need+=(ethtool)
have ip        || need+=(iproute2)
have curl      || need+=(curl)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "test-env: missing ${need[*]} and not root: install them with apt-get, or the tests that need them are skipped" >&2
    exit 0
  fi
fi
echo "test-env: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
