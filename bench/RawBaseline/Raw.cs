// What every raw endpoint shares: the data sources, the caller (from the environment: there is no
// auth), parameters, hand-written JSON responses and pages, and the outbox insert.
using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace RawBaseline;

/// <summary>
/// The caller. The raw app does no authentication: it reads <c>sub</c> and <c>email</c> from the
/// bearer token's payload without checking the signature or anything else; without a token it is
/// RAW_USER_ID / RAW_USER_EMAIL.
/// </summary>
internal readonly record struct Caller(Guid UserId, string Email);

/// <summary>
/// What run.sh tells the raw app: the default caller, and the donor of the seeded donations
/// (RAW_DONOR_ID), which request-service learns from donation-service and the raw app does not ask.
/// </summary>
internal sealed record RawUser(Guid UserId, string Email, Guid DonorId)
{
    public static RawUser FromEnvironment() => new(
        Guid.Parse(Environment.GetEnvironmentVariable("RAW_USER_ID") ?? Guid.Empty.ToString()),
        Environment.GetEnvironmentVariable("RAW_USER_EMAIL") ?? "bench@example.com",
        Guid.Parse(Environment.GetEnvironmentVariable("RAW_DONOR_ID") ?? Guid.Empty.ToString()));

    public Caller Of(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            var token = header.AsSpan(7);
            var first = token.IndexOf('.');
            var second = first < 0 ? -1 : token[(first + 1)..].IndexOf('.');
            if (second > 0)
            {
                using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Slice(first + 1, second)));
                var root = payload.RootElement;
                if (Raw.Uuid(root, "sub") is { } sub)
                {
                    return new Caller(sub, Raw.Text(root, "email") ?? Email);
                }
            }
        }

        return new Caller(UserId, Email);
    }
}

internal static class Raw
{
    /// <summary>
    /// One pooled data source per service, from the service's own connection-string setting, with
    /// the tuning the platform applies (no reset on close, auto-prepare of 20 statements). Null when
    /// the setting is missing: that service's routes are then not mapped.
    /// </summary>
    public static NpgsqlDataSource? DataSource(string setting)
    {
        var connectionString = Environment.GetEnvironmentVariable(setting);
        if (string.IsNullOrEmpty(connectionString))
        {
            return null;
        }

        var cs = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 20, ApplicationName = "raw-baseline" };
        return NpgsqlDataSource.Create(cs.ConnectionString);
    }

    public static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter NullableUuid(Guid? value) => new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter NullableText(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    /// <summary>?limit= as the platform reads it: 1–100, default 20.</summary>
    public static int Limit(HttpContext ctx) =>
        int.TryParse(ctx.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 100) : 20;

    public static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static Guid? Uuid(JsonElement root, string name) => Guid.TryParse(Text(root, name), out var id) ? id : null;

    public static void NullableString(Utf8JsonWriter w, string name, NpgsqlDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal)) w.WriteNull(name); else w.WriteString(name, r.GetString(ordinal));
    }

    public static void NullableGuid(Utf8JsonWriter w, string name, NpgsqlDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal)) w.WriteNull(name); else w.WriteString(name, r.GetGuid(ordinal));
    }

    public static void NullableTime(Utf8JsonWriter w, string name, NpgsqlDataReader r, int ordinal)
    {
        if (r.IsDBNull(ordinal)) w.WriteNull(name); else w.WriteString(name, r.GetDateTime(ordinal));
    }

    /// <summary>The platform's opaque keyset cursor: base64url of "ticks:id".</summary>
    public static string Cursor(DateTime at, Guid id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.Ticks}:{id:N}")));

    /// <summary>Writes one object as the whole response body.</summary>
    public static async Task RespondAsync(HttpContext ctx, int status, ReadOnlyMemory<byte> json)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.BodyWriter.WriteAsync(json, ctx.RequestAborted);
    }

    public static async Task RespondAsync(HttpContext ctx, NpgsqlDataReader r, Action<Utf8JsonWriter, NpgsqlDataReader> write)
    {
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        write(w, r);
        await w.FlushAsync(ctx.RequestAborted);
    }

    /// <summary>
    /// A page from rows fetched with limit + 1 in keyset order: <c>{ "items": [...], "next_cursor": … }</c>;
    /// the cursor columns are the row's created_at and id.
    /// </summary>
    public static async Task RespondPageAsync(
        HttpContext ctx, NpgsqlDataReader r, int limit, int createdAt, int id, Action<Utf8JsonWriter, NpgsqlDataReader> write)
    {
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteStartArray("items");
        var n = 0;
        DateTime lastAt = default;
        Guid lastId = default;
        var more = false;
        while (await r.ReadAsync(ctx.RequestAborted))
        {
            if (n == limit)
            {
                more = true;
                break;
            }

            write(w, r);
            lastAt = r.GetDateTime(createdAt);
            lastId = r.GetGuid(id);
            n++;
        }

        w.WriteEndArray();
        if (more) w.WriteString("next_cursor", Cursor(lastAt, lastId)); else w.WriteNull("next_cursor");
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted);
    }

    /// <summary>Serialises one JSON value into a buffer (the response body and the event data).</summary>
    public static ArrayBufferWriter<byte> Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var w = new Utf8JsonWriter(buffer);
        write(w);
        w.Flush();
        return buffer;
    }

    /// <summary>
    /// The platform's outbox insert (Platform.Data OutboxWriter): one CloudEvents 1.0 envelope row
    /// into <c>{schema}.outbox</c>, in the caller's transaction, with the same statement.
    /// </summary>
    public static async Task InsertOutboxAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string source, string type, Action<Utf8JsonWriter> data, CancellationToken ct)
    {
        var eventId = Guid.CreateVersion7();
        var envelope = Json(e =>
        {
            e.WriteStartObject();
            e.WriteString("id", eventId);
            e.WriteString("source", source);
            e.WriteString("type", type);
            e.WriteString("time", DateTimeOffset.UtcNow);
            e.WritePropertyName("data");
            data(e);
            // The platform takes these from the request's activity; the same sizes here.
            var trace = ActivityTraceId.CreateRandom().ToHexString();
            e.WriteString("correlationid", trace);
            e.WriteString("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-00");
            e.WriteString("specversion", "1.0");
            e.WriteString("datacontenttype", "application/json");
            e.WriteEndObject();
        });
        await using var cmd = new NpgsqlCommand($"insert into {schema}.outbox (event_id, event_type, envelope) values ($1, $2, $3)", conn, tx);
        cmd.Parameters.Add(P(eventId));
        cmd.Parameters.Add(P(type));
        cmd.Parameters.Add(P(Encoding.UTF8.GetString(envelope.WrittenSpan)));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A read of parents with their files in one statement, as a service sends it (Platform.Blobs
    /// AttachmentTable.WithFilesSql): the files of the page as a JSON array in the last column.
    /// </summary>
    public static string WithFiles(string pageSql, string table, string parentColumn, string orderBy) =>
        $"with page as ({pageSql}) select page.*, coalesce(files.files_json, '[]') as images_json from page left join ("
        + $"select f.{parentColumn} as files_parent, json_agg(json_build_object('blob_id', f.blob_id, 'owner_id', f.owner_id, 'position', f.position, "
        + $"'content_type', f.content_type, 'size_bytes', f.size_bytes) order by f.position) as files_json from {table} f "
        + $"where f.{parentColumn} in (select id from page) group by f.{parentColumn}) files on files.files_parent = page.id order by {orderBy}";

    /// <summary>The files as selected (the service turns each into a URL; the raw app writes them as they are).</summary>
    public static void WriteFiles(System.Text.Json.Utf8JsonWriter w, string name, NpgsqlDataReader r, int ordinal)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(r.GetString(ordinal), skipInputValidation: true);
    }
}
