using DonationService.Tests.Http;
using Npgsql;
using Platform.Testing;

namespace DonationService.Tests.Import;

/// <summary>
/// <c>import-legacy</c> end to end: a database in the original app's shape (generated clean rows and
/// one row of each dirty case) imported into donation-service's schema on the real PostgreSQL, then
/// checked in the database, the report, the outbox and through the HTTP API. Each test has its own
/// original database, so its checkpoints and issues are its own.
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class LegacyImportTests(DonationServiceFixture fixture) : IAsyncLifetime
{
    private const int Users = 60;
    private const int Donations = 300;
    private const int DirtyProfiles = 5;
    private const int DirtyDonations = 6;
    private readonly string _report = Path.Combine(Path.GetTempPath(), $"legacy-import-{Guid.NewGuid():N}.txt");
    private LegacyDatabase _legacy = null!;

    public async Task InitializeAsync() => _legacy = await LegacyDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _legacy.DisposeAsync();
        File.Delete(_report);
    }

    [Fact]
    public async Task An_import_keeps_the_ids_maps_the_values_and_reports_every_skipped_or_repaired_row()
    {
        await _legacy.GenerateAsync(Users, Donations);

        var output = await ImportAsync("--restart");

        var profiles = Counts(output, "public.profiles");
        var donations = Counts(output, "public.donations");
        Assert.Equal(new ImportTally(Users + DirtyProfiles, Users + DirtyProfiles, 0, 0, DirtyProfiles, 0), profiles);
        Assert.Equal(new ImportTally(Donations + DirtyDonations, Donations + DirtyDonations - 2, 0, 0, 4, 2), donations);

        var report = Issues();
        string Reason(string kind, int n) => report.Of(_legacy.Id(kind, n));
        Assert.Equal("repaired: role 'superuser' is unknown: recipient", Reason("dirty", 1));
        Assert.Equal("repaired: verification_status 'maybe' is unknown: none", Reason("dirty", 2));
        Assert.Equal("repaired: full_name longer than 120 characters: cut", Reason("dirty", 3));
        Assert.Equal("repaired: email longer than 320 characters: left empty", Reason("dirty", 4));
        Assert.Equal("repaired: created_at missing: 1970-01-01 used", Reason("dirty", 5));
        Assert.Equal($"skipped: donor {_legacy.Id("gone", 1)} has no profile (missing from public.profiles)", Reason("dirty", 11));
        Assert.Equal("skipped: donor_id is empty", Reason("dirty", 12));
        Assert.Equal("repaired: category 'Garden Tools' is not one of the platform's: other", Reason("dirty", 13));
        Assert.Equal("repaired: status 'lost' is unknown: pending (back to review)", Reason("dirty", 14));
        Assert.Equal("repaired: title is empty: 'Untitled item'", Reason("dirty", 15));
        Assert.Equal("repaired: title longer than 120 characters: cut", Reason("dirty", 16));
        Assert.Equal(string.Empty, report.Of(_legacy.Id("profile", 7)) + report.Of(_legacy.Id("donation", 7)));

        // Values mapped to the platform's: verification states, capitalised roles and categories, statuses, the block.
        Assert.Equal(("recipient", "none", false), await ProfileAsync(_legacy.Id("profile", 1)));
        Assert.Equal(("recipient", "requested", false), await ProfileAsync(_legacy.Id("profile", 2)));
        Assert.Equal(("donor", "none", false), await ProfileAsync(_legacy.Id("profile", 30)));
        Assert.Equal(("donor", "none", true), await ProfileAsync(_legacy.Id("profile", 0)));
        Assert.Equal(("recipient", "none", false), await ProfileAsync(_legacy.Id("dirty", 1)));
        Assert.Equal(("clothing", "pending"), await DonationAsync(_legacy.Id("donation", 0)));
        Assert.Equal(("furniture", "available"), await DonationAsync(_legacy.Id("donation", 1)));
        Assert.Equal(("toys", "available"), await DonationAsync(_legacy.Id("donation", 4)));
        Assert.Equal(("food", "completed"), await DonationAsync(_legacy.Id("donation", 6)));
        Assert.Equal(("other", "available"), await DonationAsync(_legacy.Id("dirty", 13)));
        Assert.Null(await DonationAsync(_legacy.Id("dirty", 11)));

        // A migrated donor's donations through the API: donor 0 lists every 20th item.
        var donor = _legacy.Id("profile", 0);
        var page = await fixture.GetJsonAsync($"api/donations?donor_id={donor}&limit=100", fixture.AdminToken());
        var expected = Enumerable.Range(0, Donations).Where(n => n % (Users / 3) == 0).Select(n => _legacy.Id("donation", n)).ToHashSet();
        Assert.Equal(expected, DonationServiceFixture.Ids(page).ToHashSet());
        var profile = await fixture.GetJsonAsync($"api/profiles/{_legacy.Id("profile", 3)}");
        Assert.Equal("User 3", DonationServiceFixture.Text(profile, "full_name"));

        // Every imported row published its event once, for the copies other services keep.
        Assert.Equal(Users + DirtyProfiles, await EventsAsync("profile.created", ProfileIds()));
        Assert.Equal(Donations + DirtyDonations - 2, await EventsAsync("donation.created", DonationIds()));
    }

    [Fact]
    public async Task Running_it_again_changes_nothing_and_a_second_pass_brings_only_new_and_changed_rows()
    {
        await _legacy.GenerateAsync(Users, Donations);
        await ImportAsync("--restart");
        var versions = await VersionsAsync(DonationIds());

        var again = await ImportAsync();

        Assert.Equal(new ImportTally(Users + DirtyProfiles, 0, 0, Users + DirtyProfiles, DirtyProfiles, 0), Counts(again, "public.profiles"));
        Assert.Equal(new ImportTally(Donations + DirtyDonations, 0, 0, Donations + DirtyDonations - 2, 4, 2), Counts(again, "public.donations"));
        Assert.Equal(versions, await VersionsAsync(DonationIds()));
        Assert.Equal(Donations + DirtyDonations - 2, await EventsAsync("donation.created", DonationIds()));
        Assert.Equal(0, await EventsAsync("donation.updated", DonationIds()));
        Assert.Equal(11, Issues().Count(i => DonationIds().Contains(i.Id) || ProfileIds().Contains(i.Id)));

        // The original app keeps writing until the switch-over: three new items, one edited, one renamed user.
        await _legacy.ExecuteAsync($"""
            insert into public.donations (id, donor_id, title, category, status)
            select legacy_id('{_legacy.Seed}', 'donation', n), legacy_id('{_legacy.Seed}', 'profile', 0), 'Late item ' || n, 'Books', 'approved'
              from generate_series({Donations}, {Donations + 2}) as n;
            update public.donations set title = 'Renamed chair', updated_at = now() where id = legacy_id('{_legacy.Seed}', 'donation', 1);
            update public.profiles set full_name = 'Renamed User', updated_at = now() where id = legacy_id('{_legacy.Seed}', 'profile', 1);
            """);

        var second = await ImportAsync();

        Assert.Equal(new ImportTally(Users + DirtyProfiles, 0, 1, Users + DirtyProfiles - 1, DirtyProfiles, 0), Counts(second, "public.profiles"));
        Assert.Equal(new ImportTally(Donations + DirtyDonations + 3, 3, 1, Donations + DirtyDonations - 2 - 1, 4, 2), Counts(second, "public.donations"));
        var after = await VersionsAsync(DonationIds(extra: 3));
        Assert.Equal(2, after[_legacy.Id("donation", 1)]);
        Assert.Equal(1, after[_legacy.Id("donation", Donations)]);
        Assert.Equal(versions.Count - 1, versions.Count(v => after[v.Key] == v.Value));
        Assert.Equal(1, await EventsAsync("donation.updated", [_legacy.Id("donation", 1)]));
        Assert.Equal(1, await EventsAsync("profile.updated", [_legacy.Id("profile", 1)]));
        var renamed = await fixture.GetJsonAsync($"api/donations/{_legacy.Id("donation", 1)}");
        Assert.Equal("Renamed chair", DonationServiceFixture.Text(renamed, "title"));
    }

    [Fact]
    public async Task Killed_half_way_the_next_run_resumes_and_finishes_with_every_row_once()
    {
        const int many = 20_000;
        await _legacy.GenerateAsync(Users, many, dirty: false);
        await using (var first = ImportCommand.Start("DonationService", Settings(), "--restart", "--batch-size", "100", "--report", _report))
        {
            var killedAt = await WaitForProgressThenKillAsync(first);
            Assert.True(killedAt is > 0 and < many, $"the first run was to be killed half-way, but it had read {killedAt} of {many} donations");
        }

        var (exitCode, output) = await ImportCommand.RunAsync("DonationService", Settings(), "--batch-size", "100", "--report", _report);

        Assert.True(exitCode == 0, output);
        Assert.Contains("resuming public.donations", output, StringComparison.Ordinal);
        Assert.Equal(new ImportTally(many, many, 0, 0, 0, 0), Counts(output, "public.donations"));
        var ids = Enumerable.Range(0, many).Select(n => _legacy.Id("donation", n)).ToArray();
        Assert.Equal(many, (await VersionsAsync(ids)).Count(v => v.Value == 1));
        Assert.Equal(many, await EventsAsync("donation.created", ids));
    }

    private async Task<string> ImportAsync(params string[] arguments)
    {
        var (exitCode, output) = await ImportCommand.RunAsync("DonationService", Settings(), [.. arguments, "--report", _report]);
        Assert.True(exitCode == 0, $"import-legacy exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["DonationDbConnection"] = TestEnvironment.Require("DonationDbConnection"),
        ["LegacyDbConnection"] = _legacy.ConnectionString,
        ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("DonationService"),
        ["SUPABASE_URL"] = fixture.Jwks.Url,
        ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
    };

    private static ImportTally Counts(string output, string source) => ImportOutput.Counts(output, source);

    private List<(Guid Id, string Outcome, string Reason)> Issues() => ImportOutput.Issues(_report);

    private Guid[] ProfileIds() =>
        [.. Enumerable.Range(0, Users).Select(n => _legacy.Id("profile", n)), .. Enumerable.Range(1, DirtyProfiles).Select(n => _legacy.Id("dirty", n))];

    private Guid[] DonationIds(int extra = 0) =>
        [.. Enumerable.Range(0, Donations + extra).Select(n => _legacy.Id("donation", n)), .. Enumerable.Range(11, DirtyDonations).Select(n => _legacy.Id("dirty", n))];

    private static async Task<T> QueryAsync<T>(string sql, Func<NpgsqlDataReader, Task<T>> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        return await read(reader);
    }

    private static Task<(string, string, bool)> ProfileAsync(Guid id) => QueryAsync(
        "select role, recipient_status, blocked from donation.profiles where id = @id",
        async r => await r.ReadAsync() ? (r.GetString(0), r.GetString(1), r.GetBoolean(2)) : default,
        ("id", id));

    private static Task<(string, string)?> DonationAsync(Guid id) => QueryAsync<(string, string)?>(
        "select category, status from donation.donations where id = @id",
        async r => await r.ReadAsync() ? (r.GetString(0), r.GetString(1)) : null,
        ("id", id));

    private static Task<Dictionary<Guid, long>> VersionsAsync(Guid[] ids) => QueryAsync(
        "select id, version from donation.donations where id = any(@ids)",
        async r =>
        {
            var versions = new Dictionary<Guid, long>();
            while (await r.ReadAsync())
            {
                versions[r.GetGuid(0)] = r.GetInt64(1);
            }

            return versions;
        },
        ("ids", ids));

    /// <summary>Outbox rows of the type about the given rows (by the id in the event's snapshot).</summary>
    private static Task<long> EventsAsync(string type, Guid[] ids) => QueryAsync(
        """
        select count(*) from donation.outbox
         where event_type = @type
           and coalesce(envelope::jsonb #>> '{data,profile,user_id}', envelope::jsonb #>> '{data,donation,donation_id}')::uuid = any(@ids)
        """,
        async r => await r.ReadAsync() ? r.GetInt64(0) : 0,
        ("type", type),
        ("ids", ids));

    /// <summary>Waits until the command has committed some donation pages (not all), then SIGKILLs it; answers how many it had read.</summary>
    private async Task<long> WaitForProgressThenKillAsync(ImportCommand command)
    {
        for (var i = 0; i < 1200; i++)
        {
            var read = await QueryAsync(
                "select read from donation.legacy_import_runs where origin = @origin and source = 'public.donations' and finished_at is null",
                async r => await r.ReadAsync() ? r.GetInt64(0) : 0,
                ("origin", _legacy.Origin));
            if (read >= 2_000)
            {
                command.Kill();
                await command.WaitAsync(TimeSpan.FromSeconds(30));
                return await QueryAsync(
                    "select read from donation.legacy_import_runs where origin = @origin and source = 'public.donations' and finished_at is null",
                    async r => await r.ReadAsync() ? r.GetInt64(0) : -1,
                    ("origin", _legacy.Origin));
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("the import made no progress within 60 s:" + Environment.NewLine + command.Output);
    }
}
