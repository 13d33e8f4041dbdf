#!/usr/bin/env bash
# `npm run image`: builds the console image from the Dockerfile with buildah (chroot isolation:
# no daemon, no user namespaces needed). No image registry is reachable here, so the base is the
# local stand-in scripts/image-base.sh assembles from the project's own Node; set BASE_IMAGE
# (e.g. node:26-bookworm-slim) to build on a real base instead. Prints the image size.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/airlock:latest}
command -v buildah >/dev/null || { echo "image: buildah is not installed (apt-get install -y buildah)" >&2; exit 1; }
BASE_IMAGE=${BASE_IMAGE:-$(bash scripts/image-base.sh)}

# A chroot build's RUN steps get 1024 open files by default, and `npm ci` opens more than that
# at once in its cache (EMFILE): raise it to this shell's own hard limit (at most 65536).
NOFILE=$(ulimit -Hn)
if [ "$NOFILE" = unlimited ] || [ "$NOFILE" -gt 65536 ]; then NOFILE=65536; fi

echo "image: building $IMAGE on $BASE_IMAGE" >&2
# Docker format: the OCI image config has no HEALTHCHECK.
buildah bud --isolation chroot --ulimit "nofile=$NOFILE:$NOFILE" --format docker --layers --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" -f Dockerfile .
buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$IMAGE"
