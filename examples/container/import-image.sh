#!/usr/bin/env bash
# Builds the sup image without any registry, as tests/images/build.sh builds the test images: a root filesystem
# holding the published sup and sup-daemon, the libraries they load and busybox-static (the /bin/sh and applets
# the pods use), imported as one layer. The repository's Dockerfile builds the same image where base images can be
# pulled (same paths, entrypoint and stop signal).
#
#   examples/container/import-image.sh PUBLISH_DIR TAG [ENGINE] [--label KEY=VALUE]...
#
#   PUBLISH_DIR  the output of `dotnet publish src/MiniKube.Sup.Cli -c Release -o PUBLISH_DIR`
#   ENGINE       podman (default) or docker
set -euo pipefail
umask 022
[ $# -ge 2 ] || { echo "usage: $0 PUBLISH_DIR TAG [podman|docker] [--label KEY=VALUE]..." >&2; exit 2; }
pub=$1 tag=$2; shift 2
engine=podman
if [ $# -gt 0 ] && [[ $1 != --* ]]; then engine=$1; shift; fi
labels=()
while [ $# -gt 0 ]; do
  [ "$1" = --label ] && [ $# -ge 2 ] || { echo "$0: unexpected argument $1" >&2; exit 2; }
  labels+=(--change "LABEL $2"); shift 2
done
here=$(cd "$(dirname "$0")" && pwd)
for f in sup sup-daemon libe_sqlite3.so; do
  [ -f "$pub/$f" ] || { echo "$0: $pub/$f is missing: publish with dotnet publish src/MiniKube.Sup.Cli -c Release -o $pub" >&2; exit 1; }
done
busybox=/bin/busybox
if ! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "$0: $busybox must be the static busybox (apt-get install busybox-static)" >&2; exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/sup,var/lib/sup,root,proc,sys,dev,run}
chmod 0700 "$root/root"
install -d -m 1777 "$root/tmp"
install -m 0755 "$pub/sup" "$pub/sup-daemon" "$root/usr/local/bin/"
install -m 0644 "$pub/libe_sqlite3.so" "$root/usr/local/bin/"
install -m 0755 "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf /bin/busybox "$root/bin/$applet"
done
# The libraries ldd names, and OpenSSL's, which .NET loads at run time for the API's TLS (ldd cannot see a dlopen).
ssl=$(ldconfig -p | awk '$1 ~ /^lib(ssl|crypto)\.so\.3$/ && /x86-64|64bit|AArch64/ { print $NF }' | sort -u)
[ -n "$ssl" ] || { echo "$0: libssl.so.3 not found (apt-get install libssl3)" >&2; exit 1; }
libs=$({ ldd "$pub/sup" "$pub/sup-daemon" "$pub/libe_sqlite3.so" $ssl | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }'
        printf '%s\n' $ssl; } | sort -u)
for lib in $libs; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
install -m 0644 "$here/supervisor.yaml" "$root/etc/sup/supervisor.yaml"

# sup is the container's init (PID 1): it reaps every orphan, and SIGTERM (podman stop) is its orderly stop.
tar -C "$root" -c . | "$engine" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'WORKDIR /' \
  --change 'STOPSIGNAL SIGTERM' \
  --change 'ENTRYPOINT ["/usr/local/bin/sup", "run", "--state-dir", "/var/lib/sup"]' \
  --change 'CMD ["-f", "/etc/sup/supervisor.yaml"]' \
  "${labels[@]}" - "$tag" >/dev/null
echo "$tag"
