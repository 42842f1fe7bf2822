using Platform.Contracts.Events;
using Platform.Data;
using Platform.Data.Copies;
using Platform.Hosting.Hosting;

namespace CampaignService.Copies;

/// <summary>What campaign-service owns that others copy (<c>export-copies</c>): each campaign's owner, copied by messaging-service.</summary>
public static class CampaignCopies
{
    public static readonly IReadOnlyList<CopySource> Exports =
    [
        new("campaigns", "select id, jsonb_build_object('recipient_id', recipient_id) from campaign.campaigns where deleted_at is null"),
    ];
}

/// <summary>
/// <c>republish [campaigns] [--ids ID,...] [--batch-size N]</c>: publishes every (not deleted) campaign, or only
/// the given ids, as <c>campaign.republished</c> through the outbox, page by page, each row's version raised
/// by one in the same transaction, so the copies others keep are rebuilt on a running deployment (after
/// <c>import-legacy</c>, which publishes nothing). Nobody is notified of it.
/// </summary>
public sealed class CampaignRepublishTool(ServiceDatabase database) : IPlatformTool
{
    private static readonly string[] Kinds = ["campaigns"];

    private const string CampaignsSql =
        """
        update campaign.campaigns c set version = c.version + 1 where c.id = any(@ids) and c.deleted_at is null
        returning c.id as campaign_id, c.recipient_id, c.title, c.status, c.goal_amount, c.collected_amount, c.version
        """;

    public string Name => "republish";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var (arguments, error) = RepublishArguments.Parse(args, Kinds);
        if (arguments is null)
        {
            await Console.Error.WriteLineAsync($"republish: {error}{Environment.NewLine}{RepublishArguments.Usage(Kinds)}");
            return 2;
        }

        var queued = await Republisher.RepublishAsync<CampaignSnapshot>(
            database, "campaign.campaigns", CampaignsSql, campaign => new CampaignRepublished(campaign), arguments, cancellationToken);
        Console.WriteLine($"campaign.republished {queued,10} queued");
        return 0;
    }
}
