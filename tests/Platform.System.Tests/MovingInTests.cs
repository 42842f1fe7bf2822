using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// Point 4 of the move from the original app (docs/MOVING-IN.md, "Copies"), with all four services
/// running: after donation-service's and request-service's imports, every copy built from their events
/// equals its owner's data (check-copies reports 0); a copy row gone wrong is reported; republish
/// rebuilds it and the check reports 0 again. The exports are cut down to this test's rows (the test
/// database holds other tests' rows too) and the checks look only at those (--ignore-extra).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MovingInTests(PlatformFixture platform) : IAsyncLifetime
{
    private const int Users = 45;
    private const int Donations = 120;
    private readonly string _directory = Directory.CreateTempSubdirectory("moving-in-").FullName;
    private LegacyDatabase _legacy = null!;

    public async Task InitializeAsync()
    {
        _legacy = await LegacyDatabase.CreateAsync();
        await _legacy.ExecuteAsync($"select legacy_generate('{_legacy.Seed}', {Users}, {Donations}, {Donations / 2}, {Donations / 24});");
    }

    public async Task DisposeAsync()
    {
        await _legacy.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task After_an_import_every_copy_equals_its_source_and_a_copy_gone_wrong_is_reported_and_rebuilt_by_republish()
    {
        await RunAsync("DonationService", "import-legacy", "--report", Path.Combine(_directory, "donation.txt"));
        await RunAsync("RequestService", "import-legacy", "--report", Path.Combine(_directory, "request.txt"));

        Assert.True(await PollAsync(async () => (await CheckAsync()).Differences == 0), (await CheckAsync()).Output);

        // Profile 0 is blocked in the original (n % 97 = 0): messaging's copy knows it without a profile.blocked event.
        var blocked = _legacy.Id("profile", 0);
        Assert.True(await ScalarAsync<bool>("select blocked from messaging.blocked_users where user_id = @blocked", new { blocked }));

        // Copies gone wrong in three services. Only these three profiles are republished below, two to a page:
        // republishing every profile of the shared test database queues an event per profile in every
        // service's queue, and the other test projects' services, consuming those queues at the same
        // time, then wait behind thousands of them (a RequestService.Tests block copy timed out in CI).
        var (recipient, owner) = (_legacy.Id("profile", 1), _legacy.Id("profile", 2));
        await ExecuteAsync(TestEnvironment.MainDb, "update request.profile_copies set role = 'admin' where user_id = @recipient", new { recipient });
        await ExecuteAsync(TestEnvironment.MainDb, "delete from messaging.blocked_users where user_id = @blocked", new { blocked });
        await ExecuteAsync(TestEnvironment.CampaignDb, "update campaign.profile_copies set blocked = not blocked where user_id = @owner", new { owner });

        var wrong = await CheckAsync();
        Assert.Equal(3, wrong.Differences);
        Assert.Contains($"request.profile_copies {recipient}: role \"admin\"", wrong.Output, StringComparison.Ordinal);
        Assert.Contains($"messaging.blocked_users {blocked}: blocked false (source true)", wrong.Output, StringComparison.Ordinal);
        Assert.Contains($"campaign.profile_copies {owner}: blocked", wrong.Output, StringComparison.Ordinal);

        var republished = await RunAsync("DonationService", "republish", "profiles", "--ids", $"{recipient},{blocked},{owner}", "--batch-size", "2");
        Assert.Contains("profile.updated           3 queued", republished, StringComparison.Ordinal);
        Assert.True(await PollAsync(async () => (await CheckAsync()).Differences == 0), (await CheckAsync()).Output);
    }

    [Fact]
    public async Task An_imported_campaign_s_owner_reaches_messaging_through_republish_and_a_wrong_owner_copy_is_corrected()
    {
        // As import-legacy writes a campaign: straight into campaign-service's table, with no event.
        var (campaign, owner, wrongOwner) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await ExecuteAsync(
            TestEnvironment.CampaignDb,
            "insert into campaign.campaigns (id, recipient_id, title, category, goal_amount, status) values (@campaign, @owner, 'Imported', 'medical', 100, 'active')",
            new { campaign, owner });
        var other = Guid.NewGuid();
        await ExecuteAsync(
            TestEnvironment.CampaignDb,
            "insert into campaign.campaigns (id, recipient_id, title, category, goal_amount, status) values (@other, @owner, 'Not republished', 'other', 100, 'active')",
            new { other, owner });
        Assert.Null(await ScalarAsync<Guid?>("select owner_id from messaging.target_owners where target_type = 'campaign' and target_id = @campaign", new { campaign }));

        var output = await RunAsync("CampaignService", "republish", "--ids", campaign.ToString());

        Assert.Contains("campaign.republished          1 queued", output, StringComparison.Ordinal);
        Assert.True(await PollAsync(async () => await ScalarAsync<Guid?>(
            "select owner_id from messaging.target_owners where target_type = 'campaign' and target_id = @campaign", new { campaign }) == owner));
        Assert.Null(await ScalarAsync<Guid?>("select owner_id from messaging.target_owners where target_type = 'campaign' and target_id = @other", new { other }));
        Assert.Equal(0L, await ScalarAsync<long>(
            "select count(*) from messaging.notifications where data->>'campaign_id' = @campaign", new { campaign = campaign.ToString() }));

        // A copy gone wrong is reported by messaging's check and put right by republishing it.
        await ExecuteAsync(TestEnvironment.MainDb, "update messaging.target_owners set owner_id = @wrongOwner where target_type = 'campaign' and target_id = @campaign", new { wrongOwner, campaign });
        var campaignExport = Path.Combine(_directory, "campaign.jsonl");
        await RunAsync("CampaignService", "export-copies", campaignExport);
        var wrong = await RunToolAsync("MessagingService", "check-copies", "--ignore-extra", "--show", "50", campaignExport, await DonationExportAsync());
        Assert.Contains($"messaging.target_owners (campaigns) {campaign}: recipient_id \"{wrongOwner}\"", wrong.Output, StringComparison.Ordinal);
        await RunAsync("CampaignService", "republish", "campaigns", "--ids", campaign.ToString());
        Assert.True(await PollAsync(async () => await ScalarAsync<Guid?>(
            "select owner_id from messaging.target_owners where target_type = 'campaign' and target_id = @campaign", new { campaign }) == owner));
        Assert.Equal(2, (await RunToolAsync("CampaignService", "republish", "--ids", "not-an-id")).ExitCode);
    }

    [Fact]
    public async Task An_imported_claim_is_held_by_its_request_so_completing_or_cancelling_that_request_completes_or_releases_the_item()
    {
        await RunAsync("DonationService", "import-legacy", "--report", Path.Combine(_directory, "donation.txt"));
        await RunAsync("RequestService", "import-legacy", "--report", Path.Combine(_directory, "request.txt"));

        // The generators give donation n the status statuses[n % 8] and request n (for donation n) the
        // status [pending, approved, rejected, cancelled, completed, completed][n % 6]: donations 13 and
        // 37 are claimed with their request approved, 5 claimed but its request completed, 22 donated
        // (completed) with its request completed, 21 claimed with its request cancelled.
        var (handedOver, released) = (_legacy.Id("request", 13), _legacy.Id("request", 37));
        Assert.Equal(("claimed", handedOver), await HolderAsync(_legacy.Id("donation", 13)));
        Assert.Equal(("claimed", released), await HolderAsync(_legacy.Id("donation", 37)));
        Assert.Equal(("completed", _legacy.Id("request", 5)), await HolderAsync(_legacy.Id("donation", 5)));
        Assert.Equal(("completed", _legacy.Id("request", 22)), await HolderAsync(_legacy.Id("donation", 22)));
        Assert.Equal(("claimed", (Guid?)null), await HolderAsync(_legacy.Id("donation", 21)));
        var report = await File.ReadAllTextAsync(Path.Combine(_directory, "donation.txt"));
        Assert.Contains($"{_legacy.Id("donation", 5)}", report, StringComparison.Ordinal);
        Assert.Contains($"claimed, but its request {_legacy.Id("request", 5)} is completed: completed", report, StringComparison.Ordinal);

        // A second pass finds every holder the same: nothing changes.
        var again = ImportOutput.Counts(await RunAsync("DonationService", "import-legacy", "--report", Path.Combine(_directory, "again.txt")), "public.donations");
        Assert.Equal((0L, 0L), (again.Inserted, again.Updated));

        // The donor hands over item 13: the claim saga completes it. The recipient of 37 withdraws: it is available again.
        var (donor, _) = await PartiesAsync(handedOver);
        await platform.ExpectAsync(await platform.SendAsync(Service.Request, HttpMethod.Post, $"api/requests/{handedOver}/complete", TokenOf(donor)), 200);
        var (_, recipient) = await PartiesAsync(released);
        await platform.ExpectAsync(await platform.SendAsync(Service.Request, HttpMethod.Post, $"api/requests/{released}/cancel", TokenOf(recipient)), 200);

        Assert.True(await PollAsync(async () => (await HolderAsync(_legacy.Id("donation", 13))).Status == "completed"));
        Assert.Equal(("completed", handedOver), await HolderAsync(_legacy.Id("donation", 13)));
        Assert.True(await PollAsync(async () => (await HolderAsync(_legacy.Id("donation", 37))).Status == "available"));
        Assert.Equal(("available", (Guid?)null), await HolderAsync(_legacy.Id("donation", 37)));
    }

    private string TokenOf(Guid user) => platform.Tokens.Mint(user, $"{user:N}@test.local");

    private static async Task<(string Status, Guid? Request)> HolderAsync(Guid donation)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        return await connection.QuerySingleAsync<(string, Guid?)>(
            "select status, claimed_request_id from donation.donations where id = @donation", new { donation });
    }

    private static async Task<(Guid Donor, Guid Recipient)> PartiesAsync(Guid request)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        return await connection.QuerySingleAsync<(Guid, Guid)>("select donor_id, recipient_id from request.requests where id = @request", new { request });
    }

    private async Task<string> DonationExportAsync()
    {
        var path = Path.Combine(_directory, "donation-all.jsonl");
        await RunAsync("DonationService", "export-copies", path);
        return path;
    }

    private async Task<(int ExitCode, string Output)> RunToolAsync(string service, string command, params string[] arguments) =>
        await ImportCommand.RunToolAsync(service, Settings(service), command, arguments);

    /// <summary>Exports donation-service's and request-service's data (this test's rows) and runs every service's check; the differences they print.</summary>
    private async Task<(long Differences, string Output)> CheckAsync()
    {
        var profiles = Enumerable.Range(0, Users).Select(n => _legacy.Id("profile", n).ToString()).ToHashSet();
        var donations = Enumerable.Range(0, Donations).Select(n => _legacy.Id("donation", n).ToString()).ToHashSet();
        var donationExport = Path.Combine(_directory, "donation.jsonl");
        var requestExport = Path.Combine(_directory, "request.jsonl");
        var campaignExport = Path.Combine(_directory, "campaign.jsonl");
        await RunAsync("DonationService", "export-copies", donationExport);
        await RunAsync("RequestService", "export-copies", requestExport);
        await RunAsync("CampaignService", "export-copies", campaignExport);
        await KeepAsync(donationExport, key => profiles.Contains(key) || donations.Contains(key));
        await KeepAsync(requestExport, profiles.Contains);

        var total = 0L;
        var output = string.Empty;
        foreach (var (service, files) in new[]
        {
            ("RequestService", new[] { donationExport }),
            ("CampaignService", new[] { donationExport }),
            ("MessagingService", new[] { donationExport, campaignExport }),
            ("DonationService", new[] { requestExport }),
        })
        {
            var (exitCode, text) = await ImportCommand.RunToolAsync(service, Settings(service), "check-copies", ["--ignore-extra", "--show", "50", .. files]);
            Assert.True(exitCode is 0 or 3, $"{service} check-copies exited with {exitCode}:{Environment.NewLine}{text}");
            var line = text.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("differences: ", StringComparison.Ordinal));
            var differences = long.Parse(line["differences: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(differences == 0, exitCode == 0);
            total += differences;
            output += $"{service}:{Environment.NewLine}{text}{Environment.NewLine}";
        }

        return (total, output);
    }

    private static async Task KeepAsync(string path, Func<string, bool> key)
    {
        var lines = await File.ReadAllLinesAsync(path);
        await File.WriteAllLinesAsync(path, lines.Where(l => l.Length > 0
            && (!JsonDocument.Parse(l).RootElement.TryGetProperty("key", out var k) || key(k.GetString()!))));
    }

    private async Task<string> RunAsync(string service, string command, params string[] arguments)
    {
        var (exitCode, output) = command == "import-legacy"
            ? await ImportCommand.RunAsync(service, Settings(service), arguments)
            : await ImportCommand.RunToolAsync(service, Settings(service), command, arguments);
        Assert.True(exitCode == 0, $"{service} {command} exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }

    private Dictionary<string, string?> Settings(string service) => new()
    {
        [service.Replace("Service", string.Empty, StringComparison.Ordinal) + "DbConnection"] = TestEnvironment.Require(service.Replace("Service", string.Empty, StringComparison.Ordinal) + "DbConnection"),
        ["LegacyDbConnection"] = _legacy.ConnectionString,
        ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor(service),
        ["SUPABASE_URL"] = PlatformFixture.SupabaseUrl,
        ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
        ["BlobStorageConnection"] = TestEnvironment.Require("BlobStorageConnection"),
        ["DonationServiceUrl"] = platform.Processes[Service.Donation].BaseAddress.ToString(),
    };

    private static async Task<bool> PollAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(1000);
        }

        return true;
    }

    private static async Task ExecuteAsync(string database, string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        Assert.Equal(1, await connection.ExecuteAsync(sql, parameters));
    }

    private static async Task<T> ScalarAsync<T>(string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }
}
