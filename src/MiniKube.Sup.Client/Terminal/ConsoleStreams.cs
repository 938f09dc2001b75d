using System.Text;

namespace MiniKube.Sup.Client.Terminal;

/// <summary>Console.Out and Console.Error written straight to descriptors 1 and 2 (<see cref="DescriptorStream"/>):
/// called first thing by both executables, so that nothing of .NET's console ever touches the terminal's modes. Console.In
/// too: merely getting .NET's own reader of a terminal does it.</summary>
public static class ConsoleStreams
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        Console.SetOut(Writer(1));
        Console.SetError(Writer(2));
        Console.SetIn(new StreamReader(new DescriptorStream(0), Console.InputEncoding, detectEncodingFromByteOrderMarks: false));
    }

    /// <summary>stdout as bytes (Console.OpenStandardOutput's stream initialises the console too).</summary>
    public static Stream OpenStandardOutput() => new DescriptorStream(1);

    /// <summary>A writer on a descriptor, in the console's encoding (UTF-8 unless the locale says otherwise), never
    /// with a byte-order mark, each write passed on at once.</summary>
    public static TextWriter Writer(int fd)
    {
        var encoding = Console.OutputEncoding;
        if (encoding.CodePage == Encoding.UTF8.CodePage) encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        return new StreamWriter(new DescriptorStream(fd), encoding, bufferSize: 4096) { AutoFlush = true };
    }
}
