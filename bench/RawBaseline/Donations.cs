// donation-service's SQL (functions/DonationService/Donations/DonationStore.cs, Profiles/ProfileStore.cs):
//   GET  /raw/donations/{id}                      FindAsync
//   GET  /raw/donations?status=&limit=            ListAsync for a signed-in non-admin caller with a status filter
//   POST /raw/donations                           EnsureAsync of the caller's profile, InsertAsync, donation.created outbox row
using Npgsql;
using static RawBaseline.Raw;

namespace RawBaseline;

internal static class Donations
{
    private const string Columns =
        "id, donor_id, title, description, category, location, image_url, status, review_reason, version, created_at, updated_at, deleted_at";

    private const string ProfileColumns =
        "id, email, full_name, phone, avatar_url, location, role, recipient_status, verification_image_url, blocked, rating_avg, rating_count, version, created_at, updated_at";

    /// <summary>A read of donations with their images, as the service sends it.</summary>
    internal static string WithImages(string sql, string orderBy) => WithFiles(sql, "donation.donation_images", "donation_id", orderBy);

    /// <summary>The donation as DonationView serialises it (with its images when the read selected them).</summary>
    private static void Write(System.Text.Json.Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.GetGuid(0));
        w.WriteString("donor_id", r.GetGuid(1));
        w.WriteString("title", r.GetString(2));
        NullableString(w, "description", r, 3);
        w.WriteString("category", r.GetString(4));
        NullableString(w, "location", r, 5);
        NullableString(w, "image_url", r, 6);
        w.WriteString("status", r.GetString(7));
        NullableString(w, "review_reason", r, 8);
        w.WriteString("created_at", r.GetDateTime(10));
        w.WriteString("updated_at", r.GetDateTime(11));
        if (r.FieldCount > 13)
        {
            WriteFiles(w, "images", r, 13);
        }

        w.WriteEndObject();
    }

    public static void Map(WebApplication app, NpgsqlDataSource db, RawUser user)
    {
        app.MapGet("/raw/donations/{id}", async (string id, HttpContext ctx) =>
        {
            if (!Guid.TryParse(id, out var donationId)) { ctx.Response.StatusCode = 400; return; }
            await using var cmd = db.CreateCommand(WithImages($"select {Columns} from donation.donations where id = $1 and deleted_at is null", "id"));
            cmd.Parameters.Add(P(donationId));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            if (!await r.ReadAsync(ctx.RequestAborted)) { ctx.Response.StatusCode = 404; return; }
            await RespondAsync(ctx, r, Write);
        });

        app.MapGet("/raw/donations", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            var status = ctx.Request.Query["status"].ToString();
            if (string.IsNullOrEmpty(status)) status = "available";
            var limit = Limit(ctx);
            await using var cmd = db.CreateCommand(
                // The platform's query for a public status (VisibleRows folds the visibility rule into it).
                WithImages($"select {Columns} from donation.donations where deleted_at is null and status = $1"
                + " order by created_at desc, id desc limit $2", "created_at desc, id desc"));
            cmd.Parameters.Add(P(status));
            cmd.Parameters.Add(P(limit + 1));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            await RespondPageAsync(ctx, r, limit, createdAt: 10, id: 0, Write);
        });

        app.MapPost("/raw/donations", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            using var body = await System.Text.Json.JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            var root = body.RootElement;
            var title = Text(root, "title");
            if (string.IsNullOrEmpty(title)) { ctx.Response.StatusCode = 400; return; }
            var ct = ctx.RequestAborted;
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);

            // ProfileStore.EnsureAsync(forUpdate: false): the profile exists, so it is read once, without a lock.
            await using (var profile = new NpgsqlCommand($"select {ProfileColumns} from donation.profiles where id = $1", conn, tx))
            {
                profile.Parameters.Add(P(me.UserId));
                await using var r = await profile.ExecuteReaderAsync(ct);
                if (!await r.ReadAsync(ct) || r.GetString(6) != "donor" || r.GetBoolean(9)) { ctx.Response.StatusCode = 403; return; }
            }

            await using var insert = new NpgsqlCommand(
                "insert into donation.donations (id, donor_id, title, description, category, location, image_url, status)"
                + $" values ($1, $2, $3, $4, $5, $6, $7, 'pending') returning {Columns}", conn, tx);
            insert.Parameters.Add(P(Guid.CreateVersion7()));
            insert.Parameters.Add(P(me.UserId));
            insert.Parameters.Add(P(title));
            insert.Parameters.Add(NullableText(Text(root, "description")));
            insert.Parameters.Add(P(Text(root, "category") ?? "other"));
            insert.Parameters.Add(NullableText(Text(root, "location")));
            insert.Parameters.Add(NullableText(Text(root, "image_url")));
            System.Buffers.ArrayBufferWriter<byte> response;
            Guid id, donorId;
            string category, status;
            long version;
            await using (var r = await insert.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                response = Json(w => Write(w, r));
                (id, donorId, category, status, version) = (r.GetGuid(0), r.GetGuid(1), r.GetString(4), r.GetString(7), r.GetInt64(9));
            }

            await InsertOutboxAsync(conn, tx, "donation", "/donation-service", "donation.created", e =>
            {
                e.WriteStartObject();
                e.WriteStartObject("donation");
                e.WriteString("donation_id", id);
                e.WriteString("donor_id", donorId);
                e.WriteString("title", title);
                e.WriteString("category", category);
                e.WriteString("status", status);
                e.WriteNumber("version", version);
                e.WriteEndObject();
                e.WriteEndObject();
            }, ct);
            await tx.CommitAsync(ct);
            ctx.Response.Headers.Location = $"/raw/donations/{id}";
            await RespondAsync(ctx, 201, response.WrittenMemory);
        });
    }
}
