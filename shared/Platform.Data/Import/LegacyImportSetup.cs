using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Hosting;

namespace Platform.Data.Import;

public static class LegacyImportSetup
{
    /// <summary>
    /// Registers the service's <c>import-legacy</c> command over its database (after
    /// <see cref="DatabaseSetup.AddServiceDatabase"/>); <paramref name="tables"/> adds the original
    /// tables in the order they must be imported (owners before the rows that refer to them).
    /// </summary>
    public static PlatformApplication AddLegacyImport(this PlatformApplication app, Action<LegacyTables> tables)
    {
        if (app.Mode != HostingMode.ImportLegacy)
        {
            return app;
        }

        tables(new LegacyTables(app.Services));
        app.Services.AddSingleton<ILegacyImportCommand, LegacyImportCommand>();
        return app;
    }
}

/// <summary>The original tables a service imports, in order.</summary>
public sealed class LegacyTables(IServiceCollection services)
{
    public LegacyTables Add<TTable>()
        where TTable : class, ILegacyTableImport
    {
        services.AddSingleton<ILegacyTableImport, TTable>();
        return this;
    }
}
