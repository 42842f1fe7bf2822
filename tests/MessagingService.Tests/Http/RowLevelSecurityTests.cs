using Dapper;
using Npgsql;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>
/// What a frontend talking to Supabase's Data API directly (role <c>authenticated</c> with its own
/// <c>sub</c>) may see: its own messages, reports and notifications; nothing is writable.
/// </summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class RowLevelSecurityTests(MessagingServiceFixture app)
{
    [Fact]
    public async Task A_signed_in_user_reads_only_their_own_rows_and_writes_nothing()
    {
        var (alice, bob, carol) = (app.NewUser(), app.NewUser(), app.NewUser());
        var message = IdOf(await app.SendMessageAsync(alice, bob.Id, "private"));
        await app.ExpectAsync(await app.PostAsync("api/reports", bob.Token, new { target_type = "message", target_id = message, reason = "spam" }), 201);

        Assert.Equal((1, 0, 0), await VisibleAsync(alice.Id, message));
        Assert.Equal((1, 1, 1), await VisibleAsync(bob.Id, message));
        Assert.Equal((0, 0, 0), await VisibleAsync(carol.Id, message));

        var denied = await Assert.ThrowsAsync<PostgresException>(() => AsUserAsync(alice.Id, c => c.ExecuteAsync(
            "update messaging.messages set content = 'edited' where id = @message", new { message })));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        var blocked = await Assert.ThrowsAsync<PostgresException>(() => AsUserAsync(alice.Id, c => c.ExecuteScalarAsync<int>("select count(*) from messaging.blocked_users")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, blocked.SqlState);
    }

    /// <summary>How many of the message, the reports about it and the notifications of it the user sees.</summary>
    private static Task<(int Messages, int Reports, int Notifications)> VisibleAsync(Guid user, Guid message) =>
        AsUserAsync(user, async c => (
            await c.ExecuteScalarAsync<int>("select count(*)::int from messaging.messages where id = @message", new { message }),
            await c.ExecuteScalarAsync<int>("select count(*)::int from messaging.reports where target_id = @message", new { message }),
            await c.ExecuteScalarAsync<int>("select count(*)::int from messaging.notifications where data ->> 'message_id' = @id", new { id = message.ToString() })));

    private static async Task<T> AsUserAsync<T>(Guid user, Func<NpgsqlConnection, Task<T>> query)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', @claims, true)",
            new { claims = $$"""{"sub":"{{user}}","role":"authenticated"}""" },
            transaction);
        return await query(connection);
    }
}
