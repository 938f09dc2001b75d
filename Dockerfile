# An image whose PID 1 is `sup run`: as PID 1 it reaps every zombie and stops every pod on SIGTERM.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/MiniKube.Sup.Cli -c Release -o /out

FROM debian:bookworm-slim
COPY --from=build /out/sup /out/sup-daemon /out/libe_sqlite3.so /usr/local/lib/sup/
RUN ln -s /usr/local/lib/sup/sup /usr/local/bin/sup
WORKDIR /srv
COPY supervisor.yaml /srv/supervisor.yaml
ENV SUP_STATE_DIR=/var/lib/sup
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/sup", "run"]
CMD ["-f", "/srv/supervisor.yaml"]
