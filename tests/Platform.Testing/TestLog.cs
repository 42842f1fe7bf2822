namespace Platform.Testing;

/// <summary>
/// A timeline of the run (scenarios, app starts, waits, broker stops) appended to the file named by
/// <c>EVT_TRACE</c>, for finding where a slow or flaky run spends its time. Off when unset.
/// </summary>
public static class TestLog
{
    private static readonly Lock Gate = new();

    public static void Log(string text)
    {
        if (Environment.GetEnvironmentVariable("EVT_TRACE") is { Length: > 0 } file)
        {
            lock (Gate)
            {
                File.AppendAllText(file, $"{DateTime.Now:HH:mm:ss.fff} {text}{Environment.NewLine}");
            }
        }
    }
}
