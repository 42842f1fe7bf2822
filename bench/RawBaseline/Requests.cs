// request-service's SQL (functions/RequestService/Requests/RequestStore.cs, BlockedUsers.cs):
//   GET  /raw/requests/{id}                       FindAsync
//   GET  /raw/requests?role=mine|received&limit=  ListAsync with the role filter
//   POST /raw/requests                            IsBlockedAsync, InsertAsync (on conflict do nothing), request.created outbox row
// request-service also asks donation-service (over HTTP, before its transaction) for the caller's
// profile and the donation; the raw app does not: it takes the donor from RAW_DONOR_ID.
using Npgsql;
using static RawBaseline.Raw;

namespace RawBaseline;

internal static class Requests
{
    private const string Columns = "id, donation_id, donor_id, recipient_id, message, status, reason, version, created_at, updated_at";

    /// <summary>The request as RequestView serialises it.</summary>
    private static void Write(System.Text.Json.Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.GetGuid(0));
        w.WriteString("donation_id", r.GetGuid(1));
        w.WriteString("donor_id", r.GetGuid(2));
        w.WriteString("recipient_id", r.GetGuid(3));
        NullableString(w, "message", r, 4);
        w.WriteString("status", r.GetString(5));
        NullableString(w, "reason", r, 6);
        w.WriteString("created_at", r.GetDateTime(8));
        w.WriteString("updated_at", r.GetDateTime(9));
        w.WriteEndObject();
    }

    public static void Map(WebApplication app, NpgsqlDataSource db, RawUser user)
    {
        app.MapGet("/raw/requests/{id}", async (string id, HttpContext ctx) =>
        {
            if (!Guid.TryParse(id, out var requestId)) { ctx.Response.StatusCode = 400; return; }
            await using var cmd = db.CreateCommand($"select {Columns} from request.requests where id = $1");
            cmd.Parameters.Add(P(requestId));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            if (!await r.ReadAsync(ctx.RequestAborted)) { ctx.Response.StatusCode = 404; return; }
            await RespondAsync(ctx, r, Write);
        });

        app.MapGet("/raw/requests", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            var role = ctx.Request.Query["role"].ToString() switch
            {
                "mine" => " and recipient_id = $1",
                "received" => " and donor_id = $1",
                _ => " and (recipient_id = $1 or donor_id = $1)",
            };
            var limit = Limit(ctx);
            await using var cmd = db.CreateCommand($"select {Columns} from request.requests where true{role} order by created_at desc, id desc limit $2");
            cmd.Parameters.Add(P(me.UserId));
            cmd.Parameters.Add(P(limit + 1));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            await RespondPageAsync(ctx, r, limit, createdAt: 8, id: 0, Write);
        });

        app.MapPost("/raw/requests", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            using var body = await System.Text.Json.JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            var root = body.RootElement;
            if (Uuid(root, "donation_id") is not { } donationId) { ctx.Response.StatusCode = 400; return; }
            var message = Text(root, "message");
            var ct = ctx.RequestAborted;
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var blocked = new NpgsqlCommand("select blocked from request.blocked_users where user_id = $1", conn, tx))
            {
                blocked.Parameters.Add(P(me.UserId));
                if (await blocked.ExecuteScalarAsync(ct) is true) { ctx.Response.StatusCode = 403; return; }
            }

            await using var insert = new NpgsqlCommand(
                "insert into request.requests (id, donation_id, donor_id, recipient_id, message) values ($1, $2, $3, $4, $5)"
                + $" on conflict (donation_id, recipient_id) do nothing returning {Columns}", conn, tx);
            insert.Parameters.Add(P(Guid.CreateVersion7()));
            insert.Parameters.Add(P(donationId));
            insert.Parameters.Add(P(user.DonorId));
            insert.Parameters.Add(P(me.UserId));
            insert.Parameters.Add(NullableText(string.IsNullOrEmpty(message) ? null : message));
            System.Buffers.ArrayBufferWriter<byte> response;
            Guid id;
            await using (var r = await insert.ExecuteReaderAsync(ct))
            {
                if (!await r.ReadAsync(ct)) { ctx.Response.StatusCode = 409; return; }
                response = Json(w => Write(w, r));
                id = r.GetGuid(0);
            }

            await InsertOutboxAsync(conn, tx, "request", "/request-service", "request.created", e =>
            {
                e.WriteStartObject();
                e.WriteStartObject("request");
                e.WriteString("request_id", id);
                e.WriteString("donation_id", donationId);
                e.WriteString("donor_id", user.DonorId);
                e.WriteString("recipient_id", me.UserId);
                e.WriteEndObject();
                if (string.IsNullOrEmpty(message)) e.WriteNull("message"); else e.WriteString("message", message);
                e.WriteEndObject();
            }, ct);
            await tx.CommitAsync(ct);
            ctx.Response.Headers.Location = $"/raw/requests/{id}";
            await RespondAsync(ctx, 201, response.WrittenMemory);
        });
    }
}
