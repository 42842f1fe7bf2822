using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Hosting;

namespace Platform.Data;

/// <summary>
/// The PostgreSQL text search configuration of a service's full-text search (issue 17), from the
/// setting <c>Search__TextConfiguration</c> (default <c>simple</c>: no stemming and no stop words, so
/// every language's words are found as written). Searchable tables keep the configuration per row
/// (<c>search_config regconfig</c>) and a generated <c>search tsvector</c> computed with it, so a changed
/// setting needs no new migration: <c>migrate</c> (<see cref="TextSearchStep"/>) moves the rows and the
/// column's default to it, and queries parse <c>q</c> with it.
/// </summary>
public sealed partial record TextSearchOptions(string Configuration)
{
    public const string Default = "simple";

    public static TextSearchOptions From(string? configured)
    {
        var name = string.IsNullOrWhiteSpace(configured) ? Default : configured.Trim();
        return Identifier().IsMatch(name)
            ? new TextSearchOptions(name)
            : throw new InvalidOperationException(
                $"Search__TextConfiguration must name a PostgreSQL text search configuration (e.g. simple, english), not '{name}'.");
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Identifier();
}

public static class TextSearchSetup
{
    /// <summary>
    /// Registers <see cref="TextSearchOptions"/> and, for <c>migrate</c>, the step that brings the rows of
    /// <paramref name="tables"/> (schema-qualified; each has <c>id</c> and <c>search_config</c>) to it.
    /// </summary>
    public static PlatformApplication AddTextSearch(this PlatformApplication app, params string[] tables)
    {
        var search = app.Configuration.GetSection("Search");
        var options = TextSearchOptions.From(search["TextConfiguration"]);
        app.Services.AddSingleton(options);
        if (app.Mode == HostingMode.Migrate)
        {
            app.Services.AddSingleton<IDeploymentStep>(sp => new TextSearchStep(
                sp.GetRequiredService<ServiceDatabase>(), options, tables, sp.GetRequiredService<ILogger<TextSearchStep>>()));
        }

        return app;
    }
}

/// <summary>
/// The <c>migrate</c> step of full-text search: sets the tables' <c>search_config</c> default to the
/// configured configuration and re-indexes the rows that still use another one, 5,000 per statement
/// (the generated <c>search</c> column and its GIN index follow). Fails with PostgreSQL's message when
/// the configuration does not exist. Nothing to do (one cheap query per table) when nothing changed.
/// </summary>
public sealed class TextSearchStep(ServiceDatabase database, TextSearchOptions options, IReadOnlyList<string> tables, ILogger<TextSearchStep> logger)
    : IDeploymentStep
{
    private const int BatchSize = 5000;

    public string Name => "text search configuration";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var configuration = options.Configuration;
        await connection.ExecuteAsync(new CommandDefinition("select @configuration::regconfig", new { configuration }, cancellationToken: cancellationToken));
        foreach (var table in tables)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"alter table {table} alter column search_config set default '{configuration}'::regconfig", cancellationToken: cancellationToken));
            var total = 0;
            int changed;
            do
            {
                changed = await connection.ExecuteAsync(new CommandDefinition(
                    $"update {table} set search_config = @configuration::regconfig where id in (select id from {table} where search_config <> @configuration::regconfig limit {BatchSize})",
                    new { configuration },
                    commandTimeout: 300,
                    cancellationToken: cancellationToken));
                total += changed;
            }
            while (changed == BatchSize);

            if (total > 0)
            {
                logger.LogInformation("Re-indexed {Count} rows of {Table} for text search configuration {Configuration}", total, table, configuration);
            }
        }
    }
}
