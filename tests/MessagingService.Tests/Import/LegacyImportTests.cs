using MessagingService.Tests.Http;
using Npgsql;
using Platform.Testing;

namespace MessagingService.Tests.Import;

/// <summary>
/// messaging-service's import-legacy end to end: the original's messages and reports (clean generated
/// rows and one row of each dirty case) on the real PostgreSQL, checked through the report, the
/// database and the API (a migrated conversation), then run again (nothing changes).
/// </summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class LegacyImportTests(MessagingServiceFixture fixture) : IAsyncLifetime
{
    private const int Users = 60;
    private const int Messages = 400;
    private const int Reports = 30;
    private readonly string _report = Path.Combine(Path.GetTempPath(), $"legacy-import-{Guid.NewGuid():N}.txt");
    private LegacyDatabase _legacy = null!;

    public async Task InitializeAsync()
    {
        _legacy = await LegacyDatabase.CreateAsync();
        await _legacy.ExecuteAsync($"select legacy_generate('{_legacy.Seed}', {Users}, 100, 10, 1, {Messages}, {Reports}); select legacy_dirty('{_legacy.Seed}');");
    }

    public async Task DisposeAsync()
    {
        await _legacy.DisposeAsync();
        File.Delete(_report);
    }

    [Fact]
    public async Task Messages_and_reports_arrive_with_their_ids_read_flags_become_read_times_and_refused_rows_are_reported()
    {
        var output = await ImportAsync("--restart");

        Assert.Equal(new ImportTally(Messages + 6, Messages + 2, 0, 0, 2, 4), ImportOutput.Counts(output, "public.messages"));
        Assert.Equal(new ImportTally(Reports + 6, Reports + 2, 0, 0, 1, 4), ImportOutput.Counts(output, "public.reports"));
        var report = ImportOutput.Issues(_report);
        Assert.Equal($"skipped: sender {_legacy.Id("gone", 5)} has no profile (missing from public.profiles)", report.Of(_legacy.Id("dirty", 41)));
        Assert.Equal($"skipped: receiver {_legacy.Id("gone", 6)} has no profile (missing from public.profiles)", report.Of(_legacy.Id("dirty", 42)));
        Assert.Equal("skipped: a message to oneself", report.Of(_legacy.Id("dirty", 43)));
        Assert.Equal("skipped: content is empty", report.Of(_legacy.Id("dirty", 44)));
        Assert.Equal("repaired: names both a donation and a campaign: the campaign left out", report.Of(_legacy.Id("dirty", 45)));
        Assert.Equal("repaired: content longer than 4000 characters: cut", report.Of(_legacy.Id("dirty", 46)));
        Assert.Equal($"skipped: reporter {_legacy.Id("gone", 7)} has no profile (missing from public.profiles)", report.Of(_legacy.Id("dirty", 51)));
        Assert.Equal($"skipped: donation {_legacy.Id("gone", 8)} does not exist in public.donations", report.Of(_legacy.Id("dirty", 52)));
        Assert.Equal("skipped: names nothing to report (no user, donation or campaign)", report.Of(_legacy.Id("dirty", 53)));
        var (kept, duplicate) = string.CompareOrdinal(_legacy.Id("dirty", 54).ToString(), _legacy.Id("dirty", 55).ToString()) < 0
            ? (_legacy.Id("dirty", 54), _legacy.Id("dirty", 55))
            : (_legacy.Id("dirty", 55), _legacy.Id("dirty", 54));
        Assert.Equal($"skipped: duplicate of open report {kept} (one open report per reporter and target)", report.Of(duplicate));
        Assert.Equal(
            "repaired: admin_notes not kept (the platform has no such field) | repaired: reason is empty: '(no reason given)' | repaired: status 'escalated' is unknown: open (back to moderation)",
            report.Of(_legacy.Id("dirty", 56)));

        // A migrated conversation through the API: users 0 and 1 (messages 0, 60, 120, ...), oldest first, the read flag as a read time.
        var user0 = new TestUser(_legacy.Id("profile", 0), fixture.Tokens.User(_legacy.Id("profile", 0)));
        var page = await fixture.GetJsonAsync($"api/messages?with={_legacy.Id("profile", 1)}&limit=100", user0.Token);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        var expected = Enumerable.Range(0, Messages)
            .Where(n => (n % Users, (n + 1 + n % 5) % Users) is (0, 1) or (1, 0))
            .Select(n => _legacy.Id("message", n))
            .ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, items.Select(i => i.GetProperty("id").GetGuid()).ToList());
        Assert.All(items, i => Assert.Equal(
            MessageNumber(i.GetProperty("id").GetGuid()) % 3 != 0,
            i.GetProperty("read_at").ValueKind == System.Text.Json.JsonValueKind.String));

        // Reports: targets, the user to block, the moderation state; donation owners known for the block.
        Assert.Equal(("donation", _legacy.Id("profile", 0), "open", null), await ReportAsync(_legacy.Id("report", 0)));
        Assert.Equal(("user", _legacy.Id("profile", 3), "reviewed", "none"), await ReportAsync(_legacy.Id("report", 1)));
        Assert.Equal(("campaign", (Guid?)null, "resolved", "none"), await ReportAsync(_legacy.Id("report", 2)));

        var again = await ImportAsync();
        Assert.Equal(new ImportTally(Messages + 6, 0, 0, Messages + 2, 2, 4), ImportOutput.Counts(again, "public.messages"));
        Assert.Equal(new ImportTally(Reports + 6, 0, 0, Reports + 2, 1, 4), ImportOutput.Counts(again, "public.reports"));
        Assert.Equal(report, ImportOutput.Issues(_report));
    }

    private int MessageNumber(Guid id) => Enumerable.Range(0, Messages).First(n => _legacy.Id("message", n) == id);

    private async Task<string> ImportAsync(params string[] arguments)
    {
        var (exitCode, output) = await ImportCommand.RunAsync(
            "MessagingService",
            new Dictionary<string, string?>
            {
                ["MessagingDbConnection"] = MessagingServiceFixture.Database,
                ["LegacyDbConnection"] = _legacy.ConnectionString,
                ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("MessagingService"),
                ["SUPABASE_URL"] = MessagingServiceFixture.SupabaseUrl,
                ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            },
            [.. arguments, "--report", _report]);
        Assert.True(exitCode == 0, $"import-legacy exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }

    private static async Task<(string, Guid?, string, string?)> ReportAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select target_type, subject_user_id, status, action from messaging.reports where id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"report {id} was not imported");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }
}
