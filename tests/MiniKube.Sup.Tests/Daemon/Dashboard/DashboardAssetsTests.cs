using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using MiniKube.Sup.Daemon.Dashboard;

namespace MiniKube.Sup.Tests.Daemon.Dashboard;

public sealed class DashboardAssetsTests
{
    [Theory]
    [InlineData("GET", "/ui/", true)]
    [InlineData("GET", "/ui", true)]
    [InlineData("GET", "/ui/index.html", true)]
    [InlineData("GET", "/ui/dashboard.js", true)]
    [InlineData("GET", "/ui/dashboard.css", true)]
    [InlineData("HEAD", "/ui/dashboard.js", true)]
    [InlineData("POST", "/ui/", false)]
    [InlineData("GET", "/ui/secret", false)]
    [InlineData("GET", "/ui/../api/v1/pods", false)]
    [InlineData("GET", "/ui/dashboard.js/x", false)]
    [InlineData("GET", "/uix/dashboard.js", false)]
    [InlineData("GET", "/api/v1/pods", false)]
    [InlineData("GET", "/sup/v1/processes", false)]
    public void Only_the_dashboards_own_files_pass_without_the_token(string method, string path, bool asset)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        Assert.Equal(asset, DashboardAssets.IsAsset(context.Request));
    }

    [Fact]
    public async Task The_page_its_script_and_its_style_are_served_from_the_binary_with_a_policy_that_allows_only_them()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        DashboardAssets.Map(app);
        await app.StartAsync();
        using var http = app.GetTestClient();

        var page = await http.GetAsync("/ui/");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"dashboard.js\"", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        var script = await http.GetAsync("/ui/dashboard.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Authorization: 'Bearer ' + token", await script.Content.ReadAsStringAsync());
        Assert.Equal("text/css", (await http.GetAsync("/ui/dashboard.css")).Content.Headers.ContentType?.MediaType);

        Assert.Equal(404, (int)(await http.GetAsync("/ui/secret")).StatusCode);
        var bare = await http.GetAsync("/ui");
        Assert.Equal(302, (int)bare.StatusCode);
        Assert.Equal("/ui/", bare.Headers.Location?.OriginalString);
    }
}
