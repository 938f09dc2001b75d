namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// A corpus of invalid manifests (Fixtures/invalid: YAML syntax, wrong types, Kubernetes semantics, hostile values:
/// huge numbers, deep nesting, very long strings, binary bytes, an alias bomb): `sup validate` answers each with
/// exit 2 and located errors (FILE:LINE:COL:), never a crash or a stack trace.
/// </summary>
/// <remarks>Not in the reliability collection: it starts no daemon and may run beside other tests.</remarks>
public sealed class InvalidManifestTests
{
    private static readonly string Corpus = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Fixtures", "invalid"));

    /// <summary>Where the first error is, per file; null where only the shape is checked.</summary>
    private static readonly Dictionary<string, string?> FirstError = new()
    {
        ["hostile-alias-bomb.yaml"] = "6:9",
        ["hostile-binary-nul-bytes.yaml"] = null, // shape only: arbitrary bytes
        ["hostile-binary-random.yaml"] = null, // shape only: arbitrary bytes
        ["hostile-control-characters.yaml"] = "4:9",
        ["hostile-deep-block-mappings.yaml"] = "73:129",
        ["hostile-deep-flow-mappings.yaml"] = "5:264",
        ["hostile-deep-flow-sequences.yaml"] = "9:73",
        ["hostile-elf-header.yaml"] = null, // shape only: arbitrary bytes
        ["hostile-float-overflow.yaml"] = "6:26",
        ["hostile-huge-negative-grace.yaml"] = "6:34",
        ["hostile-huge-replicas.yaml"] = "6:13",
        ["hostile-invalid-utf8.yaml"] = "4:9",
        ["hostile-long-key.yaml"] = "9:7",
        ["hostile-long-line-garbage.yaml"] = "3:1",
        ["hostile-long-name.yaml"] = "4:9",
        ["hostile-many-documents.yaml"] = "20001:7",
        ["hostile-nan.yaml"] = "6:34",
        ["hostile-port-overflow.yaml"] = "10:26",
        ["semantic-container-without-name.yaml"] = "7:7",
        ["semantic-cron-schedule.yaml"] = "6:13",
        ["semantic-duplicate-container-names.yaml"] = "9:13",
        ["semantic-duplicate-objects.yaml"] = "13:9",
        ["semantic-empty-containers.yaml"] = "6:3",
        ["semantic-env-without-name.yaml"] = "10:11",
        ["semantic-job-restart-always.yaml"] = "8:22",
        ["semantic-missing-kind.yaml"] = "1:1",
        ["semantic-missing-name.yaml"] = "3:1",
        ["semantic-name-uppercase.yaml"] = "4:9",
        ["semantic-negative-grace-period.yaml"] = "6:34",
        ["semantic-negative-replicas.yaml"] = "6:13",
        ["semantic-no-containers.yaml"] = "5:1",
        ["semantic-period-zero.yaml"] = "11:24",
        ["semantic-probe-without-handler.yaml"] = "9:7",
        ["semantic-restart-policy-unknown.yaml"] = "6:18",
        ["semantic-selector-mismatch.yaml"] = "6:3",
        ["semantic-service-port-range.yaml"] = "8:7",
        ["semantic-unknown-field.yaml"] = "6:3",
        ["semantic-unknown-kind.yaml"] = "2:7",
        ["semantic-wrong-api-version.yaml"] = "1:13",
        ["syntax-bad-indentation.yaml"] = "5:10",
        ["syntax-duplicate-key.yaml"] = "5:3",
        ["syntax-flow-mapping-missing-colon.yaml"] = "4:1",
        ["syntax-stray-dash.yaml"] = "9:4",
        ["syntax-tab-indentation.yaml"] = null, // shape only: the parser reports the tab at the document start
        ["syntax-top-level-list.yaml"] = "1:1",
        ["syntax-top-level-scalar.yaml"] = "1:1",
        ["syntax-unclosed-flow-sequence.yaml"] = "9:1",
        ["syntax-unclosed-json.json"] = "3:1",
        ["syntax-unclosed-quote.yaml"] = "7:13",
        ["syntax-undefined-alias.yaml"] = null, // shape only: the parser reports the alias at the document start
        ["syntax-value-after-value.yaml"] = "2:10",
        ["type-args-object.yaml"] = "10:11",
        ["type-command-number.yaml"] = "8:16",
        ["type-container-port-string.yaml"] = "10:26",
        ["type-containers-mapping.yaml"] = "7:5",
        ["type-containers-string.yaml"] = "6:15",
        ["type-env-mapping.yaml"] = "10:9",
        ["type-grace-period-bool.yaml"] = "6:34",
        ["type-kind-mapping.yaml"] = "2:1",
        ["type-label-value-list.yaml"] = "6:10",
        ["type-metadata-string.yaml"] = "3:1",
        ["type-name-list.yaml"] = "4:9",
        ["type-period-seconds-string.yaml"] = "11:24",
        ["type-replicas-float.yaml"] = "6:13",
        ["type-replicas-string.yaml"] = "6:13",
        ["type-restart-policy-number.yaml"] = "6:18",
        ["type-spec-list.yaml"] = "6:3",
    };

    /// <summary>Every file validated once, three at a time (each `sup validate` is a process start: one by one,
    /// the corpus took most of a minute); each theory case then checks its own answer.</summary>
    private static readonly Lazy<Task<Dictionary<string, (int Code, string Out, string Err)>>> Answers = new(async () =>
    {
        using var slots = new SemaphoreSlim(3);
        var runs = Directory.GetFiles(Corpus).Select(async path =>
        {
            await slots.WaitAsync();
            try { return (Path.GetFileName(path), await SupDaemon.Run(Binaries.Sup, ["validate", "-f", path], timeoutSeconds: 60)); }
            finally { slots.Release(); }
        });
        return (await Task.WhenAll(runs)).ToDictionary(r => r.Item1, r => r.Item2);
    });

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Corpus).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_fifty_cases_and_each_has_an_expectation()
    {
        var files = Directory.GetFiles(Corpus).Select(Path.GetFileName).ToList();
        Assert.True(files.Count >= 50, $"only {files.Count} invalid manifests");
        Assert.Equal(files.Order(StringComparer.Ordinal), FirstError.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_rejects_it_with_exit_2_and_a_located_message(string name)
    {
        var path = Path.Combine(Corpus, name);
        var (code, stdout, stderr) = (await Answers.Value)[name];
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\d+ error\(s\); nothing was started$", errors[^1]);
        foreach (var line in errors[..^1])
        {
            Assert.StartsWith(path + ":", line);
            Assert.Matches(@"^:\d+:\d+: \S", line[path.Length..]);
        }
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Unhandled exception", stdout + stderr);
        Assert.DoesNotContain("Exception:", stdout + stderr);
        if (FirstError[name] is { } position) Assert.StartsWith($"{path}:{position}: ", errors[0]);
    }
}
