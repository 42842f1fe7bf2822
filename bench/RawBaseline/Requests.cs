// request-service's SQL (functions/RequestService/Requests/RequestStore.cs, Copies/LocalCopies.cs):
//   GET  /raw/requests/{id}                       FindAsync
//   POST /raw/requests                            ReadForRequestAsync (the copies of the caller's profile
//                                                 and of the donation, before the transaction), then
//                                                 InsertAsync (on conflict do nothing), request.created outbox row
//   GET  /raw/requests?role=mine|received&limit=  ListAsync with the role filter
// When its copies do not confirm a request, request-service asks donation-service over HTTP; the raw
// app never does: it takes the donor from RAW_DONOR_ID (the bench's raw creates name fresh donation
// ids, which the copy does not hold; the lookup costs the same).
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
            await using (var copies = new NpgsqlCommand(
                "select p.role, p.blocked, d.donor_id, d.status from (values (1)) as one (x)"
                + " left join request.profile_copies p on p.user_id = $1 left join request.donation_copies d on d.donation_id = $2", conn))
            {
                copies.Parameters.Add(P(me.UserId));
                copies.Parameters.Add(P(donationId));
                await using var r = await copies.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                if (!r.IsDBNull(1) && r.GetBoolean(1)) { ctx.Response.StatusCode = 403; return; }
            }

            await using var tx = await conn.BeginTransactionAsync(ct);
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
