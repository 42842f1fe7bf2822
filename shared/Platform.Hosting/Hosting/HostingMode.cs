namespace Platform.Hosting.Hosting;

/// <summary>How the process was asked to run.</summary>
public enum HostingMode
{
    /// <summary>Under the Azure Functions host (<c>func start</c> or Azure).</summary>
    Functions,

    /// <summary>A plain ASP.NET Core server serving the same functions (<c>--standalone</c>).</summary>
    Standalone,

    /// <summary>Apply the service's database migrations and exit (<c>migrate</c>).</summary>
    Migrate,

    /// <summary>Write the app's OpenAPI document and exit (<c>openapi [FILE]</c>); needs no database, broker or setting.</summary>
    OpenApi,

    /// <summary>
    /// Import the original app's rows from its database (<c>import-legacy</c>) and exit; needs the
    /// service's database and <c>LegacyDbConnection</c>, runs no consumer or relay.
    /// </summary>
    ImportLegacy,

    /// <summary>
    /// An operator's tool over the service's own database and outbox (<c>republish</c>,
    /// <c>export-copies</c>, <c>check-copies</c>) that exits when done; runs no consumer or relay.
    /// </summary>
    Tool,
}

public static class HostingModes
{
    public const string StandaloneSwitch = "--standalone";
    public const string MigrateCommand = "migrate";
    public const string OpenApiCommand = "openapi";
    public const string ImportLegacyCommand = "import-legacy";

    /// <summary>The operator tools (<see cref="HostingMode.Tool"/>); a service registers the ones it has as <see cref="IPlatformTool"/>.</summary>
    public static readonly IReadOnlyList<string> ToolCommands = ["republish", "export-copies", "check-copies"];

    /// <summary>A one-shot command (migrate, import-legacy, a tool): no hosted service (consumer, relay, sweeper, telemetry) runs.</summary>
    public static bool IsCommand(this HostingMode mode) => mode is HostingMode.Migrate or HostingMode.ImportLegacy or HostingMode.Tool;

    public static HostingMode FromArgs(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && string.Equals(args[0], MigrateCommand, StringComparison.OrdinalIgnoreCase))
        {
            return HostingMode.Migrate;
        }

        if (args.Count > 0 && string.Equals(args[0], OpenApiCommand, StringComparison.OrdinalIgnoreCase))
        {
            return HostingMode.OpenApi;
        }

        if (args.Count > 0 && string.Equals(args[0], ImportLegacyCommand, StringComparison.OrdinalIgnoreCase))
        {
            return HostingMode.ImportLegacy;
        }

        if (args.Count > 0 && ToolCommands.Contains(args[0], StringComparer.OrdinalIgnoreCase))
        {
            return HostingMode.Tool;
        }

        return args.Any(a => string.Equals(a, StandaloneSwitch, StringComparison.OrdinalIgnoreCase))
            ? HostingMode.Standalone
            : HostingMode.Functions;
    }
}
