using MiniKube.Sup.Api;

namespace MiniKube.Sup.Tests.Api;

public sealed class ServiceAccountTokensTests
{
    private readonly ServiceAccountTokens _tokens = new("-----BEGIN CERTIFICATE-----\n");

    [Fact]
    public void A_token_names_its_namespace_and_a_forged_or_altered_one_names_none()
    {
        var token = _tokens.Issue("shop");

        Assert.Equal("shop", _tokens.NamespaceOf(token));
        Assert.Null(_tokens.NamespaceOf(token.Replace("sup-sa.shop.", "sup-sa.default.", StringComparison.Ordinal)));
        Assert.Null(_tokens.NamespaceOf(token[..^1] + (token[^1] == '0' ? '1' : '0')));
        Assert.Null(new ServiceAccountTokens("").NamespaceOf(token)); // another daemon life's key
        Assert.Null(_tokens.NamespaceOf("sup-sa."));
        Assert.Null(_tokens.NamespaceOf("anything"));
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/shop/pods", true)]
    [InlineData("GET", "/apis/apps/v1/namespaces/shop/deployments/web", true)]
    [InlineData("GET", "/api/v1/namespaces/shop/pods/web/log", true)]
    [InlineData("GET", "/api", true)]
    [InlineData("GET", "/apis/apps/v1", true)]
    [InlineData("GET", "/version", true)]
    [InlineData("GET", "/api/v1/namespaces/shop/secrets", false)]
    [InlineData("GET", "/api/v1/namespaces/shop/secrets/db", false)]
    [InlineData("GET", "/api/v1/namespaces/other/pods", false)]
    [InlineData("GET", "/api/v1/pods", false)]
    [InlineData("GET", "/api/v1/namespaces/shop", false)]
    [InlineData("GET", "/sup/v1/processes", false)]
    [InlineData("DELETE", "/api/v1/namespaces/shop/pods/web", false)]
    [InlineData("POST", "/api/v1/namespaces/shop/pods", false)]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web/scale", false)]
    public void A_pods_token_reads_its_own_namespace_less_its_Secrets_and_writes_nothing(string method, string path, bool allowed)
    {
        Assert.Equal(allowed, ServiceAccountTokens.Allows("shop", method, path));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/shop/pods/web/exec")]
    [InlineData("/api/v1/namespaces/shop/pods/web/attach")]
    [InlineData("/api/v1/namespaces/shop/pods/web/portforward")]
    [InlineData("/api/v1/namespaces/shop/services/web/proxy")]
    public void A_pods_token_never_runs_a_command_in_or_reaches_into_another_pod(string path) =>
        Assert.False(ServiceAccountTokens.Allows("shop", "GET", path));
}
