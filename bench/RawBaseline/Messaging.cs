// messaging-service's SQL (functions/MessagingService/Messages/MessageStore.cs, BlockedUsers.cs,
// Notifications/NotificationStore.cs). The API has no GET of one message, report or notification by id:
//   GET  /raw/messages?with=&limit=               ListConversationAsync (the conversation with one user, oldest first)
//   GET  /raw/notifications?unread=true&limit=    NotificationStore.ListAsync, unread only
//   POST /raw/messages                            IsBlockedAsync, InsertAsync, the receiver's notification
//                                                 (NotificationStore.AddAsync), message.sent outbox row
using Npgsql;
using static RawBaseline.Raw;

namespace RawBaseline;

internal static class Messaging
{
    private const string Columns = "id, sender_id, receiver_id, content, donation_id, campaign_id, read_at, created_at, attachment_count";
    private const string NotificationColumns = "id, user_id, type, title, body, data::text as data, read_at, created_at";

    /// <summary>The message as MessageView serialises it.</summary>
    private static void Write(System.Text.Json.Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.GetGuid(0));
        w.WriteString("sender_id", r.GetGuid(1));
        w.WriteString("receiver_id", r.GetGuid(2));
        w.WriteString("content", r.GetString(3));
        NullableGuid(w, "donation_id", r, 4);
        NullableGuid(w, "campaign_id", r, 5);
        NullableTime(w, "read_at", r, 6);
        w.WriteString("created_at", r.GetDateTime(7));
        // The seeded messages carry no picture (attachment_count 0): signing read URLs is ours alone.
        w.WriteStartArray("attachments");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The notification as NotificationView serialises it (data is the jsonb column, as is).</summary>
    private static void WriteNotification(System.Text.Json.Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.GetGuid(0));
        w.WriteString("user_id", r.GetGuid(1));
        w.WriteString("type", r.GetString(2));
        w.WriteString("title", r.GetString(3));
        NullableString(w, "body", r, 4);
        w.WritePropertyName("data");
        w.WriteRawValue(r.GetString(5), skipInputValidation: true);
        NullableTime(w, "read_at", r, 6);
        w.WriteString("created_at", r.GetDateTime(7));
        w.WriteEndObject();
    }

    /// <summary>Notices.MessageReceived's body: the content on one line, at most 140 characters.</summary>
    private static string Excerpt(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 140 ? flat : flat[..139].TrimEnd() + "\u2026";
    }

    public static void Map(WebApplication app, NpgsqlDataSource db, RawUser user)
    {
        app.MapGet("/raw/messages", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            if (!Guid.TryParse(ctx.Request.Query["with"], out var with)) { ctx.Response.StatusCode = 400; return; }
            var limit = Limit(ctx);
            await using var cmd = db.CreateCommand(
                $"select {Columns} from messaging.messages"
                + " where least(sender_id, receiver_id) = least($1, $2) and greatest(sender_id, receiver_id) = greatest($1, $2)"
                + " order by created_at, id limit $3");
            cmd.Parameters.Add(P(me.UserId));
            cmd.Parameters.Add(P(with));
            cmd.Parameters.Add(P(limit + 1));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            await RespondPageAsync(ctx, r, limit, createdAt: 7, id: 0, Write);
        });

        app.MapGet("/raw/notifications", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            var unread = ctx.Request.Query["unread"].ToString() switch
            {
                "true" => " and read_at is null",
                "false" => " and read_at is not null",
                _ => string.Empty,
            };
            var limit = Limit(ctx);
            await using var cmd = db.CreateCommand(
                $"select {NotificationColumns} from messaging.notifications where user_id = $1{unread} order by created_at desc, id desc limit $2");
            cmd.Parameters.Add(P(me.UserId));
            cmd.Parameters.Add(P(limit + 1));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            await RespondPageAsync(ctx, r, limit, createdAt: 7, id: 0, WriteNotification);
        });

        app.MapPost("/raw/messages", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            using var body = await System.Text.Json.JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            var root = body.RootElement;
            var content = Text(root, "content");
            if (Uuid(root, "receiver_id") is not { } receiverId || receiverId == me.UserId || string.IsNullOrEmpty(content))
            {
                ctx.Response.StatusCode = 400;
                return;
            }

            var (donationId, campaignId) = (Uuid(root, "donation_id"), Uuid(root, "campaign_id"));
            var ct = ctx.RequestAborted;
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var blocked = new NpgsqlCommand("select blocked from messaging.blocked_users where user_id = $1", conn, tx))
            {
                blocked.Parameters.Add(P(me.UserId));
                if (await blocked.ExecuteScalarAsync(ct) is true) { ctx.Response.StatusCode = 403; return; }
            }

            await using var insert = new NpgsqlCommand(
                "insert into messaging.messages (id, sender_id, receiver_id, content, donation_id, campaign_id)"
                + $" values ($1, $2, $3, $4, $5, $6) returning {Columns}", conn, tx);
            insert.Parameters.Add(P(Guid.CreateVersion7()));
            insert.Parameters.Add(P(me.UserId));
            insert.Parameters.Add(P(receiverId));
            insert.Parameters.Add(P(content));
            insert.Parameters.Add(NullableUuid(donationId));
            insert.Parameters.Add(NullableUuid(campaignId));
            System.Buffers.ArrayBufferWriter<byte> response;
            Guid id;
            await using (var r = await insert.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                response = Json(w => Write(w, r));
                id = r.GetGuid(0);
            }

            // The receiver's notice, with NotificationStore.AddAsync's statement (arrays of one).
            var data = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("message_id", id);
                w.WriteString("sender_id", me.UserId);
                if (donationId is { } d) w.WriteString("donation_id", d);
                if (campaignId is { } c) w.WriteString("campaign_id", c);
                w.WriteEndObject();
            });
            await using (var notify = new NpgsqlCommand(
                """
                insert into messaging.notifications (id, user_id, type, title, body, data, source_event_id)
                select n.id, n.user_id, n.type, n.title, n.body, n.data::jsonb, $1
                  from unnest($2, $3, $4, $5, $6, $7) as n(id, user_id, type, title, body, data)
                on conflict (source_event_id, user_id) do nothing
                """, conn, tx))
            {
                notify.Parameters.Add(P(id.ToString()));
                notify.Parameters.Add(P(new[] { Guid.CreateVersion7() }));
                notify.Parameters.Add(P(new[] { receiverId }));
                notify.Parameters.Add(P(new[] { "message.sent" }));
                notify.Parameters.Add(P(new[] { "New message" }));
                notify.Parameters.Add(P(new[] { Excerpt(content) }));
                notify.Parameters.Add(P(new[] { System.Text.Encoding.UTF8.GetString(data.WrittenSpan) }));
                await notify.ExecuteNonQueryAsync(ct);
            }

            await InsertOutboxAsync(conn, tx, "messaging", "/messaging-service", "message.sent", e =>
            {
                e.WriteStartObject();
                e.WriteString("message_id", id);
                e.WriteString("sender_id", me.UserId);
                e.WriteString("receiver_id", receiverId);
                if (donationId is { } d) e.WriteString("donation_id", d); else e.WriteNull("donation_id");
                if (campaignId is { } c) e.WriteString("campaign_id", c); else e.WriteNull("campaign_id");
                e.WriteEndObject();
            }, ct);
            await tx.CommitAsync(ct);
            ctx.Response.Headers.Location = $"/raw/messages?with={receiverId}";
            await RespondAsync(ctx, 201, response.WrittenMemory);
        });
    }
}
