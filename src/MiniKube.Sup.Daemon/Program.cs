using MiniKube.Sup.Cli;

return await SupCli.RunAsync(args);
