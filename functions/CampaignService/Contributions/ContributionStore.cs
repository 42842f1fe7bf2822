using CampaignService.Payments;
using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace CampaignService.Contributions;

/// <summary>What a new pending contribution is made of.</summary>
public sealed record NewContribution(Guid CampaignId, Guid ContributorId, long AmountMinor, string Currency, string Provider, string? IdempotencyKey);

/// <summary>Reads and writes of contributions; writes join the caller's unit of work.</summary>
public interface IContributionStore
{
    /// <summary>Inserts a pending contribution; null when the contributor already has one with this Idempotency-Key.</summary>
    Task<Contribution?> InsertPendingAsync(UnitOfWork uow, NewContribution contribution, CancellationToken cancellationToken);

    Task<Contribution?> FindByIdempotencyKeyAsync(UnitOfWork uow, Guid contributorId, string idempotencyKey, CancellationToken cancellationToken);

    Task<Contribution?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<Contribution?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    /// <summary>Records the provider's checkout session of a contribution (whatever its state: a webhook may already have confirmed it).</summary>
    Task<Contribution?> SetCheckoutAsync(UnitOfWork uow, Guid id, string sessionId, string? url, CancellationToken cancellationToken);

    /// <summary>Removes a pending contribution whose checkout session was never created (the provider was unavailable).</summary>
    Task<bool> DeleteWithoutCheckoutAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    /// <summary>Moves a (locked) contribution to <paramref name="status"/>; confirming stamps confirmed_at.</summary>
    Task<Contribution> SetStatusAsync(
        UnitOfWork uow, Guid id, ContributionStatus status, string? reason, string? paymentReference, CancellationToken cancellationToken);

    /// <summary>
    /// True when the contributor has no other confirmed contribution to the campaign. Call it after
    /// confirming while holding the campaign's row lock, so earlier confirmations are visible.
    /// </summary>
    Task<bool> IsFirstOfContributorAsync(UnitOfWork uow, Guid campaignId, Guid contributorId, CancellationToken cancellationToken);

    /// <summary>Everyone whose money counts in the campaign (confirmed contributions).</summary>
    Task<IReadOnlyList<Guid>> ContributorIdsAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken);

    /// <summary>
    /// Queues every confirmed contribution of the campaign for a refund; answers how many. Contributions
    /// imported from the original app (provider <c>legacy</c>) are not queued: the original took that
    /// money and the platform has no payment to return; they stay confirmed (docs/MOVING-IN.md).
    /// </summary>
    Task<int> QueueRefundsAsync(UnitOfWork uow, Guid campaignId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the next contribution of <paramref name="provider"/> (or of none: made before payments
    /// were real) due for a refund, locked and skipped by other instances; null when none is due.
    /// </summary>
    Task<Contribution?> NextRefundAsync(UnitOfWork uow, string provider, CancellationToken cancellationToken);

    Task MarkRefundedAsync(UnitOfWork uow, Guid id, string refundReference, CancellationToken cancellationToken);

    /// <summary>A refund that failed this time is tried again after <paramref name="delay"/>.</summary>
    Task PostponeRefundAsync(UnitOfWork uow, Guid id, TimeSpan delay, CancellationToken cancellationToken);

    Task<IReadOnlyList<Contribution>> ListAsync(Guid campaignId, Guid? contributorId, PageRequest page, CancellationToken cancellationToken);

    Task<IReadOnlyList<Contribution>> ListOwnAsync(Guid contributorId, ContributionStatus? status, PageRequest page, CancellationToken cancellationToken);
}

/// <summary>The SQL of contributions.</summary>
public sealed class ContributionStore(ServiceDatabase database) : IContributionStore
{
    private const string Columns =
        "id, campaign_id, contributor_id, amount, amount_minor, currency, status, provider, checkout_session_id, checkout_url, "
        + "payment_reference, refund_reference, status_reason, refund_attempts, created_at, confirmed_at, updated_at";

    public Task<Contribution?> InsertPendingAsync(UnitOfWork uow, NewContribution c, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Contribution>(new CommandDefinition(
            $"""
            insert into campaign.contributions (id, campaign_id, contributor_id, amount, amount_minor, currency, minor_unit_digits, status, provider, idempotency_key)
            values (@id, @CampaignId, @ContributorId, @amount, @AmountMinor, @Currency, @digits, 'pending', @Provider, @IdempotencyKey)
            on conflict (contributor_id, idempotency_key) where idempotency_key is not null do nothing
            returning {Columns}
            """,
            new
            {
                id = Guid.CreateVersion7(), c.CampaignId, c.ContributorId, amount = Currencies.Of(c.Currency).FromMinorUnits(c.AmountMinor),
                c.AmountMinor, c.Currency, digits = (short)Currencies.Of(c.Currency).Decimals, c.Provider, c.IdempotencyKey,
            },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Contribution?> FindByIdempotencyKeyAsync(UnitOfWork uow, Guid contributorId, string idempotencyKey, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Contribution>(new CommandDefinition(
            $"select {Columns} from campaign.contributions where contributor_id = @contributorId and idempotency_key = @idempotencyKey",
            new { contributorId, idempotencyKey },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<Contribution?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Contribution>(new CommandDefinition(
            $"select {Columns} from campaign.contributions where id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public Task<Contribution?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Contribution>(new CommandDefinition(
            $"select {Columns} from campaign.contributions where id = @id for update",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Contribution?> SetCheckoutAsync(UnitOfWork uow, Guid id, string sessionId, string? url, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Contribution>(new CommandDefinition(
            $"""
            update campaign.contributions set checkout_session_id = @sessionId, checkout_url = @url, updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, sessionId, url },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<bool> DeleteWithoutCheckoutAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteAsync(new CommandDefinition(
            "delete from campaign.contributions where id = @id and status = 'pending' and checkout_session_id is null",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public Task<Contribution> SetStatusAsync(
        UnitOfWork uow, Guid id, ContributionStatus status, string? reason, string? paymentReference, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Contribution>(new CommandDefinition(
            $"""
            update campaign.contributions
               set status = @status, status_reason = @reason,
                   payment_reference = coalesce(@paymentReference, payment_reference),
                   confirmed_at = case when @status in ('confirmed', 'refund_pending') then coalesce(confirmed_at, now()) else confirmed_at end,
                   next_attempt_at = case when @status = 'refund_pending' then now() else next_attempt_at end,
                   updated_at = now()
             where id = @id
            returning {Columns}
            """,
            new { id, status = status.ToText(), reason, paymentReference },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<bool> IsFirstOfContributorAsync(UnitOfWork uow, Guid campaignId, Guid contributorId, CancellationToken cancellationToken) =>
        await uow.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            select count(*) from (select 1 from campaign.contributions
                                   where campaign_id = @campaignId and contributor_id = @contributorId and status = 'confirmed' limit 2) c
            """,
            new { campaignId, contributorId },
            uow.Transaction,
            cancellationToken: cancellationToken)) == 1;

    public async Task<IReadOnlyList<Guid>> ContributorIdsAsync(UnitOfWork uow, Guid campaignId, CancellationToken cancellationToken)
    {
        var ids = await uow.Connection.QueryAsync<Guid>(new CommandDefinition(
            "select distinct contributor_id from campaign.contributions where campaign_id = @campaignId and status = 'confirmed' order by contributor_id",
            new { campaignId },
            uow.Transaction,
            cancellationToken: cancellationToken));
        return ids.AsList();
    }

    public Task<int> QueueRefundsAsync(UnitOfWork uow, Guid campaignId, string reason, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            update campaign.contributions
               set status = 'refund_pending', status_reason = @reason, next_attempt_at = now(), updated_at = now()
             where campaign_id = @campaignId and status = 'confirmed' and provider <> @legacy
            """,
            new { campaignId, reason, legacy = Import.LegacyCampaignValues.Provider },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Contribution?> NextRefundAsync(UnitOfWork uow, string provider, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Contribution>(new CommandDefinition(
            $"""
            select {Columns} from campaign.contributions
             where status = 'refund_pending' and next_attempt_at <= now() and provider in (@provider, 'none')
             order by next_attempt_at
             limit 1
               for update skip locked
            """,
            new { provider },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task MarkRefundedAsync(UnitOfWork uow, Guid id, string refundReference, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            update campaign.contributions
               set status = 'refunded', refund_reference = @refundReference, refund_attempts = refund_attempts + 1, next_attempt_at = null, updated_at = now()
             where id = @id and status = 'refund_pending'
            """,
            new { id, refundReference },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task PostponeRefundAsync(UnitOfWork uow, Guid id, TimeSpan delay, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            update campaign.contributions
               set refund_attempts = refund_attempts + 1, next_attempt_at = now() + make_interval(secs => @seconds), updated_at = now()
             where id = @id and status = 'refund_pending'
            """,
            new { id, seconds = delay.TotalSeconds },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<Contribution>> ListAsync(Guid campaignId, Guid? contributorId, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = $"select {Columns} from campaign.contributions where campaign_id = @campaignId"
            + (contributorId is null ? string.Empty : " and contributor_id = @contributorId")
            + (page.After is null ? string.Empty : " and (created_at, id) < (@afterAt, @afterId)")
            + " order by created_at desc, id desc limit @take";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Contribution>(new CommandDefinition(
            sql,
            new { campaignId, contributorId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<Contribution>> ListOwnAsync(Guid contributorId, ContributionStatus? status, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = $"select {Columns} from campaign.contributions where contributor_id = @contributorId"
            + (status is null ? string.Empty : " and status = @status")
            + (page.After is null ? string.Empty : " and (created_at, id) < (@afterAt, @afterId)")
            + " order by created_at desc, id desc limit @take";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Contribution>(new CommandDefinition(
            sql,
            new { contributorId, status = status?.ToText(), afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
