using MiniKube.Sup.Cli;

return await ClientCli.RunAsync(args);
