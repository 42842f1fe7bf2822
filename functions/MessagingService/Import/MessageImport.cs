using Dapper;
using Platform.Data;
using Platform.Data.Import;

namespace MessagingService.Import;

/// <summary>A row of the original app's <c>public.messages</c>, with whether its two users exist there.</summary>
public sealed class LegacyMessage : ILegacyRow
{
    public Guid Id { get; init; }

    public Guid? SenderId { get; init; }

    public Guid? ReceiverId { get; init; }

    public Guid? DonationId { get; init; }

    public Guid? CampaignId { get; init; }

    public string? Content { get; init; }

    public bool? Read { get; init; }

    public DateTime? CreatedAt { get; init; }

    public bool SenderFound { get; init; }

    public bool ReceiverFound { get; init; }
}

/// <summary>
/// <c>public.messages</c> → <c>messaging.messages</c>, keeping the original ids. The original's
/// <c>read</c> flag becomes <c>read_at</c> = the message's own time (the original kept no read
/// time). A message from or to a user the original no longer has, to oneself, or without content is
/// skipped. No event and no notification: the conversations arrive as they were.
/// </summary>
public sealed class MessageImport : LegacyTableImport<LegacyMessage>
{
    public const int ContentLimit = 4000;

    public override string Source => "public.messages";

    protected override string From =>
        """
        public.messages m
          left join public.profiles s on s.id = m.sender_id
          left join public.profiles r on r.id = m.receiver_id
        """;

    protected override string Key => "m.id";

    protected override string Columns =>
        "m.id, m.sender_id, m.receiver_id, m.donation_id, m.campaign_id, m.content, m.read, m.created_at, s.id is not null as sender_found, r.id is not null as receiver_found";

    /// <summary>Why the platform refuses the message (null: it takes it).</summary>
    public static string? Refusal(LegacyMessage row) => row switch
    {
        { SenderId: null } => "sender_id is empty",
        { SenderFound: false } => $"sender {row.SenderId} has no profile (missing from public.profiles)",
        { ReceiverId: null } => "receiver_id is empty",
        { ReceiverFound: false } => $"receiver {row.ReceiverId} has no profile (missing from public.profiles)",
        _ when row.SenderId == row.ReceiverId => "a message to oneself",
        _ when string.IsNullOrWhiteSpace(row.Content) => "content is empty",
        _ => null,
    };

    protected override async Task WriteAsync(UnitOfWork uow, IReadOnlyList<LegacyMessage> rows, ImportBatch batch, CancellationToken cancellationToken)
    {
        var mapped = new List<(LegacyMessage Row, string Content, Guid? CampaignId, DateTime CreatedAt)>(rows.Count);
        foreach (var row in rows)
        {
            if (Refusal(row) is { } reason)
            {
                batch.Skip(row.Id, reason);
                continue;
            }

            var campaign = row.CampaignId;
            if (row.DonationId is not null && campaign is not null)
            {
                batch.Repair(row.Id, "names both a donation and a campaign: the campaign left out");
                campaign = null;
            }

            mapped.Add((
                row,
                batch.Use(row.Id, LegacyFields.Cut("content", row.Content, ContentLimit))!,
                campaign,
                batch.Use(row.Id, LegacyFields.CreatedAt(row.CreatedAt, null))));
        }

        if (mapped.Count == 0)
        {
            return;
        }

        var written = (await uow.Connection.QueryAsync<bool>(new CommandDefinition(
            """
            insert into messaging.messages as m (id, sender_id, receiver_id, content, donation_id, campaign_id, read_at, created_at)
            select * from unnest(@Id, @SenderId, @ReceiverId, @Content, @DonationId, @CampaignId, @ReadAt, @CreatedAt)
            on conflict (id) do update set sender_id = excluded.sender_id, receiver_id = excluded.receiver_id, content = excluded.content,
                donation_id = excluded.donation_id, campaign_id = excluded.campaign_id, read_at = excluded.read_at, created_at = excluded.created_at
             where (m.sender_id, m.receiver_id, m.content, m.donation_id, m.campaign_id, m.read_at, m.created_at)
                is distinct from (excluded.sender_id, excluded.receiver_id, excluded.content, excluded.donation_id, excluded.campaign_id,
                excluded.read_at, excluded.created_at)
            returning (m.xmax = 0)
            """,
            new
            {
                Id = mapped.Select(m => m.Row.Id).ToArray(),
                SenderId = mapped.Select(m => m.Row.SenderId!.Value).ToArray(),
                ReceiverId = mapped.Select(m => m.Row.ReceiverId!.Value).ToArray(),
                Content = mapped.Select(m => m.Content).ToArray(),
                DonationId = mapped.Select(m => m.Row.DonationId).ToArray(),
                CampaignId = mapped.Select(m => m.CampaignId).ToArray(),
                ReadAt = mapped.Select(m => m.Row.Read == true ? m.CreatedAt : (DateTime?)null).ToArray(),
                CreatedAt = mapped.Select(m => m.CreatedAt).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken))).AsList();
        var inserted = written.Count(w => w);
        batch.Wrote(inserted, written.Count - inserted);
    }
}
