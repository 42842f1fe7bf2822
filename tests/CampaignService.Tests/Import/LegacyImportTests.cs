using CampaignService.Import;
using CampaignService.Tests.Http;
using Platform.Contracts.Events;
using Platform.Testing;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Import;

/// <summary>
/// campaign-service's import of the original's campaign database, with the service running: the
/// owners' profiles reach its copy as donation-service's import would send them (profile.created
/// through the broker), then the campaigns and contributions arrive with their original ids, the
/// report lists every refused row, the collected amounts equal the imported contributions, a second
/// run changes nothing, and deleting a campaign queues no refund of money the platform never took.
/// </summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class LegacyImportTests(CampaignServiceFixture api) : IAsyncLifetime
{
    private const int Users = 30;
    private const int Campaigns = 40;
    private const int Contributions = 400;
    private readonly string _report = Path.Combine(Path.GetTempPath(), $"legacy-import-{Guid.NewGuid():N}.txt");
    private LegacyDatabase _legacy = null!;

    public async Task InitializeAsync()
    {
        _legacy = await LegacyDatabase.CreateCampaignAsync(Guid.NewGuid().ToString("N")[..12]);
        await _legacy.ExecuteAsync($"select legacy_generate_campaigns('{_legacy.Seed}', {Users}, {Campaigns}, {Contributions}); select legacy_dirty_campaigns('{_legacy.Seed}');");
    }

    public async Task DisposeAsync()
    {
        await _legacy.DisposeAsync();
        File.Delete(_report);
    }

    [Fact]
    public async Task Campaigns_and_contributions_arrive_in_the_original_currency_with_the_collected_amounts_of_their_contributions()
    {
        var (refused, problem) = await RunAsync(currency: null);
        Assert.Equal(2, refused);
        Assert.Contains("Set LegacyCurrency", problem, StringComparison.Ordinal);

        var profiles = Enumerable.Range(0, Users).Select(n => _legacy.Id("profile", n)).ToArray();
        foreach (var id in profiles)
        {
            await api.Events.PublishAsync(new ProfileCreated(new ProfileSnapshot(id, "recipient", "approved", false, "User", 1)), "/donation-service");
        }

        await api.EventuallyAsync(
            async () => await ScalarAsync<long>("select count(*) from campaign.profile_copies where user_id = any(@profiles)", new { profiles }) == Users,
            "the owners' profile copies");

        var (exitCode, output) = await RunAsync("ETB");
        Assert.True(exitCode == 0, output);
        Assert.Equal(new ImportTally(Campaigns + 11, Campaigns + 8, 0, 0, 8, 3), ImportOutput.Counts(output, "public.campaigns"));
        Assert.Equal(new ImportTally(Contributions + 9, Contributions + 4, 0, 0, 1, 5), ImportOutput.Counts(output, "public.contributions"));

        var report = ImportOutput.Issues(_report);
        Assert.Equal("skipped: user_id is empty (a campaign with no owner)", report.Of(Dirty(61)));
        Assert.StartsWith($"skipped: owner {_legacy.Id("gone", 7)} has no profile (not in campaign-service's profile copy", report.Of(Dirty(62)), StringComparison.Ordinal);
        Assert.Equal("skipped: goal_amount -5.00 is outside 0.01..10000000", report.Of(Dirty(63)));
        Assert.Equal("repaired: category 'Disaster Relief' is not one of the platform's: other", report.Of(Dirty(65)));
        Assert.Equal($"repaired: title is empty: '{CampaignImport.UntitledTitle}'", report.Of(Dirty(66)));
        Assert.Equal("repaired: status 'closed' before reaching its goal: paused (the platform has no such state)", report.Of(Dirty(67)));
        Assert.Equal("repaired: status 'active' was never verified (verification_status 'pending'): pending (back to review)", report.Of(Dirty(68)));
        Assert.Equal("repaired: status 'completed' but its contributions (100.00) fall short of the goal (1000.00): paused", report.Of(Dirty(69)));
        Assert.Equal("repaired: current_amount 999.00 is not the sum of its contributions (32.35): the sum used", report.Of(Dirty(70)));
        Assert.Equal("repaired: status 'on hold' is unknown: pending (back to review)", report.Of(Dirty(71)));
        Assert.Equal("repaired: its contributions reach the goal (60.00 of 50.00): completed", report.Of(Dirty(72)));
        Assert.Equal($"skipped: campaign {_legacy.Id("gone", 8)} was not imported (missing from public.campaigns, or skipped)", report.Of(Dirty(81)));
        Assert.Equal($"skipped: campaign {Dirty(61)} was not imported (missing from public.campaigns, or skipped)", report.Of(Dirty(82)));
        Assert.Equal("skipped: amount 0.00 is outside 0.01..1000000", report.Of(Dirty(83)));
        Assert.Equal("skipped: amount -10.00 is outside 0.01..1000000", report.Of(Dirty(84)));
        Assert.Equal("skipped: user_id is empty (no contributor)", report.Of(Dirty(85)));
        Assert.Equal("repaired: amount 12.345 has more than two decimals: 12.35", report.Of(Dirty(86)));
        Assert.Equal(string.Empty, report.Of(Dirty(87)));

        // Through the API: the campaign whose total the original had wrong, in birr, with its two contributions.
        var wrongTotal = await api.GetJsonAsync($"api/campaigns/{Dirty(70)}");
        Assert.Equal("active", Text(wrongTotal, "status"));
        Assert.Equal("etb", Text(wrongTotal, "currency"));
        Assert.Equal(32.35m, wrongTotal.GetProperty("collected_amount").GetDecimal());
        Assert.Equal(2, wrongTotal.GetProperty("contributor_count").GetInt32());
        var paused = await api.GetJsonAsync($"api/campaigns/{Dirty(67)}", api.AdminToken);
        Assert.Equal(("paused", LegacyCampaignValues.EndedBeforeGoal), (Text(paused, "status"), Text(paused, "pause_reason")));

        // Every imported campaign's total is its imported contributions; those are confirmed legacy money.
        var campaigns = Enumerable.Range(0, Campaigns).Select(n => _legacy.Id("campaign", n)).Concat(Enumerable.Range(61, 12).Select(Dirty)).ToArray();
        Assert.Equal(0, await ScalarAsync<long>(
            """
            select count(*) from campaign.campaigns c
              cross join lateral (select coalesce(sum(k.amount), 0) as total, count(distinct k.contributor_id)::int as people
                                    from campaign.contributions k where k.campaign_id = c.id) t
             where c.id = any(@campaigns) and (c.collected_amount, c.contributor_count, c.currency) is distinct from (t.total, t.people, 'etb')
            """,
            new { campaigns }));
        Assert.Equal(Contributions + 4, await ScalarAsync<long>(
            """
            select count(*) from campaign.contributions
             where campaign_id = any(@campaigns) and status = 'confirmed' and provider = 'legacy' and currency = 'etb'
               and amount_minor = amount * 100 and confirmed_at = created_at
            """,
            new { campaigns }));
        Assert.True(await ScalarAsync<long>("select count(*) from campaign.campaigns where id = any(@campaigns) and status = 'completed'", new { campaigns }) > 1);
        Assert.Equal(0, await ScalarAsync<long>("select count(*) from campaign.outbox where coalesce(envelope::jsonb #>> '{data,campaign,campaign_id}', envelope::jsonb #>> '{data,campaign_id}')::uuid = any(@campaigns)", new { campaigns }));

        // Run again: nothing new, nothing doubled, the same report.
        var (again, second) = await RunAsync("ETB");
        Assert.True(again == 0, second);
        Assert.Equal(new ImportTally(Campaigns + 11, 0, 0, Campaigns + 8, 8, 3), ImportOutput.Counts(second, "public.campaigns"));
        Assert.Equal(new ImportTally(Contributions + 9, 0, 0, Contributions + 4, 1, 5), ImportOutput.Counts(second, "public.contributions"));
        Assert.Equal(report, ImportOutput.Issues(_report));

        // An admin deletes an imported campaign: its legacy contributions are not queued for a refund
        // (the platform holds no payment to return); they stay confirmed.
        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{Dirty(70)}", api.AdminToken), 204);
        Assert.Equal(2, await ScalarAsync<long>(
            "select count(*) from campaign.contributions where campaign_id = @id and status = 'confirmed' and refund_reference is null", new { id = Dirty(70) }));
    }

    private Guid Dirty(int n) => _legacy.Id("dirty", n);

    private async Task<(int ExitCode, string Output)> RunAsync(string? currency)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CampaignDbConnection"] = TestEnvironment.Require("CampaignDbConnection"),
            ["LegacyCampaignDbConnection"] = _legacy.ConnectionString,
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("CampaignService"),
            ["SUPABASE_URL"] = SupabaseUrl,
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
        };
        if (currency is not null)
        {
            settings["LegacyCurrency"] = currency;
        }

        return await ImportCommand.RunAsync("CampaignService", settings, "--report", _report);
    }
}
