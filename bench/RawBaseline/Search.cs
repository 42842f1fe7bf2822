// donation-service's search SQL (functions/DonationService/Donations/DonationStore.cs ListAsync, issue 17), for bench/search.sh:
//   GET /raw/donations/search?status=available&q=&sort=newest|relevance|distance&near=lat,lng&radius_km=&limit=
// The same statement the service sends for that query string (status filter of a public state, so no
// visibility condition; text search configuration 'simple', the default); no validation beyond parsing.
using System.Globalization;
using System.Text;
using Npgsql;
using static RawBaseline.Raw;

namespace RawBaseline;

internal static class Search
{
    private const string Columns =
        "id, donor_id, title, description, category, location, image_url, status, review_reason, pickup_instructions, quantity, condition, expires_at, latitude, longitude, version, created_at, updated_at, deleted_at";

    private const double EarthRadiusM = 6378168;

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
        w.WriteString("created_at", r.GetDateTime(16));
        w.WriteString("updated_at", r.GetDateTime(17));
        w.WriteNumber("quantity", r.GetInt32(10));
        if (r.IsDBNull(13)) w.WriteNull("latitude"); else w.WriteNumber("latitude", r.GetDouble(13));
        if (r.IsDBNull(14)) w.WriteNull("longitude"); else w.WriteNumber("longitude", r.GetDouble(14));
        if (r.FieldCount > 19 && !r.IsDBNull(19)) w.WriteNumber("distance_km", Math.Round(r.GetDouble(19) / 1000, 3)); else w.WriteNull("distance_km");
        WriteFiles(w, "images", r, r.FieldCount - 1);
        w.WriteEndObject();
    }

    private static string EarthPoint(string latitude, string longitude) =>
        $"extensions.cube(array[{EarthRadiusM} * cos(radians({latitude})) * cos(radians({longitude})), "
        + $"{EarthRadiusM} * cos(radians({latitude})) * sin(radians({longitude})), {EarthRadiusM} * sin(radians({latitude}))])";

    public static void Map(WebApplication app, NpgsqlDataSource db)
    {
        app.MapGet("/raw/donations/search", async (HttpContext ctx) =>
        {
            var query = ctx.Request.Query;
            var status = query["status"].ToString() is { Length: > 0 } s ? s : "available";
            var q = query["q"].ToString() is { Length: > 0 } text ? text : null;
            var sort = query["sort"].ToString() is { Length: > 0 } so ? so : "newest";
            var near = query["near"].ToString() is { Length: > 0 } n ? n.Split(',') : null;
            var radiusKm = double.TryParse(query["radius_km"], NumberStyles.Float, CultureInfo.InvariantCulture, out var rk) ? rk : 0;
            var limit = Limit(ctx);

            var center = EarthPoint("$3", "$4");
            var tsquery = "websearch_to_tsquery($2::regconfig, $1)";
            var distance = $"(earth_point operator(extensions.<->) {center})";
            var where = new StringBuilder(" from donation.donations where deleted_at is null and status = $6");
            where.Append(" and (expires_at is null or expires_at > now() or status not in ('pending', 'available'))");
            // The service's SQL (DonationStore.ListAsync): nearest first matches q among the nearest candidates.
            var qAmongNearest = q is not null && near is not null;
            if (q is not null && !qAmongNearest) where.Append($" and search @@ {tsquery}");
            if (near is not null) where.Append($" and earth_point operator(extensions.<@) extensions.cube_enlarge({center}, $5, 3) and {distance} <= $5");
            var selected = $"select {Columns}" + (near is not null ? $", {distance} as distance_m" : ", null::float8 as distance_m");
            if (near is not null) sort = "distance";
            var sql = new StringBuilder(sort switch
            {
                "relevance" => $"select * from ({selected}, ts_rank(search, {tsquery})::float8 as sort_key{where} order by created_at desc, id desc limit 1000) c order by sort_key desc, id desc limit $7",
                "distance" when qAmongNearest => $"select * from (select * from ({selected}, {distance} as sort_key, search @@ {tsquery} as q_hit{where} order by {distance} limit 5000) n where q_hit order by sort_key limit $7 + 200) c order by sort_key, id limit $7",
                "distance" => $"select * from ({selected}, {distance} as sort_key{where} order by {distance} limit $7 + 200) c order by sort_key, id limit $7",
                _ => selected + where + " order by created_at desc, id desc limit $7",
            });

            await using var connection = await db.OpenConnectionAsync(ctx.RequestAborted);
            await using var transaction = sort == "distance" ? await connection.BeginTransactionAsync(ctx.RequestAborted) : null;
            if (transaction is not null)
            {
                await using var set = new NpgsqlCommand("set local enable_bitmapscan = off", connection, transaction);
                await set.ExecuteNonQueryAsync(ctx.RequestAborted);
            }

            await using var cmd = new NpgsqlCommand(Donations.WithImages(sql.ToString(), sort switch
            {
                "relevance" => "sort_key desc, id desc",
                "distance" => "sort_key, id",
                _ => "created_at desc, id desc",
            }), connection, transaction);
            cmd.Parameters.Add(NullableText(q));
            cmd.Parameters.Add(P("simple"));
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double, Value = near is null ? DBNull.Value : double.Parse(near[0], CultureInfo.InvariantCulture) });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double, Value = near is null ? DBNull.Value : double.Parse(near[1], CultureInfo.InvariantCulture) });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double, Value = near is null ? DBNull.Value : 2 * EarthRadiusM * Math.Sin(radiusKm * 1000 / (2 * EarthRadiusM)) });
            cmd.Parameters.Add(P(status));
            cmd.Parameters.Add(P(limit + 1));
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            await RespondPageAsync(ctx, r, limit, createdAt: 16, id: 0, Write);
        });
    }
}
