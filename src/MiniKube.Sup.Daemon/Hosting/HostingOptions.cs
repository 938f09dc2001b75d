using MiniKube.Sup.Daemon.Hosting.Logging;
using MiniKube.Sup.Daemon.Hosting.Systemd;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>How the daemon presents itself to what runs it (a terminal, systemd, a log shipper): --log-format and
/// --ready-when. The supervisor itself never sees these.</summary>
internal sealed record HostingOptions(LogFormat LogFormat = LogFormat.Text, ReadyWhen ReadyWhen = ReadyWhen.Api);
