# The sup image: sup as the container's init (PID 1), running the manifests in /etc/sup (mount your own there, or
# pass -f FILE). Where no registry is reachable, examples/container/import-image.sh builds the same image from a
# local publish (same paths, entrypoint and stop signal); that path is what the tests run (SupContainerTests).
#
#   docker build -t sup .        (or podman build)
#   docker run -d --name sup sup && docker stop sup   # an orderly stop: exit code 0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# NativeAOT's prerequisites: the platform linker and zlib.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/MiniKube.Sup.Cli -c Release -o /out

FROM debian:12-slim
# busybox-static: the shell and applets the example pods use, as in the imported image; libssl3: .NET loads OpenSSL
# at run time for the API's TLS.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends busybox-static libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/sup /var/lib/sup
COPY --from=build /out/sup /out/sup-daemon /out/libe_sqlite3.so /usr/local/bin/
COPY examples/container/supervisor.yaml /etc/sup/supervisor.yaml
# sup turns SIGTERM into its orderly stop (every pod gets its grace period) and exits 0; give `docker stop` a
# --time longer than the longest terminationGracePeriodSeconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/sup", "run", "--state-dir", "/var/lib/sup"]
CMD ["-f", "/etc/sup/supervisor.yaml"]
