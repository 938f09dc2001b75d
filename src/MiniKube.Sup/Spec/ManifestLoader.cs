using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Reads multi-document Kubernetes manifests into the official model types, strictly: YAML syntax, kind and
/// apiVersion, unknown fields and wrong types, then Kubernetes defaults (<see cref="ManifestDefaults"/>), then
/// semantic checks (<see cref="ManifestValidator"/>), then what the API server does on admission
/// (<see cref="ManifestAdmission"/>). Every error of every file is collected, none is thrown.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Loads several files as one set (names must be unique per kind across all of them): a directory is
    /// its .yaml, .yml and .json files in name order (<see cref="ManifestFiles"/>), <c>-</c> standard input where
    /// <paramref name="options"/> allow it. A missing or unreadable file is an error with line 0.</summary>
    public static ManifestLoadResult LoadFiles(IEnumerable<string> paths, ManifestLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new ManifestLoadOptions();
        var documents = new List<ParsedDocument>();
        var errors = new List<ManifestError>();
        var files = new List<string>();
        foreach (var path in ManifestFiles.Expand(paths, options.Recursive, errors))
        {
            files.Add(path);
            string text;
            try
            {
                if (path == ManifestFiles.StdinName)
                {
                    if (options.Stdin is null)
                    {
                        errors.Add(new ManifestError("-", 0, 0, null, string.Empty, "manifests from standard input (-f -) are read by apply, delete and validate, not by a daemon that re-reads its files"));
                        continue;
                    }
                    text = options.Stdin.ReadToEnd();
                }
                else text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                errors.Add(new ManifestError(path, 0, 0, null, string.Empty, $"file not found (looked in {Path.GetFullPath(path)})"));
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                errors.Add(new ManifestError(path, 0, 0, null, string.Empty, $"cannot read file: {e.Message}"));
                continue;
            }

            ParseText(text, path, documents, errors);
        }

        return Finish(files, documents, errors, options);
    }

    /// <summary>Loads manifests from text (YAML or JSON); <paramref name="fileName"/> is used in error messages.</summary>
    public static ManifestLoadResult LoadText(string text, string fileName, ManifestLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var documents = new List<ParsedDocument>();
        var errors = new List<ManifestError>();
        ParseText(text, fileName, documents, errors);
        return Finish([fileName], documents, errors, options ?? new ManifestLoadOptions());
    }

    private static ManifestLoadResult Finish(List<string> files, List<ParsedDocument> documents, List<ManifestError> errors, ManifestLoadOptions options)
    {
        foreach (var document in documents)
        {
            // k8s: a cluster-scoped object has no namespace, whatever the manifest says.
            if (!document.KindInfo.Namespaced) document.Model.Metadata.NamespaceProperty = null;
            ManifestDefaults.Apply(document.Model);
            ManifestValidator.Validate(document, options, errors);
            if (ObjectSizeLimit.Check(document) is { } tooLarge) errors.Add(tooLarge);
        }

        ManifestValidator.ValidateUniqueNames(documents, errors);
        WaitForCycles.Validate(documents, errors);

        // After validation, which reports each field where it is written (stringData keys included).
        foreach (var document in documents)
        {
            ManifestAdmission.Apply(document.Model);
        }

        // Report in reading order: file by file (as given), then by position.
        var fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            fileOrder.TryAdd(file, fileOrder.Count);
        }

        var sorted = errors
            .OrderBy(e => fileOrder.GetValueOrDefault(e.File, int.MaxValue))
            .ThenBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList();
        var objects = documents
            .Where(d => d.Name.Length > 0)
            .Select(d => new ManifestObject(d.Kind, d.Name, d.Model, d.Location))
            .ToList();
        List<ManifestError> InOrder(IEnumerable<ManifestError> notes) =>
            notes.OrderBy(e => fileOrder.GetValueOrDefault(e.File, int.MaxValue)).ThenBy(e => e.Line).ThenBy(e => e.Column).ToList();
        return new ManifestLoadResult(objects, sorted, InOrder(OneHostNotices.Find(documents).Concat(UnexpandedVariables.Find(documents))), InOrder(ClusterPortability.Find(documents)));
    }

    private static void ParseText(string text, string file, List<ParsedDocument> documents, List<ManifestError> errors)
    {
        if (NestingGuard.Check(text, file) is { } tooDeep)
        {
            errors.Add(tooDeep);
            return;
        }
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            while (true)
            {
                try
                {
                    stream.Load(new Parser(scanner));
                    break;
                }
                catch (YamlException e) when (ApostropheEscapes.Unescape(text, e) is { } fixedText)
                {
                    text = fixedText;
                    stream = new YamlStream();
                    scanner = new Scanner(new StringReader(text));
                }
            }
        }
        catch (YamlException e)
        {
            errors.Add(new ManifestError(file, Math.Max(1, (int)e.Start.Line), Math.Max(1, (int)e.Start.Column), null, string.Empty, $"invalid YAML: {e.Message}"));
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet occasionally fails on malformed input with a non-YAML exception; the scanner knows where.
            var at = scanner.CurrentPosition;
            errors.Add(new ManifestError(file, Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column), null, string.Empty, "invalid YAML: the parser could not read past this point"));
            return;
        }

        foreach (var document in stream.Documents)
        {
            var root = document.RootNode;
            if (root is null || YamlJsonConverter.IsEmptyDocument(root))
            {
                continue;
            }

            ParseObjects(root, file, documents, errors);
        }
    }

    /// <summary>A document is one object, or a list of them: kubectl reads any kind ending in <c>List</c> that has
    /// <c>items</c> (<c>kind: List</c>, <c>ConfigMapList</c>, ...) as the objects it holds, as apimachinery's
    /// unstructured decoding does; lists may nest.</summary>
    private static void ParseObjects(YamlNode root, string file, List<ParsedDocument> documents, List<ManifestError> errors)
    {
        if (root is YamlMappingNode mapping
            && ValueOf(mapping, "kind") is YamlScalarNode { Value: { } kindText }
            && kindText.EndsWith("List", StringComparison.Ordinal)
            && ValueOf(mapping, "items") is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children)
            {
                ParseObjects(item, file, documents, errors);
            }
            return;
        }

        var parsed = ParseDocument(root, file, errors);
        if (parsed is not null)
        {
            documents.Add(parsed);
        }
    }

    private static YamlNode? ValueOf(YamlMappingNode mapping, string key)
        => mapping.Children.FirstOrDefault(child => child.Key is YamlScalarNode { Value: var k } && k == key).Value;

    private static ParsedDocument? ParseDocument(YamlNode root, string file, List<ManifestError> errors)
    {
        var location = new SourceLocation(file, (int)root.Start.Line, (int)root.Start.Column);
        if (root is not YamlMappingNode)
        {
            var got = root is YamlSequenceNode ? "a list" : "a single value";
            errors.Add(new ManifestError(file, location.Line, location.Column, null, string.Empty,
                $"a manifest document must be a mapping with apiVersion, kind and metadata; got {got}"));
            return null;
        }

        var map = new SourceMap(file);
        var problems = new List<LocatedProblem>();
        var json = YamlJsonConverter.Convert(root, map, problems) as JsonObject ?? [];

        var kindText = StringAt(json, "kind");
        var name = json["metadata"] is JsonObject metadata ? StringAt(metadata, "name") : null;
        var objectRef = kindText is null ? null : name is null ? kindText : $"{kindText}/{name}";

        var kindInfo = CheckKind(json, map, problems);
        if (kindInfo is not null)
        {
            SchemaWalker.Walk(json, kindInfo.ModelType, map, problems);
            var nameNode = json["metadata"] is JsonObject meta ? meta["name"] : null;
            if (string.IsNullOrEmpty(name) && (nameNode is null || nameNode.GetValueKind() == JsonValueKind.String))
            {
                problems.Add(Problem(map, "metadata.name", "required: every object needs a name"));
            }
        }

        k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>? model = null;
        if (kindInfo is not null && problems.Count == 0)
        {
            try
            {
                model = kindInfo.FromNode(json);
            }
            catch (JsonException e)
            {
                var path = JsonPathToFieldPath(e.Path);
                problems.Add(Problem(map, path, $"cannot read value: {FirstSentence(e.Message)}"));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException or ArgumentException or NotSupportedException)
            {
                problems.Add(Problem(map, string.Empty, $"cannot read object: {e.Message}"));
            }
        }

        foreach (var problem in problems)
        {
            errors.Add(new ManifestError(file, problem.Line, problem.Column, objectRef, problem.Path, problem.Message));
        }

        return model is null || kindInfo is null ? null : new ParsedDocument(kindInfo, name ?? string.Empty, model, map, location);
    }

    private static KindInfo? CheckKind(JsonObject json, SourceMap map, List<LocatedProblem> problems)
    {
        var kindNode = json["kind"];
        var allowed = string.Join(", ", Kinds.FromManifests.Select(k => k.Kind));
        if (kindNode is null)
        {
            problems.Add(Problem(map, "kind", $"required: set kind to one of {allowed}"));
            return null;
        }

        if (kindNode.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(Problem(map, "kind", $"expected string, got {kindNode.ToJsonString()}; allowed kinds: {allowed}"));
            return null;
        }

        var kind = kindNode.GetValue<string>();
        var info = Kinds.FromManifests.FirstOrDefault(k => k.Kind == kind);
        if (info is null)
        {
            var suggestion = StringSimilarity.Closest(kind, Kinds.FromManifests.Select(k => k.Kind));
            var hint = suggestion is null ? string.Empty : $"did you mean \"{suggestion}\"? ";
            var version = json["apiVersion"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? $" (apiVersion \"{v.GetValue<string>()}\")" : "";
            var custom = version.Length > 0 && json["apiVersion"]!.GetValue<string>().Contains('.') && suggestion is null
                ? "a custom resource's kind, whose definition sup does not have; " : "";
            problems.Add(Problem(map, "kind", $"unknown kind \"{kind}\"{version}: {custom}{hint}sup reads {allowed}"));
            return null;
        }

        ApiVersionConversion.TryConvert(json);
        var apiVersion = json["apiVersion"];
        if (apiVersion is null)
        {
            problems.Add(Problem(map, "apiVersion", $"required: {kind} is served by apiVersion {info.ApiVersion}"));
        }
        else if (apiVersion.GetValueKind() != JsonValueKind.String || apiVersion.GetValue<string>() != info.ApiVersion)
        {
            problems.Add(Problem(map, "apiVersion", $"{kind} is served by apiVersion {info.ApiVersion}, not {apiVersion.ToJsonString()}"));
        }

        return info;
    }

    private static string? StringAt(JsonObject obj, string key)
        => obj[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static LocatedProblem Problem(SourceMap map, string path, string message)
    {
        var (line, column) = map.Locate(path);
        return new LocatedProblem(path, line, column, message);
    }

    // System.Text.Json paths look like $.spec.containers[0].name or $['odd.key'].
    private static string JsonPathToFieldPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return string.Empty;
        }

        var path = string.Empty;
        var i = jsonPath.StartsWith('$') ? 1 : 0;
        while (i < jsonPath.Length)
        {
            if (jsonPath[i] == '.')
            {
                var end = i + 1;
                while (end < jsonPath.Length && jsonPath[end] is not ('.' or '['))
                {
                    end++;
                }

                path = path.Dot(jsonPath[(i + 1)..end]);
                i = end;
            }
            else if (jsonPath[i] == '[')
            {
                var end = jsonPath.IndexOf(']', i);
                if (end < 0)
                {
                    break;
                }

                var inner = jsonPath[(i + 1)..end];
                path = int.TryParse(inner, out var index) ? path.At(index) : path.Dot(inner.Trim('\''));
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return path;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
