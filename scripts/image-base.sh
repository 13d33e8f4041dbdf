#!/usr/bin/env bash
# Assembles a local stand-in for the official node image when no image registry is reachable:
# `buildah from scratch`, then the project's own Node.js (node_modules/.bin/node's target), the
# machine's npm, /bin/sh and /usr/bin/env (npm's lifecycle scripts need them), every shared library
# those load (ldd), the machine's CA certificates (trusted by Node too, as on the machine) and a passwd naming the non-root user (uid 1000, `node`, as in
# the official image). Prints the image name. Only `npm run image` uses it; a real build uses
# the Dockerfile's BASE_IMAGE unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=${1:-localhost/airlock-node-base:local}
NODE_BIN=$(readlink -f node_modules/.bin/node)
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[ -x "$NODE_BIN" ] || { echo "image-base: no node at node_modules/.bin/node (run npm ci)" >&2; exit 1; }
[ -f "$NPM_DIR/bin/npm-cli.js" ] || { echo "image-base: npm not found next to $(command -v npm)" >&2; exit 1; }

ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
root=$(buildah mount "$ctr")
# Merged /usr, as Debian lays it out: /lib, /lib64 and /bin are links into /usr.
mkdir -p "$root/usr/lib" "$root/usr/lib64" "$root/usr/bin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s usr/bin "$root/bin"

copy_with_libs() { # copy an executable and every library ldd names, at the same paths
  local bin=$1 dest=$2
  install -D -m 0755 "$bin" "$root$dest"
  ldd "$bin" | grep -oE '/[^ ]+' | while read -r lib; do
    [ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
}
# The C and C++ runtimes whole, as in any Debian base: native addons (better-sqlite3,
# lightningcss, Tailwind's oxide) load libraries node itself does not (librt, …).
for pkg in libc6 libgcc-s1 libstdc++6 libatomic1; do
  dpkg -L "$pkg" | grep -E '/lib[^/]*/.*\.so(\.[0-9.]+)?$' | while read -r lib; do
    [ -e "$lib" ] || continue
    dir=$(readlink -f "$(dirname "$lib")")
    mkdir -p "$root$dir"
    cp -a "$lib" "$root$dir/"
  done
done
copy_with_libs "$NODE_BIN" /usr/local/bin/node
copy_with_libs "$(readlink -f /bin/sh)" /bin/sh
copy_with_libs "$(readlink -f /usr/bin/env)" /usr/bin/env

mkdir -p "$root/usr/local/lib/node_modules" "$root/etc/ssl/certs" "$root/tmp" "$root/root" "$root/home/node"
cp -a "$NPM_DIR" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chmod 1777 "$root/tmp"
chown 1000:1000 "$root/home/node"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
# npm reads ldd (it does not run it) to tell glibc from musl; without it, it skips the
# glibc-only optional packages (lightningcss, Next's SWC) and the build fails.
install -D -m 0755 /usr/bin/ldd "$root/usr/bin/ldd"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

buildah config --env PATH=/usr/local/bin:/usr/bin:/bin --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --env NODE_VERSION="$("$NODE_BIN" --version)" \
  --label org.opencontainers.image.description="local stand-in for the official node image (scripts/image-base.sh)" "$ctr"
buildah unmount "$ctr" >/dev/null
buildah commit --quiet --rm "$ctr" "$NAME" >/dev/null
trap - EXIT
echo "$NAME"
