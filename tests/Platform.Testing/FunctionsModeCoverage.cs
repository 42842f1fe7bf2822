using System.Globalization;
using System.Text;
using Platform.FunctionsHost;

namespace Platform.Testing;

/// <summary>
/// Writes what each Functions-hosted instance loaded and served to
/// <c>$PLATFORM_STACK_DIR/logs/functions-mode/</c> (one file per instance, so test processes never
/// share one), from which scripts/functions-mode-coverage.sh reports which functions of each app were
/// called in Functions mode and with which statuses, and fails when one never was.
/// </summary>
public static class FunctionsModeCoverage
{
    private static string? Folder =>
        Environment.GetEnvironmentVariable("PLATFORM_STACK_DIR") is { Length: > 0 } stack ? Path.Combine(stack, "logs", "functions-mode") : null;

    public static void RecordFunctions(FunctionsTestHost host) =>
        Write(host, "functions", host.Functions.Select(f => $"{host.AppName}\t{f.Name}\t{string.Join(',', f.Methods)}\t{host.RoutePrefix}/{f.HttpRoute}"));

    public static void RecordServed(FunctionsTestHost host) =>
        Write(host, "served", host.Served.Select(s => $"{host.AppName}\t{s.Function ?? "-"}\t{s.Method}\t{s.Status.ToString(CultureInfo.InvariantCulture)}"));

    private static void Write(FunctionsTestHost host, string kind, IEnumerable<string> lines)
    {
        if (Folder is not { } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{kind}-{host.AppName}-{host.Worker.Id}-{Guid.NewGuid():N}.tsv");
        File.WriteAllLines(file, lines, new UTF8Encoding(false));
    }
}
