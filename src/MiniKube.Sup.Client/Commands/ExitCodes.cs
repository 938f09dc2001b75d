namespace MiniKube.Sup.Client.Commands;

/// <summary>SPEC §4: 0 success, 1 a supervised Job failed, 2 bad input, 3 the daemon could not start.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int JobFailed = 1;
    public const int BadInput = 2;
    public const int CannotStart = 3;
}
