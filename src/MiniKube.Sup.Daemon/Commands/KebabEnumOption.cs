using System.CommandLine;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>An option whose values are an enum's members in kebab case (all-ready for AllReady), exactly so spelled.</summary>
internal static class KebabEnumOption
{
    public static Option<T> Create<T>(string name, string description, T defaultValue) where T : struct, Enum => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            foreach (var value in Enum.GetValues<T>())
                if (Kebab(value.ToString()) == text) return value;
            result.AddError($"{name}: expected {string.Join(" or ", Enum.GetValues<T>().Select(v => Kebab(v.ToString())))}, got \"{text}\"");
            return defaultValue;
        },
    };

    internal static string Kebab(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
