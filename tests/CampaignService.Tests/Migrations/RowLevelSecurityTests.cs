using CampaignService.Tests.Http;
using Dapper;
using Npgsql;
using Platform.Testing;
using static CampaignService.Tests.Http.CampaignServiceFixture;

namespace CampaignService.Tests.Migrations;

/// <summary>
/// What Supabase's Data API would show a frontend that talks to the campaign database directly
/// (roles <c>anon</c> and <c>authenticated</c>, <c>auth.uid()</c> from the JWT claims): listed
/// campaigns, one's own, one's own contributions; no internal table; no write.
/// </summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class RowLevelSecurityTests(CampaignServiceFixture api)
{
    private const string OwnersCampaigns = "select id from campaign.campaigns where recipient_id = @owner order by created_at";

    [Fact]
    public async Task Anyone_reads_listed_campaigns_and_an_owner_also_their_pending_ones()
    {
        var owner = await api.VerifiedRecipientAsync();
        var listed = IdOf(await api.CreateCampaignAsync(owner.Token));
        await api.ReviewAsync(listed, "approve");
        var pending = IdOf(await api.CreateCampaignAsync(owner.Token));
        var parameters = new { owner = owner.Id };

        Assert.Equal([listed], await AsAsync(null, c => c.QueryAsync<Guid>(OwnersCampaigns, parameters)));
        Assert.Equal([listed], await AsAsync(Guid.NewGuid(), c => c.QueryAsync<Guid>(OwnersCampaigns, parameters)));
        Assert.Equal([listed, pending], await AsAsync(owner.Id, c => c.QueryAsync<Guid>(OwnersCampaigns, parameters)));
    }

    [Fact]
    public async Task Contributions_are_readable_by_their_contributor_and_the_campaign_owner_only()
    {
        var (owner, id) = await api.ActiveCampaignAsync();
        var donor = api.NewUser();
        await api.ExpectAsync(await api.ContributeAsync(id, donor.Token, 5), 201);
        await api.ExpectAsync(await api.ContributeAsync(id, api.NewUser().Token, 6), 201);
        const string Sql = "select contributor_id from campaign.contributions where campaign_id = @id";

        Assert.Equal([donor.Id], await AsAsync(donor.Id, c => c.QueryAsync<Guid>(Sql, new { id })));
        Assert.Equal(2, (await AsAsync(owner.Id, c => c.QueryAsync<Guid>(Sql, new { id }))).Count());
        Assert.Empty(await AsAsync(Guid.NewGuid(), c => c.QueryAsync<Guid>(Sql, new { id })));
        await AssertDeniedAsync(null, c => c.QueryAsync<Guid>(Sql, new { id }));
    }

    [Theory]
    [InlineData("update campaign.campaigns set collected_amount = collected_amount + 1000 where recipient_id = @me")]
    [InlineData("insert into campaign.contributions (id, campaign_id, contributor_id, amount) select gen_random_uuid(), id, @me, 1 from campaign.campaigns limit 1")]
    [InlineData("delete from campaign.campaigns where recipient_id = @me")]
    [InlineData("select count(*) from campaign.profile_copies")]
    [InlineData("select count(*) from campaign.outbox")]
    [InlineData("select count(*) from campaign.idempotency_keys")]
    public async Task Nothing_is_written_and_no_internal_table_is_read_through_the_data_api(string sql)
    {
        var owner = await api.VerifiedRecipientAsync();
        await api.CreateCampaignAsync(owner.Token);

        await AssertDeniedAsync(owner.Id, c => c.ExecuteAsync(sql, new { me = owner.Id }));
    }

    private static async Task AssertDeniedAsync<T>(Guid? user, Func<NpgsqlConnection, Task<T>> query)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsAsync(user, query));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    /// <summary>Runs <paramref name="query"/> as Supabase's <c>anon</c> role (null) or as the signed-in user, then rolls back.</summary>
    private static async Task<T> AsAsync<T>(Guid? user, Func<NpgsqlConnection, Task<T>> query)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.CampaignDb);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(user is null ? "set local role anon" : "set local role authenticated", transaction: transaction);
        var claims = user is null ? """{"role":"anon"}""" : $$"""{"sub":"{{user}}","role":"authenticated"}""";
        await connection.ExecuteAsync("select set_config('request.jwt.claims', @claims, true)", new { claims }, transaction);
        try
        {
            return await query(connection);
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }
}
