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
    /// One row per partner, the conversation with the latest message first: a range of the caller's
    /// rows of messaging.conversations (kept by triggers on messages, migration 0007), each joined to its
    /// last message by primary key. The cost is one page whatever the number of partners.
    /// </summary>
    public async Task<IReadOnlyList<ConversationRow>> ListConversationsAsync(Guid me, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            select c.partner_id, c.unread_count, m.id, m.sender_id, m.receiver_id, m.content, m.donation_id, m.campaign_id, m.read_at, m.created_at, m.attachment_count
              from messaging.conversations c
              join messaging.messages m on m.id = c.last_message_id
             where c.user_id = @me
            """);
        if (page.After is not null)
        {
            sql.Append(" and (c.last_at, c.last_message_id) < (@afterAt, @afterId)");
        }

        sql.Append(" order by c.last_at desc, c.last_message_id desc limit @take");
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
