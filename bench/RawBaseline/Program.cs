// Raw baseline: the least code that does what donation-service does for the benchmarked routes.
// GET /raw/donations/{id}, GET /raw/donations?status=available&limit=20 (keyset page, newest first),
// POST /raw/donations (one donations row + one outbox row in one transaction).
// No auth, no validation beyond parsing, no problem details: the floor the platform is compared to.
using System.Text.Json;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var cs = new NpgsqlConnectionStringBuilder(
    Environment.GetEnvironmentVariable("DonationDbConnection") ?? throw new InvalidOperationException("DonationDbConnection is not set"))
{
    NoResetOnClose = true,
    MaxAutoPrepare = 20,
    ApplicationName = "raw-baseline",
};
var dataSource = NpgsqlDataSource.Create(cs.ConnectionString);
var donorId = Guid.Parse(Environment.GetEnvironmentVariable("RAW_DONOR_ID") ?? Guid.Empty.ToString());
var app = builder.Build();

const string Columns = "id, donor_id, title, description, category, location, image_url, status, version, created_at, updated_at";

static void WriteDonation(Utf8JsonWriter w, NpgsqlDataReader r)
{
    w.WriteStartObject();
    w.WriteString("id", r.GetGuid(0));
    w.WriteString("donor_id", r.GetGuid(1));
    w.WriteString("title", r.GetString(2));
    if (r.IsDBNull(3)) w.WriteNull("description"); else w.WriteString("description", r.GetString(3));
    w.WriteString("category", r.GetString(4));
    if (r.IsDBNull(5)) w.WriteNull("location"); else w.WriteString("location", r.GetString(5));
    if (r.IsDBNull(6)) w.WriteNull("image_url"); else w.WriteString("image_url", r.GetString(6));
    w.WriteString("status", r.GetString(7));
    w.WriteNumber("version", r.GetInt64(8));
    w.WriteString("created_at", r.GetDateTime(9));
    w.WriteString("updated_at", r.GetDateTime(10));
    w.WriteEndObject();
}

app.MapGet("/api/health", () => Results.Ok());

app.MapGet("/raw/donations/{id}", async (string id, HttpContext ctx) =>
{
    if (!Guid.TryParse(id, out var donationId)) { ctx.Response.StatusCode = 400; return; }
    await using var cmd = dataSource.CreateCommand($"select {Columns} from donation.donations where id = $1 and deleted_at is null");
    cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = donationId });
    await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
    if (!await r.ReadAsync(ctx.RequestAborted)) { ctx.Response.StatusCode = 404; return; }
    ctx.Response.ContentType = "application/json";
    await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
    WriteDonation(w, r);
    await w.FlushAsync(ctx.RequestAborted);
});

app.MapGet("/raw/donations", async (HttpContext ctx) =>
{
    var status = ctx.Request.Query["status"].ToString();
    if (string.IsNullOrEmpty(status)) status = "available";
    var limit = int.TryParse(ctx.Request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
    await using var cmd = dataSource.CreateCommand(
        $"select {Columns} from donation.donations where status = $1 and deleted_at is null order by created_at desc, id desc limit $2");
    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
    cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
    await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
    ctx.Response.ContentType = "application/json";
    await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
    w.WriteStartObject();
    w.WriteStartArray("items");
    var n = 0;
    DateTime lastAt = default; Guid lastId = default; var more = false;
    while (await r.ReadAsync(ctx.RequestAborted))
    {
        if (n == limit) { more = true; break; }
        WriteDonation(w, r);
        lastAt = r.GetDateTime(9); lastId = r.GetGuid(0);
        n++;
    }
    w.WriteEndArray();
    if (more) w.WriteString("next_cursor", $"{lastAt:O}|{lastId}"); else w.WriteNull("next_cursor");
    w.WriteEndObject();
    await w.FlushAsync(ctx.RequestAborted);
});

app.MapPost("/raw/donations", async (HttpContext ctx) =>
{
    using var body = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
    var root = body.RootElement;
    var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
    var category = root.TryGetProperty("category", out var c) ? c.GetString() : "other";
    var description = root.TryGetProperty("description", out var d) ? d.GetString() : null;
    if (string.IsNullOrEmpty(title)) { ctx.Response.StatusCode = 400; return; }
    var id = Guid.CreateVersion7();
    var eventId = Guid.CreateVersion7();
    await using var conn = await dataSource.OpenConnectionAsync(ctx.RequestAborted);
    await using var tx = await conn.BeginTransactionAsync(ctx.RequestAborted);
    await using var cmd = new NpgsqlCommand(
        $"insert into donation.donations (id, donor_id, title, description, category, status) values ($1, $2, $3, $4, $5, 'pending') returning {Columns}", conn, tx);
    cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
    cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = donorId });
    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = title });
    cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)description ?? DBNull.Value });
    cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = category! });
    var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
    var envelope = new System.Buffers.ArrayBufferWriter<byte>(1024);
    await using (var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted))
    {
        await r.ReadAsync(ctx.RequestAborted);
        using (var w = new Utf8JsonWriter(buffer)) WriteDonation(w, r);
        using var e = new Utf8JsonWriter(envelope);
        e.WriteStartObject();
        e.WriteString("specversion", "1.0");
        e.WriteString("id", eventId);
        e.WriteString("source", "/donation-service");
        e.WriteString("type", "donation.created.v1");
        e.WriteString("time", DateTime.UtcNow);
        e.WriteString("datacontenttype", "application/json");
        e.WritePropertyName("data");
        e.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
        e.WriteEndObject();
    }
    await using (var outbox = new NpgsqlCommand("insert into donation.outbox (event_id, event_type, envelope) values ($1, $2, $3)", conn, tx))
    {
        outbox.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        outbox.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "donation.created.v1" });
        outbox.Parameters.Add(new NpgsqlParameter<string> { TypedValue = System.Text.Encoding.UTF8.GetString(envelope.WrittenSpan) });
        await outbox.ExecuteNonQueryAsync(ctx.RequestAborted);
    }
    await tx.CommitAsync(ctx.RequestAborted);
    ctx.Response.StatusCode = 201;
    ctx.Response.Headers.Location = $"/raw/donations/{id}";
    ctx.Response.ContentType = "application/json";
    await ctx.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
});

app.Run();
