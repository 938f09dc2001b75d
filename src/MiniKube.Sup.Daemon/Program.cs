using MiniKube.Sup.Daemon;

return await SupCli.RunAsync(args);
