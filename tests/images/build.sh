#!/usr/bin/env bash
# Builds the container images the tests and the Kubernetes documentation's examples use, from this host's Debian
# packages, without any registry: each image is a root filesystem imported as one layer (`ENGINE import` takes the
# same tar for podman and docker) and tagged with the names manifests use, fully qualified as the engines resolve
# them (`busybox` is docker.io/library/busybox:latest).
#
#   tests/images/build.sh ENGINE     ENGINE: podman or docker (docker: the one DOCKER_HOST names)
#
#   busybox   Debian's busybox-static with its applets, root and nobody, /tmp 1777; CMD ["sh"]
#   nginx     Debian's nginx and the libraries it links, laid out as the official image (welcome page on port 80,
#             conf.d, logs to stdout/stderr), busybox for exec probes; `nginx -g 'daemon off;'`, STOPSIGNAL SIGQUIT
#   apache2   Debian's apache2 (prefork: a root master and 6 www-data workers), the modules apache2.conf loads and the
#             libraries they all link, busybox for exec probes; `apache2 -DFOREGROUND` on port 80 (localhost/apache2)
#   mariadb   Debian's mariadb-server and client: mariadbd, mariadb-install-db (a shell script: busybox runs it) and the
#             tools it calls, the mariadb, mariadb-admin and mariadb-dump clients, the libraries they all link, the SQL
#             and English messages and charsets of /usr/share/mysql, a my.cnf (datadir /var/lib/mysql, socket
#             /run/mysqld/mysqld.sock, user mysql, every address); `mariadbd` on port 3306 (localhost/mariadb)
#   agnhost   a stand-in for registry.k8s.io/e2e-test-images/agnhost: busybox and a shell `liveness` server (agnhost/)
#   pause     docker only: localhost/sup-pause, the container that holds each pod's network namespace under docker
#             (busybox sleeping until SIGTERM; podman has pods and builds its own infra image)
#
# Idempotent and fast when up to date: an image is built and imported again only when what it is made of changed
# (this script, the files beside it, the host's busybox, nginx, apache2 and mariadb, their libraries and files, the
# image's configuration: their hash is the image's label sup.test-image.hash) or one of its tags is missing or points
# elsewhere.
# Every image is labelled sup.test-image=NAME; earlier builds of ours that no tag names any more are removed.
set -euo pipefail
umask 022

engine=${1:-}
case "$engine" in
  podman|docker) ;;
  *) echo "usage: $0 podman|docker" >&2; exit 2 ;;
esac
command -v "$engine" >/dev/null || { echo "images: $engine is not installed" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

# Two test runs may build at once (the test projects run in parallel): one at a time.
exec 9>"${TMPDIR:-/tmp}/sup-test-images-$engine-$(id -u).lock"
flock 9

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hash_label=sup.test-image.hash
path_env='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

busybox=/bin/busybox
if ! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "images: $busybox must be the static busybox (apt-get install busybox-static)" >&2; exit 1
fi
nginx=/usr/sbin/nginx
[ -x "$nginx" ] || { echo "images: $nginx is missing (apt-get install nginx)" >&2; exit 1; }

apache2=/usr/sbin/apache2
[ -x "$apache2" ] || { echo "images: $apache2 is missing (apt-get install apache2)" >&2; exit 1; }

mariadb_bins=(/usr/sbin/mariadbd /usr/bin/my_print_defaults /usr/bin/resolveip /usr/bin/mariadb /usr/bin/mariadb-admin /usr/bin/mariadb-dump)
for file in "${mariadb_bins[@]}" /usr/bin/mariadb-install-db; do
  [ -x "$file" ] || { echo "images: $file is missing (apt-get install mariadb-server mariadb-client)" >&2; exit 1; }
done

# The shared libraries an executable or module links (absolute paths, the loader included).
libraries() { local f; for f; do ldd "$f"; done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u; }

nginx_libs=$(libraries "$nginx")
nginx_files=(/etc/nginx/{mime.types,fastcgi_params,scgi_params,uwsgi_params} /usr/share/nginx/html/index.html)
# Only the modules the image's apache2.conf loads, and what they and apache2 link.
apache2_modules=$(sed -n 's/^LoadModule [^ ]* //p' "$here/apache2/apache2.conf")
apache2_libs=$(libraries "$apache2" $apache2_modules)
mariadb_libs=$(libraries "${mariadb_bins[@]}")
# What mariadb-install-db and mariadbd read: the system tables' SQL, the English messages, the character sets.
mariadb_files=(/usr/bin/mariadb-install-db /usr/share/mysql/*.sql /usr/share/mysql/english/errmsg.sys /usr/share/mysql/charsets/*)

# What every image is made of, as one hash (a change rebuilds them all: they are built in seconds).
inputs_hash=$(
  cd "$here"
  { find . -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum "$busybox" "$nginx" $nginx_libs "${nginx_files[@]}" "$apache2" $apache2_modules $apache2_libs /etc/mime.types \
      "${mariadb_bins[@]}" $mariadb_libs "${mariadb_files[@]}" < /dev/null
    echo "$nginx_libs $apache2_libs $mariadb_libs"; } | sha256sum | cut -c1-32)

# A minimal root: busybox with every applet in /bin as the official image has them (and at busybox's own paths
# too, so /usr/bin/env works), the usual directories, and PASSWD_DIR's passwd and group.
base_root() { # ROOT PASSWD_DIR
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,var,proc,sys,dev,run}
  chmod 0700 "$root/root"
  install -d -m 1777 "$root/tmp"
  ln -s ../run "$root/var/run"
  install -m 0755 "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -sf /bin/busybox "$root/bin/$applet"
  done
  for applet in $("$busybox" --list-full); do
    case "$applet" in
      bin/*|*/busybox) ;;
      */*) ln -sf /bin/busybox "$root/$applet" ;;
    esac
  done
  install -m 0644 "$2/passwd" "$2/group" "$root/etc/"
}

busybox_root() {
  base_root "$1" "$here/busybox"
  # Debian's busybox-static has no printenv applet; the official image's busybox has (the documentation uses it).
  [ -e "$1/bin/printenv" ] || install -m 0755 "$here/busybox/printenv" "$1/bin/printenv"
}

nginx_root() {
  local root=$1 lib
  base_root "$root" "$here/nginx"
  install -m 0644 "$here/nginx/nsswitch.conf" "$root/etc/"
  install -D -m 0755 "$nginx" "$root/usr/sbin/nginx"
  # The libraries it links, at the paths the loader looks for them (the loader itself is the one path on its own).
  for lib in $nginx_libs; do
    install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
  install -D -m 0644 "$here/nginx/nginx.conf" "$root/etc/nginx/nginx.conf"
  install -D -m 0644 "$here/nginx/default.conf" "$root/etc/nginx/conf.d/default.conf"
  install -m 0644 "${nginx_files[@]:0:4}" "$root/etc/nginx/"
  install -D -m 0644 "${nginx_files[4]}" "$root/usr/share/nginx/html/index.html"
  install -m 0755 "$here/nginx/docker-entrypoint.sh" "$root/docker-entrypoint.sh"
  # Debian's nginx keeps its temporary files under /var/lib/nginx; the official image's /var/cache/nginx is there
  # for manifests that mount it.
  mkdir -p "$root"/var/{log/nginx,lib/nginx,cache/nginx}
  ln -s /dev/stdout "$root/var/log/nginx/access.log"
  ln -s /dev/stderr "$root/var/log/nginx/error.log"
}

apache2_root() {
  local root=$1 file
  base_root "$root" "$here/apache2"
  install -m 0644 "$here/apache2/nsswitch.conf" "$root/etc/"
  install -D -m 0755 "$apache2" "$root/usr/sbin/apache2"
  for file in $apache2_modules $apache2_libs; do
    install -D -m 0755 "$(readlink -f "$file")" "$root$file"
  done
  install -D -m 0644 "$here/apache2/apache2.conf" "$root/etc/apache2/apache2.conf"
  install -D -m 0644 /etc/mime.types "$root/etc/mime.types"
  install -D -m 0644 "$here/apache2/index.html" "$root/var/www/html/index.html"
  mkdir -p "$root/run/apache2"
}

mariadb_root() {
  local root=$1 file
  base_root "$root" "$here/mariadb"
  install -m 0644 "$here/mariadb/nsswitch.conf" "$root/etc/"
  for file in "${mariadb_bins[@]}" $mariadb_libs; do
    install -D -m 0755 "$(readlink -f "$file")" "$root$file"
  done
  for file in "${mariadb_files[@]}"; do
    install -D -m "$([ -x "$file" ] && echo 0755 || echo 0644)" "$file" "$root$file"
  done
  install -D -m 0644 "$here/mariadb/my.cnf" "$root/etc/mysql/my.cnf"
  # The datadir mariadb-install-db fills (a manifest mounts its claim there); the socket's directory, writable by
  # mysqld once it is the mysql user (the tar's owners are all root).
  mkdir -p "$root/var/lib/mysql"
  install -d -m 1777 "$root/run/mysqld"
}

pause_root() {
  base_root "$1" "$here/busybox"
}

agnhost_root() {
  base_root "$1" "$here/busybox"
  install -m 0755 "$here/agnhost/agnhost" "$1/agnhost"
  install -m 0755 "$here/agnhost/liveness-handler" "$1/liveness-handler"
}

# build NAME CHANGES TAG...: CHANGES holds one Dockerfile instruction a line, as `import --change` takes them.
build() {
  local name=$1 changes=$2 root="$work/$1" tar="$work/$1.tar" hash id old line
  shift 2
  hash=$(printf '%s\n' "$inputs_hash" "$name" "$changes" | sha256sum | cut -c1-32)

  # Up to date: every tag names one image, and it has this hash.
  if old=$("$engine" image inspect --format "{{.Id}} {{index .Config.Labels \"$hash_label\"}}" "$@" 2>/dev/null) \
      && [ "$(printf '%s\n' "$old" | sort -u | wc -l)" -eq 1 ] && [ "${old##* }" = "$hash" ]; then
    echo "images: $name up to date ($*)"
    return
  fi
  "${name}_root" "$root"
  # The same files give the same tar: names sorted, owners root, times zero.
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$root" -cf "$tar" .

  local args=(--change "LABEL sup.test-image=$name" --change "LABEL $hash_label=$hash") stopsignal=""
  while IFS= read -r line; do
    # docker import takes no STOPSIGNAL: docker gets it from a one-line build on top of the import, below.
    if [ "$engine" = docker ] && [[ "$line" == STOPSIGNAL* ]]; then stopsignal=$line; continue; fi
    [ -n "$line" ] && args+=(--change "$line")
  done <<< "$changes"
  id=$("$engine" import "${args[@]}" "$tar" "$1" 2>"$work/import.err" | tail -n 1) \
    || { cat "$work/import.err" >&2; exit 1; }
  if [ -n "$stopsignal" ]; then
    # The classic builder: from a local image it needs no registry, and the docker CLI may have no buildx.
    id=$(printf 'FROM %s\n%s\n' "$id" "$stopsignal" | DOCKER_BUILDKIT=0 "$engine" build --quiet --tag "$1" - 2>"$work/import.err" | tail -n 1) \
      || { cat "$work/import.err" >&2; exit 1; }
  fi
  for line in "${@:2}"; do "$engine" tag "$id" "$line"; done
  echo "images: $name built $(du -h "$tar" | cut -f1) ($*)"
}

build busybox "
ENV $path_env
CMD [\"sh\"]" \
  docker.io/library/busybox:latest docker.io/library/busybox:1.28 \
  registry.k8s.io/busybox:latest registry.k8s.io/busybox:1.27.2

build nginx "
ENV $path_env
ENTRYPOINT [\"/docker-entrypoint.sh\"]
CMD [\"nginx\", \"-g\", \"daemon off;\"]
EXPOSE 80/tcp
STOPSIGNAL SIGQUIT" \
  docker.io/library/nginx:latest docker.io/library/nginx:1.14.2 docker.io/library/nginx:1.16.1 \
  docker.io/library/nginx:1.7.9 registry.k8s.io/nginx-slim:0.8 registry.k8s.io/nginx-slim:0.24

build apache2 "
ENV $path_env
CMD [\"apache2\", \"-DFOREGROUND\"]
EXPOSE 80/tcp" \
  localhost/apache2:latest localhost/apache2:2.4

build mariadb "
ENV $path_env
CMD [\"mariadbd\"]
EXPOSE 3306/tcp" \
  localhost/mariadb:latest localhost/mariadb:10.11

build agnhost "
ENV $path_env
ENTRYPOINT [\"/agnhost\"]
CMD [\"pause\"]" \
  registry.k8s.io/e2e-test-images/agnhost:2.40

if [ "$engine" = docker ]; then
  # What sup runs (with this command) as each pod's pause container under docker; the daemon makes it from the busybox
  # image where this script has not run.
  build pause "
ENV $path_env
CMD [\"sh\", \"-c\", \"trap 'exit 0' TERM INT; while :; do sleep 86400 & wait \$!; done\"]" \
    localhost/sup-pause:latest
fi

# Earlier builds of ours that no tag names any more, unless a container still uses one.
for id in $("$engine" images --quiet --filter dangling=true --filter label=sup.test-image); do
  "$engine" image rm "$id" >/dev/null 2>&1 || true
done
