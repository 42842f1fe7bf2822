using Npgsql;
using Platform.Testing;
using RequestService.Import;
using RequestService.Tests.EndToEnd;

namespace RequestService.Tests.Import;

/// <summary>
/// The move in the order docs/MOVING-IN.md gives: donation-service's import, then request-service's,
/// with both services running (their relays publish what the imports wrote, their consumers build
/// the copies). Checks the requests and ratings, the report of the dirty rows, the API, and that
/// request-service's copies and the donors' rating sums equal their owners' data afterwards.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class LegacyImportTests(StackFixture stack) : IAsyncLifetime
{
    private const int Users = 60;
    private const int Donations = 300;
    private const int Requests = 300;
    private const int Ratings = 50;
    private readonly string _report = Path.Combine(Path.GetTempPath(), $"legacy-import-{Guid.NewGuid():N}.txt");
    private LegacyDatabase _legacy = null!;

    public async Task InitializeAsync()
    {
        _legacy = await LegacyDatabase.CreateAsync();
        await _legacy.ExecuteAsync($"select legacy_generate('{_legacy.Seed}', {Users}, {Donations}, {Requests}, {Ratings}); select legacy_dirty('{_legacy.Seed}');");
    }

    public async Task DisposeAsync()
    {
        await _legacy.DisposeAsync();
        File.Delete(_report);
    }

    [Fact]
    public async Task Requests_and_ratings_arrive_with_their_ids_the_refused_rows_are_reported_and_the_copies_match_their_owners()
    {
        await ImportAsync("DonationService", "DonationDbConnection", "--restart");

        var output = await ImportAsync("RequestService", "RequestDbConnection", "--restart");

        // One of request 0 and its duplicate (same recipient, same donation) is kept: the first by id.
        var (kept, duplicate) = Ordered(_legacy.Id("request", 0), _legacy.Id("dirty", 23));
        Assert.Equal(new ImportTally(Requests + 6, Requests + 1, 0, 0, 1, 5), ImportOutput.Counts(output, "public.requests"));
        var (linked, second) = Ordered(_legacy.Id("rating", 0), _legacy.Id("dirty", 35));
        Assert.Equal(new ImportTally(Ratings + 5, Ratings + 2, 0, 0, 2, 3), ImportOutput.Counts(output, "public.ratings"));

        var report = ImportOutput.Issues(_report);
        Assert.Equal($"skipped: donation {_legacy.Id("gone", 2)} does not exist in public.donations", report.Of(_legacy.Id("dirty", 21)));
        Assert.Equal($"skipped: donation {_legacy.Id("dirty", 11)} has no donor profile (donation-service skipped it)", report.Of(_legacy.Id("dirty", 22)));
        Assert.Equal($"skipped: duplicate of request {kept} (one request per recipient and donation)", report.Of(duplicate));
        Assert.Equal($"skipped: recipient {_legacy.Id("gone", 3)} has no profile (missing from public.profiles)", report.Of(_legacy.Id("dirty", 24)));
        Assert.Equal("skipped: the recipient is the donation's own donor", report.Of(_legacy.Id("dirty", 25)));
        Assert.Equal(
            $"repaired: donor_id {_legacy.Id("profile", 0)} is not the donation's donor: {_legacy.Id("profile", 15)} used | repaired: status 'on hold' is unknown: cancelled",
            report.Of(_legacy.Id("dirty", 26)));
        Assert.Equal("skipped: rating 7 is outside 1..5", report.Of(_legacy.Id("dirty", 31)));
        Assert.Equal("skipped: rating 0 is outside 1..5", report.Of(_legacy.Id("dirty", 32)));
        Assert.Equal("repaired: " + RatingImport.KeptAsLegacy, report.Of(_legacy.Id("dirty", 33)));
        Assert.Equal($"skipped: donor {_legacy.Id("gone", 4)} has no profile (missing from public.profiles)", report.Of(_legacy.Id("dirty", 34)));
        Assert.Equal("repaired: " + RatingImport.KeptAsLegacy, report.Of(second));
        Assert.Equal(string.Empty, report.Of(linked));

        // Through the API: a migrated recipient reads their request; the ratings of a donor name their requests.
        var recipient = new TestUser(_legacy.Id("profile", 1), stack.Tokens.User(_legacy.Id("profile", 1)));
        var request7 = await stack.GetRequestAsync(recipient, _legacy.Id("request", 7));
        Assert.Equal("approved", request7.GetProperty("status").GetString());
        Assert.Equal(_legacy.Id("donation", 7), request7.GetProperty("donation_id").GetGuid());
        var linkedDonor = await ScalarAsync<Guid>("select donor_id from request.ratings where id = @id", linked);
        var ratings = await stack.ExpectAsync(await StackFixture.SendAsync(stack.Requests, HttpMethod.Get, $"api/ratings?donor_id={linkedDonor}&limit=100", stack.AdminToken), 200);
        var listed = ratings.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(listed, r => r.GetProperty("id").GetGuid() == linked && r.GetProperty("request_id").GetGuid() == _legacy.Id("request", 4));

        // Point 4: the copies request-service keeps, and the rating sums donation-service keeps, equal their owners' data.
        Assert.True(
            await StackFixture.PollAsync(async () => await CopyDifferencesAsync() == 0, TimeSpan.FromSeconds(60)),
            $"request-service's copies still differ from donation-service's data in {await CopyDifferencesAsync()} rows");
        Assert.True(
            await StackFixture.PollAsync(async () => await RatingSumDifferencesAsync() == 0, TimeSpan.FromSeconds(60)),
            $"{await RatingSumDifferencesAsync()} donors' rating sums differ from their imported ratings");

        // Run again: nothing new, nothing doubled (no second rating.submitted), the same report.
        var again = await ImportAsync("RequestService", "RequestDbConnection");
        Assert.Equal(new ImportTally(Requests + 6, 0, 0, Requests + 1, 1, 5), ImportOutput.Counts(again, "public.requests"));
        Assert.Equal(new ImportTally(Ratings + 5, 0, 0, Ratings + 2, 2, 3), ImportOutput.Counts(again, "public.ratings"));
        Assert.Equal(report, ImportOutput.Issues(_report));
        Assert.Equal(Ratings + 2, await ScalarAsync<long>(
            "select count(*) from request.outbox where event_type = 'rating.submitted' and (envelope::jsonb #>> '{data,rating_id}')::uuid = any(@ids)",
            Enumerable.Range(0, Ratings).Select(n => _legacy.Id("rating", n)).Concat(Enumerable.Range(31, 5).Select(n => _legacy.Id("dirty", n))).ToArray()));
    }

    private static (Guid First, Guid Second) Ordered(Guid a, Guid b) =>
        string.CompareOrdinal(a.ToString(), b.ToString()) < 0 ? (a, b) : (b, a);

    private async Task<string> ImportAsync(string service, string databaseSetting, params string[] arguments)
    {
        var (exitCode, output) = await ImportCommand.RunAsync(
            service,
            new Dictionary<string, string?>
            {
                [databaseSetting] = TestEnvironment.Require(databaseSetting),
                ["LegacyDbConnection"] = _legacy.ConnectionString,
                ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor(service),
                ["SUPABASE_URL"] = StackFixture.SupabaseUrl,
                ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
                ["DonationServiceUrl"] = stack.Donations.BaseAddress.ToString(),
            },
            [.. arguments, "--report", _report]);
        Assert.True(exitCode == 0, $"{service} import-legacy exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }

    /// <summary>This import's profiles and donations whose copy in request-service is missing or differs (role, blocked; donor, status).</summary>
    private Task<long> CopyDifferencesAsync() => ScalarAsync<long>(
        """
        select (select count(*) from donation.profiles p left join request.profile_copies c on c.user_id = p.id
                 where p.id = any(@ids) and (c.user_id is null or (c.role, c.blocked) is distinct from (p.role, p.blocked)))
             + (select count(*) from donation.donations d left join request.donation_copies c on c.donation_id = d.id
                 where d.donor_id = any(@ids) and (c.donation_id is null or (c.donor_id, c.status) is distinct from (d.donor_id, d.status)))
        """,
        ProfileIds());

    /// <summary>Donors of this import whose rating sum and count differ from their imported ratings (linked and legacy).</summary>
    private Task<long> RatingSumDifferencesAsync() => ScalarAsync<long>(
        """
        select count(*) from donation.profiles p
          left join (select donor_id, sum(rating) as total, count(*) as n
                       from (select donor_id, rating from request.ratings union all select donor_id, rating from request.legacy_ratings) all_ratings
                      group by donor_id) r on r.donor_id = p.id
         where p.id = any(@ids) and (p.rating_sum, p.rating_count) is distinct from (coalesce(r.total, 0), coalesce(r.n, 0))
        """,
        ProfileIds());

    private Guid[] ProfileIds() =>
        [.. Enumerable.Range(0, Users).Select(n => _legacy.Id("profile", n)), .. Enumerable.Range(1, 5).Select(n => _legacy.Id("dirty", n))];

    private static async Task<T> ScalarAsync<T>(string sql, object ids)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(ids is Guid ? "id" : "ids", ids);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
