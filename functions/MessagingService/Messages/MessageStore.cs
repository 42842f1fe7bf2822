using System.Text;
using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>The SQL of messages. Writes run inside the caller's unit of work; lists only ever hold the caller's own messages.</summary>
public sealed class MessageStore(ServiceDatabase database) : IMessageStore
{
    private const string Columns = "id, sender_id, receiver_id, content, donation_id, campaign_id, read_at, created_at, attachment_count";

    public Task<Message> InsertAsync(UnitOfWork uow, Guid senderId, MessageDraft draft, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Message>(new CommandDefinition(
            $"""
            insert into messaging.messages (id, sender_id, receiver_id, content, donation_id, campaign_id, attachment_count)
            values (@id, @senderId, @ReceiverId, @Content, @DonationId, @CampaignId, @AttachmentCount)
            returning {Columns}
            """,
            new { id = Guid.CreateVersion7(), senderId, draft.ReceiverId, draft.Content, draft.DonationId, draft.CampaignId, draft.AttachmentCount },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Message?> FindAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Message>(new CommandDefinition(
            $"select {Columns} from messaging.messages where id = @id", new { id }, uow.Transaction, cancellationToken: cancellationToken));

    public Task<Message?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Message>(new CommandDefinition(
            $"select {Columns} from messaging.messages where id = @id for update", new { id }, uow.Transaction, cancellationToken: cancellationToken));

    public Task<Message?> DeleteAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleOrDefaultAsync<Message>(new CommandDefinition(
            $"""
            with gone as (delete from messaging.notifications where source_event_id = @source and type = 'message.sent')
            delete from messaging.messages where id = @id returning {Columns}
            """,
            new { id, source = id.ToString() },
            uow.Transaction,
            cancellationToken: cancellationToken));

    public Task<Message> MarkReadAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken) =>
        uow.Connection.QuerySingleAsync<Message>(new CommandDefinition(
            $"update messaging.messages set read_at = coalesce(read_at, now()) where id = @id returning {Columns}",
            new { id },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>A page of the conversation between <paramref name="me"/> and another user, oldest first.</summary>
    public async Task<IReadOnlyList<Message>> ListConversationAsync(Guid me, ConversationFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        // The pair (least, greatest) always contains me: nobody reads a conversation they are not part of.
        var sql = new StringBuilder(
            $"""
            select {Columns} from messaging.messages
             where least(sender_id, receiver_id) = least(@me, @With) and greatest(sender_id, receiver_id) = greatest(@me, @With)
            """);
        if (filter.DonationId is not null)
        {
            sql.Append(" and donation_id = @DonationId");
        }

        if (filter.CampaignId is not null)
        {
            sql.Append(" and campaign_id = @CampaignId");
        }

        if (page.After is not null)
        {
            sql.Append(" and (created_at, id) > (@afterAt, @afterId)");
        }

        sql.Append(" order by created_at, id limit @take");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Message>(new CommandDefinition(
            sql.ToString(),
            new { me, filter.With, filter.DonationId, filter.CampaignId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// One row per partner, the conversation with the latest message first: the partners come from
    /// index-only scans of the caller's sent and received messages, each last message from the pair
    /// index scanned backwards, each unread count from the partial index of unread messages.
    /// </summary>
    public async Task<IReadOnlyList<ConversationRow>> ListConversationsAsync(Guid me, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            with partners as (
                select receiver_id as partner_id from messaging.messages where sender_id = @me
                union
                select sender_id from messaging.messages where receiver_id = @me)
            select p.partner_id, m.id, m.sender_id, m.receiver_id, m.content, m.donation_id, m.campaign_id, m.read_at, m.created_at,
                   (select count(*) from messaging.messages u
                     where u.receiver_id = @me and u.sender_id = p.partner_id and u.read_at is null) as unread_count
              from partners p
              cross join lateral (
                    select l.id, l.sender_id, l.receiver_id, l.content, l.donation_id, l.campaign_id, l.read_at, l.created_at
                      from messaging.messages l
                     where least(l.sender_id, l.receiver_id) = least(@me, p.partner_id)
                       and greatest(l.sender_id, l.receiver_id) = greatest(@me, p.partner_id)
                     order by l.created_at desc, l.id desc
                     limit 1) m
            """);
        if (page.After is not null)
        {
            sql.Append(" where (m.created_at, m.id) < (@afterAt, @afterId)");
        }

        sql.Append(" order by m.created_at desc, m.id desc limit @take");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ConversationRow>(new CommandDefinition(
            sql.ToString(),
            new { me, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

/// <summary>Reads and writes of messages; writes join the caller's unit of work.</summary>
public interface IMessageStore
{
    Task<Message> InsertAsync(UnitOfWork uow, Guid senderId, MessageDraft draft, CancellationToken cancellationToken);

    Task<Message?> FindAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<Message?> LockAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    /// <summary>Deletes a message and the notification of it (its excerpt); null when it is gone already.</summary>
    Task<Message?> DeleteAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    /// <summary>Sets read_at unless it is set already; returns the row.</summary>
    Task<Message> MarkReadAsync(UnitOfWork uow, Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Message>> ListConversationAsync(Guid me, ConversationFilter filter, PageRequest page, CancellationToken cancellationToken);

    Task<IReadOnlyList<ConversationRow>> ListConversationsAsync(Guid me, PageRequest page, CancellationToken cancellationToken);
}
