namespace MiniKube.Sup.Processes;

/// <summary>The daemon's descriptor limit before and after <see cref="DescriptorLimit.Raise"/>, and what could not
/// be done.</summary>
public sealed record DescriptorLimitChange(ulong SoftBefore, ulong HardBefore, ulong SoftAfter, ulong HardAfter, string? Problem)
{
    public static DescriptorLimitChange Kept(ulong soft, ulong hard, string problem) => new(soft, hard, soft, hard, problem);

    public bool Raised => SoftAfter != SoftBefore || HardAfter != HardBefore;

    public override string ToString()
    {
        var text = Raised
            ? $"descriptor limit (soft/hard) raised from {SoftBefore}/{HardBefore} to {SoftAfter}/{HardAfter}; containers get {SoftBefore}/{HardBefore}"
            : $"descriptor limit (soft/hard) {SoftBefore}/{HardBefore}";
        return Problem is null ? text : $"{text} ({Problem})";
    }
}
