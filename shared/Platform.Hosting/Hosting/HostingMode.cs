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
}

public static class HostingModes
{
    public const string StandaloneSwitch = "--standalone";
    public const string MigrateCommand = "migrate";
    public const string OpenApiCommand = "openapi";
    public const string ImportLegacyCommand = "import-legacy";

    /// <summary>A one-shot command (migrate, import-legacy): no hosted service (consumer, relay, sweeper, telemetry) runs.</summary>
    public static bool IsCommand(this HostingMode mode) => mode is HostingMode.Migrate or HostingMode.ImportLegacy;

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

        return args.Any(a => string.Equals(a, StandaloneSwitch, StringComparison.OrdinalIgnoreCase))
            ? HostingMode.Standalone
            : HostingMode.Functions;
    }
}
