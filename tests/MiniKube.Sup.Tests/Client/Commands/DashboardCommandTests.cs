using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

public sealed class DashboardCommandTests
{
    [Fact]
    public void The_address_is_the_server_of_the_kubeconfig_the_daemon_writes()
    {
        const string kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters:
              - name: sup
                cluster:
                  server: https://127.0.0.1:40289
                  certificate-authority-data: LS0t
            users:
              - name: sup
                user:
                  token: abc
            """;
        Assert.Equal("https://127.0.0.1:40289", DashboardCommand.ServerOf(kubeconfig));
        Assert.Null(DashboardCommand.ServerOf("apiVersion: v1\nkind: Config\n"));
    }
}
