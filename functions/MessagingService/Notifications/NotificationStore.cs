using System.Text;
using System.Text.Json;
using Dapper;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Notifications;

/// <summary>The SQL of notifications. Creating them joins the caller's unit of work (an event handler's or a request's).</summary>
public sealed class NotificationStore(ServiceDatabase database) : INotificationStore
{
    private const string Columns = "id, user_id, type, title, body, data::text as data, read_at, created_at";

    /// <summary>
    /// Inserts the notices of one source (an event id, or a message id), one per recipient; a notice
    /// already created for that source and recipient is skipped, so a redelivered event adds nothing.
    /// </summary>
    public async Task<int> AddAsync(UnitOfWork uow, string sourceEventId, IReadOnlyList<Notice> notices, CancellationToken cancellationToken)
    {
        var unique = notices.DistinctBy(n => n.UserId).ToList();
        if (unique.Count == 0)
        {
            return 0;
        }

        return await uow.Connection.ExecuteAsync(new CommandDefinition(
            """
            insert into messaging.notifications (id, user_id, type, title, body, data, source_event_id)
            select n.id, n.user_id, n.type, n.title, n.body, n.data::jsonb, @sourceEventId
              from unnest(@ids, @userIds, @types, @titles, @bodies, @data) as n(id, user_id, type, title, body, data)
            on conflict (source_event_id, user_id) do nothing
            """,
            new
            {
                sourceEventId,
                ids = unique.Select(_ => Guid.CreateVersion7()).ToArray(),
                userIds = unique.Select(n => n.UserId).ToArray(),
                types = unique.Select(n => n.Type).ToArray(),
                titles = unique.Select(n => n.Title).ToArray(),
                bodies = unique.Select(n => n.Body).ToArray(),
                data = unique.Select(n => JsonSerializer.Serialize(n.Data, PlatformJson.Options)).ToArray(),
            },
            uow.Transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>Marks read the notices of a source for one user (e.g. a message's notice once the message is read).</summary>
    public Task MarkSourceReadAsync(UnitOfWork uow, string sourceEventId, Guid userId, CancellationToken cancellationToken) =>
        uow.Connection.ExecuteAsync(new CommandDefinition(
            "update messaging.notifications set read_at = now() where source_event_id = @sourceEventId and user_id = @userId and read_at is null",
            new { sourceEventId, userId },
            uow.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>Marks the user's notification read (idempotent); null when it is not theirs or does not exist.</summary>
    public async Task<NotificationRow?> MarkReadAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<NotificationRow>(new CommandDefinition(
            $"""
            update messaging.notifications set read_at = coalesce(read_at, now())
             where id = @id and user_id = @userId
            returning {Columns}
            """,
            new { id, userId },
            cancellationToken: cancellationToken));
    }

    /// <summary>A page of the user's notifications, newest first; <paramref name="unread"/> true = unread only, false = read only.</summary>
    public async Task<IReadOnlyList<NotificationRow>> ListAsync(Guid userId, bool? unread, PageRequest page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"select {Columns} from messaging.notifications where user_id = @userId");
        sql.Append(unread switch
        {
            true => " and read_at is null",
            false => " and read_at is not null",
            null => string.Empty,
        });
        if (page.After is not null)
        {
            sql.Append(" and (created_at, id) < (@afterAt, @afterId)");
        }

        sql.Append(" order by created_at desc, id desc limit @take");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<NotificationRow>(new CommandDefinition(
            sql.ToString(),
            new { userId, afterAt = page.After?.AtOffset, afterId = page.After?.Id, take = page.Limit + 1 },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

/// <summary>Reads and writes of notifications.</summary>
public interface INotificationStore
{
    Task<int> AddAsync(UnitOfWork uow, string sourceEventId, IReadOnlyList<Notice> notices, CancellationToken cancellationToken);

    Task MarkSourceReadAsync(UnitOfWork uow, string sourceEventId, Guid userId, CancellationToken cancellationToken);

    Task<NotificationRow?> MarkReadAsync(Guid userId, Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<NotificationRow>> ListAsync(Guid userId, bool? unread, PageRequest page, CancellationToken cancellationToken);
}
