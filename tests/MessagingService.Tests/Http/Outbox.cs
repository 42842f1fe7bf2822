using System.Text.Json;
using Dapper;
using Npgsql;

namespace MessagingService.Tests.Http;

/// <summary>Reads messaging-service's tables directly: what a test cannot see over HTTP (the outbox, the inbox, RLS).</summary>
public static class Outbox
{
    /// <summary>The data of the outbox rows of one event type whose data has <paramref name="key"/> = <paramref name="value"/>.</summary>
    public static async Task<List<JsonElement>> EventsAsync(string type, string key, Guid value)
    {
        await using var connection = new NpgsqlConnection(MessagingServiceFixture.Database);
        var rows = await connection.QueryAsync<string>(
            "select envelope from messaging.outbox where event_type = @type and (envelope::jsonb -> 'data' ->> @key) = @value order by id",
            new { type, key, value = value.ToString() });
        return rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("data").Clone()).ToList();
    }

    public static async Task<int> NotificationCountAsync(string sourceEventId)
    {
        await using var connection = new NpgsqlConnection(MessagingServiceFixture.Database);
        return await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from messaging.notifications where source_event_id = @sourceEventId", new { sourceEventId });
    }

    public static async Task<bool> HandledAsync(string eventId)
    {
        await using var connection = new NpgsqlConnection(MessagingServiceFixture.Database);
        return await connection.ExecuteScalarAsync<bool>("select exists (select 1 from messaging.inbox where message_id = @eventId)", new { eventId });
    }

    /// <summary>Forgets that one event was handled (as if its inbox row had been swept), so a redelivery reaches the handler again.</summary>
    public static async Task ForgetHandledAsync(string eventId)
    {
        await using var connection = new NpgsqlConnection(MessagingServiceFixture.Database);
        Assert.Equal(1, await connection.ExecuteAsync("delete from messaging.inbox where message_id = @eventId", new { eventId }));
    }
}
