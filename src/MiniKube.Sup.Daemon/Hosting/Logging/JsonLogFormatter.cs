using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace MiniKube.Sup.Daemon.Hosting.Logging;

/// <summary>The daemon's own log lines as one JSON object each (--log-format json): time, level, the message as the
/// text format renders it, and the object it concerns when the message's properties name one.</summary>
internal sealed class JsonLogFormatter : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _message = new("{Message:lj}");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var message = new StringWriter();
        _message.Format(logEvent, message);
        var record = new DaemonLogRecord(LogJsonContext.Time(logEvent.Timestamp), Level(logEvent.Level), message.ToString())
        {
            Object = Text(logEvent, "Kind") is { } kind && Text(logEvent, "Name") is { } name ? $"{kind}/{name}" : null,
            Namespace = Text(logEvent, "Namespace"),
            Pod = Text(logEvent, "Pod"),
            Container = Text(logEvent, "Container"),
            Exception = logEvent.Exception?.ToString(),
        };
        output.WriteLine(JsonSerializer.Serialize(record, LogJsonContext.Lines.DaemonLogRecord));
    }

    /// <summary>journald's and most shippers' level names.</summary>
    private static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "trace",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warning",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };

    /// <summary>A string property's value, trimmed of the decoration some messages give it (" [container]").</summary>
    private static string? Text(LogEvent logEvent, string property) =>
        logEvent.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: string s } && s.Trim(' ', '[', ']') is { Length: > 0 } t ? t : null;
}
