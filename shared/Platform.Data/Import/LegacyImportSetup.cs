using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Hosting;

namespace Platform.Data.Import;

public static class LegacyImportSetup
{
    /// <summary>
    /// Registers the service's <c>import-legacy</c> command over its database (after
    /// <see cref="DatabaseSetup.AddServiceDatabase"/>); <paramref name="tables"/> adds the original
    /// tables in the order they must be imported (owners before the rows that refer to them).
    /// <paramref name="connectionSetting"/> names the setting with the original database's connection
    /// string (campaign-service reads the original's separate campaign database).
    /// </summary>
    public static PlatformApplication AddLegacyImport(
        this PlatformApplication app, Action<LegacyTables> tables, string connectionSetting = LegacyImportCommand.ConnectionSetting)
    {
        if (app.Mode != HostingMode.ImportLegacy)
        {
            return app;
        }

        tables(new LegacyTables(app.Services));
        app.Services.AddSingleton(new LegacyImportSource(connectionSetting));
        app.Services.AddSingleton<ILegacyImportCommand, LegacyImportCommand>();
        return app;
    }
}

/// <summary>The setting that holds the connection string of the original database a service imports from.</summary>
public sealed record LegacyImportSource(string ConnectionSetting);

/// <summary>
/// A condition a service's import needs before it reads anything (a setting, data another service
/// must have delivered first); the command stops with exit code 2 and the message when it answers one.
/// </summary>
public interface ILegacyImportCheck
{
    Task<string?> ProblemAsync(CancellationToken cancellationToken);
}

/// <summary>The original tables a service imports, in order.</summary>
public sealed class LegacyTables(IServiceCollection services)
{
    /// <summary>Adds a check that must pass before the import starts.</summary>
    public LegacyTables Require<TCheck>()
        where TCheck : class, ILegacyImportCheck
    {
        services.AddSingleton<ILegacyImportCheck, TCheck>();
        return this;
    }

    public LegacyTables Add<TTable>()
        where TTable : class, ILegacyTableImport
    {
        services.AddSingleton<ILegacyTableImport, TTable>();
        return this;
    }
}
