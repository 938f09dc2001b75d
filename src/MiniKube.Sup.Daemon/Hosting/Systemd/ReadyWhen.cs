namespace MiniKube.Sup.Daemon.Hosting.Systemd;

/// <summary>When `sup run` tells systemd it is ready (READY=1): --ready-when api|all-ready.</summary>
internal enum ReadyWhen
{
    /// <summary>Once the API answers and the files' objects are applied (the default).</summary>
    Api,

    /// <summary>Then also once every workload is ready (<see cref="AllReady"/>).</summary>
    AllReady,
}
