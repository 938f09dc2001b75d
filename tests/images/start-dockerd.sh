#!/usr/bin/env bash
# Starts a dockerd of its own for the tests (and for a developer), without systemd: everything it keeps (its data,
# its exec root with the containerd it starts, its pid file, its socket, its log) under DIR, which it creates.
#
#   tests/images/start-dockerd.sh DIR      prints DOCKER_HOST=unix://DIR/docker.sock once `docker info` answers
#   tests/images/start-dockerd.sh --stop DIR   stops it and unmounts what it left mounted under DIR (its default
#                                              network namespace); its data stays for the next start
#
# Then: export DOCKER_HOST=unix://DIR/docker.sock (the docker command line, and so sup, reach it through it).
#
# --iptables=false: dockerd would otherwise rewrite the host's filter and nat tables (its DOCKER and
# DOCKER-ISOLATION chains, and the FORWARD chain's policy set to DROP), which is where podman's own rules for its
# containers live: with both engines on one host in one test run, podman's bridge traffic could be dropped. sup needs
# none of docker's rules: a pod's ports are published on the pod's loopback address 127.0.1.N, which docker's
# userland proxy (docker-proxy) serves without iptables, and the daemon reaches pods from inside their network
# namespaces. (No outbound NAT from containers either: no registry is reachable here anyway.)
#
# HTTP(S)_PROXY on a closed loopback port: a pull (imagePullPolicy Always, or a missing image) then fails at once
# without a DNS query or a connection beyond loopback, as podman's with .ci/registries.conf; the daemon runs the
# local copy the tests built, or reports ErrImagePull.
set -euo pipefail

if [ "${1:-}" = --stop ]; then
  dir=${2:?usage: $0 --stop DIR}
  if [ -f "$dir/dockerd.pid" ] && pid=$(cat "$dir/dockerd.pid") && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "dockerd: $pid did not stop in 30 s; killing it" >&2; kill -KILL "$pid"; }
  fi
  dir=$(cd "$dir" && pwd)
  # Deepest first; a mount point with a space is written \040 in /proc/mounts, and none of docker's has one.
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do umount "$mount" || true; done
  # dockerd leaves its bridge behind: it goes if this dockerd made it and no other dockerd runs (one would own it).
  if [ -f "$dir/made-docker0" ] && ! pgrep -x dockerd >/dev/null; then ip link delete docker0 2>/dev/null || true; fi
  exit 0
fi

dir=${1:?usage: $0 DIR | --stop DIR}
command -v dockerd >/dev/null || { echo "dockerd: not installed (apt-get install docker.io)" >&2; exit 1; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
host="unix://$dir/docker.sock"

ip link show docker0 >/dev/null 2>&1 || touch "$dir/made-docker0"

# Its own process group, so that a Ctrl+C in the caller's terminal does not reach it: it is stopped by --stop.
HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= setsid dockerd \
  --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "$host" \
  --iptables=false --ip-masq=false \
  > "$dir/dockerd.log" 2>&1 < /dev/null &

for _ in $(seq 1 150); do
  if DOCKER_HOST=$host docker info >/dev/null 2>&1; then echo "DOCKER_HOST=$host"; exit 0; fi
  sleep 0.2
done
echo "dockerd: no answer on $host after 30 s; its log ($dir/dockerd.log):" >&2
tail -n 30 "$dir/dockerd.log" >&2
exit 1
