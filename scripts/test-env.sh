#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the reference and peer tools the tests
# cross-check against (tshark, tcpdump, softflowd, argus, nfdump's nfcapd, pmacct), the tools for the
# live-capture test, and the database servers the store tests use (ClickHouse: the tests start their own
# private servers; MariaDB: the machine's server on 127.0.0.1:3306, started here when it does not answer),
# and the real consumers of the diagram exports (Graphviz, NetworkX, Chromium for Mermaid and screenshots).
# Idempotent and quick when everything is present. Needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
# One rule for "installed", the same as the tests' (src/testing/tools.ts): on PATH. Outside root's
# PATH, add /usr/sbin (softflowd, pmacctd, mariadbd live there on Debian).
have() { command -v "$1" >/dev/null 2>&1; }
have tshark    || need+=(tshark)
have tcpdump   || need+=(tcpdump)
have softflowd || need+=(softflowd)
have argus     || need+=(argus-server)
have nfcapd    || need+=(nfdump)
have pmacctd   || need+=(pmacct)
have ethtool   || need+=(ethtool)
have ip        || need+=(iproute2)
have setpriv   || need+=(util-linux)
have curl      || need+=(curl)
have nc        || need+=(netcat-openbsd)
have clickhouse-server || need+=(clickhouse-server)
have mariadbd  || need+=(mariadb-server)
have dot       || need+=(graphviz)
have chromium  || need+=(chromium)
python3 -c 'import networkx' >/dev/null 2>&1 || need+=(python3-networkx)

# The tests use MariaDB on 127.0.0.1:3306 as root without a password: start it when it does not
# answer, and on a fresh install (root by unix socket only) allow that login from localhost too.
start_mariadb() {
  have mariadbd || return 0
  if ! (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; then
    $SUDO start-stop-daemon --start --oknodo --background --exec "$(command -v mariadbd)" >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null && break; sleep 0.5; done
  fi
  if command -v mariadb >/dev/null 2>&1 && ! mariadb -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1; then
    $SUDO mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" >/dev/null 2>&1 || true
  fi
}

SUDO=""
if [ ${#need[@]} -eq 0 ]; then
  start_mariadb
  exit 0
fi

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
start_mariadb
