using System.Text;
using k8s.Models;
using static MiniKube.Sup.Tests.Spec.ManifestTestHelpers;

namespace MiniKube.Sup.Tests.Spec;

/// <summary>What the API server does to an object it admits, after validation: a Secret's stringData is a
/// write-only convenience, merged into data (stringData winning) and never stored or shown.</summary>
public class ManifestAdmissionTests
{
    [Fact]
    public void A_Secret_s_stringData_is_folded_into_data_and_dropped()
    {
        var result = Load("""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            data: {user: YWRtaW4=, password: b2xk}
            stringData: {password: hunter2, token: abc}
            """);

        Assert.True(result.Succeeded, Describe(result));
        var secret = Assert.IsType<V1Secret>(Assert.Single(result.Objects).Model);
        Assert.Null(secret.StringData);
        Assert.Equal(
            [("password", "hunter2"), ("token", "abc"), ("user", "admin")],
            secret.Data.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, Encoding.UTF8.GetString(e.Value))));
    }

    [Fact]
    public void A_bad_stringData_key_is_still_reported_where_it_is_written()
    {
        var error = SingleError(Load("""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {"bad key": x}
            """));

        AssertError(error, 4, 25, "Secret/creds", "stringData[bad key]");
    }
}
