namespace TestApp;

internal static class Behaviours
{
    public static void SleepForever()
    {
        while (true) Thread.Sleep(Timeout.Infinite);
    }
}
