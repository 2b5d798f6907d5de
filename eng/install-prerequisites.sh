#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK and Node: Debian's chromium, postgresql and redis-server, clang and zlib for the
# native AOT publish, and the npm packages of every package.json in the repository. Safe to run again: it installs
# only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# tests/TypedSse.Redis.Tests starts its own redis-server on a free port in a temp folder.
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The native AOT linker driver and the zlib it links against (tests/TypedSse.App.Tests publishes with PublishAot).
command -v clang >/dev/null 2>&1 || missing+=(clang)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  # The PostgreSQL tests start their own throwaway server; Debian need not create and start a default cluster.
  as_root mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || echo 'create_main_cluster = false' | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  echo "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian enables a default cluster on install; the tests start their own servers, so keep it from holding resources.
if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h 2>/dev/null | grep -q online; then
  pg_lsclusters -h | awk '$4 == "online" { print $1, $2 }' | while read -r version name; do as_root pg_ctlcluster "$version" "$name" stop || true; done
fi
# Likewise Debian's redis-server service, where a service manager started it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  as_root systemctl stop redis-server || true
fi

while IFS= read -r manifest; do
  dir=$(dirname "$manifest")
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done < <(git ls-files '*package.json' | grep -v node_modules)
