using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// A database in the original app's shape (scripts/sql/legacy/original-main.sql) on the test run's
/// PostgreSQL, created for one test and dropped after it, filled by the generators in
/// scripts/sql/legacy/. <see cref="Seed"/> makes its ids differ from every earlier run's.
/// </summary>
public sealed class LegacyDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private LegacyDatabase(string name, string connectionString, string seed, string admin)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
        Seed = seed;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string Seed { get; }

    /// <summary>How import-legacy names this database in its checkpoints (host:port/database).</summary>
    public string Origin => Platform.Data.Import.LegacyImportCommand.OriginOf(new NpgsqlConnectionStringBuilder(ConnectionString));

    /// <summary>Creates the database with the original's main tables and the generators.</summary>
    public static Task<LegacyDatabase> CreateAsync() =>
        CreateAsync(Guid.NewGuid().ToString("N")[..12], "original-main.sql", "generate-main.sql", "dirty-main.sql");

    /// <summary>
    /// Creates the original's campaign database (its tables and generators) with the given seed: the
    /// seed of the main database, so that its owners and contributors are that database's profiles.
    /// </summary>
    public static Task<LegacyDatabase> CreateCampaignAsync(string seed) =>
        CreateAsync(seed, "original-campaign.sql", "generate-campaign.sql", "dirty-campaign.sql");

    private static async Task<LegacyDatabase> CreateAsync(string seed, params string[] files)
    {
        var name = "legacy_" + seed + (files[0] == "original-main.sql" ? string.Empty : "_c");
        await using (var admin = new NpgsqlConnection(TestEnvironment.MainDb))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.MainDb) { Database = name, Pooling = false }.ConnectionString;
        var database = new LegacyDatabase(name, connectionString, seed, TestEnvironment.MainDb);
        foreach (var file in files)
        {
            await database.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "scripts", "sql", "legacy", file)));
        }

        return database;
    }

    /// <summary>The id the generators give the <paramref name="n"/>th row of a kind (<c>profile</c>, <c>donation</c>, <c>dirty</c>).</summary>
    public Guid Id(string kind, long n)
    {
#pragma warning disable CA5351 // not security: the same md5 as legacy_id() in PostgreSQL, to name the generated rows
        var hash = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{Seed}:{kind}:{n}"));
#pragma warning restore CA5351
        return Guid.ParseExact(Convert.ToHexString(hash), "N");
    }

    /// <summary>Clean generated rows (legacy_generate) and one row of each dirty case (legacy_dirty).</summary>
    public Task GenerateAsync(int users, int donations, bool dirty = true) =>
        ExecuteAsync($"select legacy_generate('{Seed}', {users}, {donations});" + (dirty ? $" select legacy_dirty('{Seed}');" : string.Empty));

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>One run of a service's <c>import-legacy</c> command (the built app, as an operator runs it).</summary>
public sealed class ImportCommand : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ImportCommand(Process process) => _process = process;

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts <c>dotnet {service}.dll import-legacy {arguments}</c> with the given settings.</summary>
    public static ImportCommand Start(string service, IDictionary<string, string?> settings, params string[] arguments) =>
        StartCommand(service, settings, "import-legacy", arguments);

    /// <summary>Runs another one-shot command of the service (<c>republish</c>, <c>export-copies</c>, <c>check-copies</c>) to its end.</summary>
    public static async Task<(int ExitCode, string Output)> RunToolAsync(
        string service, IDictionary<string, string?> settings, string command, params string[] arguments)
    {
        await using var run = StartCommand(service, settings, command, arguments);
        var exitCode = await run.WaitAsync(TimeSpan.FromMinutes(5));
        return (exitCode, run.Output);
    }

    private static ImportCommand StartCommand(string service, IDictionary<string, string?> settings, string commandName, string[] arguments)
    {
        var output = TestEnvironment.AppOutput(service);
        var dll = Path.Combine(output, service + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution ({TestEnvironment.BuildConfiguration}) first.");
        }

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(commandName);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + service);
        var command = new ImportCommand(process);
        process.OutputDataReceived += (_, e) => command.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => command.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return command;
    }

    /// <summary>Runs the command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string service, IDictionary<string, string?> settings, params string[] arguments)
    {
        await using var command = Start(service, settings, arguments);
        var exitCode = await command.WaitAsync(TimeSpan.FromMinutes(5));
        return (exitCode, command.Output);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no clean-up of any kind runs, as when a machine dies.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A table's counts in import-legacy's output: rows read, new, changed, equal to what the platform held, repaired, skipped.</summary>
public sealed record ImportTally(long Read, long Inserted, long Updated, long Unchanged, long Repaired, long Skipped);

/// <summary>Reads what import-legacy printed and wrote.</summary>
public static class ImportOutput
{
    /// <summary>The counts line of a finished table in the command's output (its own sums checked on the way).</summary>
    public static ImportTally Counts(string output, string source)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(source + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no counts for {source} in:{Environment.NewLine}{output}");
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long N(int i) => long.Parse(f[i], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("finished", f[9]);
        var tally = new ImportTally(N(1), N(3), N(4), N(5), N(6), N(7));
        Assert.Equal(N(2), tally.Inserted + tally.Updated);
        Assert.Equal(tally.Read, tally.Inserted + tally.Updated + tally.Unchanged + tally.Skipped);
        return tally;
    }

    /// <summary>The skipped and repaired rows listed in a report file.</summary>
    public static List<(Guid Id, string Outcome, string Reason)> Issues(string reportPath) =>
        File.ReadAllLines(reportPath)
            .Where(l => l.StartsWith("public.", StringComparison.Ordinal) && l.Contains('\t', StringComparison.Ordinal))
            .Select(l => l.Split('\t'))
            .Select(f => (Guid.Parse(f[1]), f[2], f[3]))
            .ToList();

    /// <summary>"outcome: reason" of every issue the report lists for one original row, joined with " | ".</summary>
    public static string Of(this List<(Guid Id, string Outcome, string Reason)> issues, Guid id) =>
        string.Join(" | ", issues.Where(i => i.Id == id).Select(i => $"{i.Outcome}: {i.Reason}"));
}
