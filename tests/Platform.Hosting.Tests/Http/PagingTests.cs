using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;

namespace Platform.Hosting.Tests.Http;

public sealed class PagingTests
{
    private static readonly Guid Id = Guid.Parse("0d9f1b1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b");
    private static readonly DateTime At = new(2025, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc);

    private readonly Validation _v = new();

    [Fact]
    public void Cursor_round_trips_through_its_opaque_encoding()
    {
        var cursor = new Cursor(At.AddTicks(1234), Id);

        var encoded = cursor.Encode();

        Assert.True(Cursor.TryDecode(encoded, out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded.At.Kind);
        Assert.DoesNotContain(Id.ToString("N"), encoded, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("!!!not base64!!!")]
    [InlineData("aGVsbG8")]
    public void Cursor_TryDecode_rejects_garbage(string? encoded)
    {
        Assert.False(Cursor.TryDecode(encoded, out var cursor));
        Assert.Equal(default, cursor);
    }

    [Theory]
    [InlineData("-5:0d9f1b1e2c3d4e5f8a9b0c1d2e3f4a5b")]
    [InlineData("99999999999999999999:0d9f1b1e2c3d4e5f8a9b0c1d2e3f4a5b")]
    [InlineData("3155378976000000000:0d9f1b1e2c3d4e5f8a9b0c1d2e3f4a5b")]
    [InlineData("638765000000000000:not-a-guid")]
    [InlineData("638765000000000000:0d9f1b1e2c3d4e5f8a9b0c1d2e3f4a5b:extra")]
    public void Cursor_TryDecode_rejects_well_encoded_text_with_bad_parts(string text)
    {
        Assert.False(Cursor.TryDecode(Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text)), out _));
    }

    [Fact]
    public void Cursor_TryDecode_rejects_text_longer_than_128_characters()
    {
        Assert.False(Cursor.TryDecode(new string('A', 132), out _));
    }

    [Fact]
    public void Page_defaults_to_20_items_and_no_cursor()
    {
        var page = Reader("").Page();

        Assert.Equal(new PageRequest(20, null), page);
        Assert.True(_v.IsValid);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void Page_accepts_limits_from_1_to_100(string limit, int expected)
    {
        Assert.Equal(expected, Reader("?limit=" + limit).Page().Limit);
        Assert.True(_v.IsValid);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("ten")]
    [InlineData("1e2")]
    public void Page_reports_limits_outside_1_to_100(string limit)
    {
        var page = Reader("?limit=" + Uri.EscapeDataString(limit)).Page();

        Assert.Contains("limit", _v.Errors.Keys);
        Assert.Equal(PageRequest.DefaultLimit, page.Limit);
    }

    [Fact]
    public void Page_decodes_a_cursor_and_reports_a_foreign_one()
    {
        var cursor = new Cursor(At, Id);
        Assert.Equal(cursor, Reader("?cursor=" + cursor.Encode()).Page().After);

        Reader("?cursor=bm90LWEtY3Vyc29y").Page();
        Assert.Equal(["is not a cursor this API returned"], _v.Errors["cursor"]);
    }

    [Fact]
    public void Text_reports_a_repeated_parameter()
    {
        Assert.Null(Reader("?status=available&status=claimed").Text("status"));
        Assert.Equal(["must be given once"], _v.Errors["status"]);
    }

    [Theory]
    [InlineData("?blocked=true", true)]
    [InlineData("?blocked=false", false)]
    [InlineData("", null)]
    public void Flag_reads_true_false_or_absent(string query, bool? expected)
    {
        Assert.Equal(expected, Reader(query).Flag("blocked"));
        Assert.True(_v.IsValid);
    }

    [Theory]
    [InlineData("?blocked=yes")]
    [InlineData("?blocked=1")]
    [InlineData("?blocked=True")]
    public void Flag_reports_anything_but_true_or_false(string query)
    {
        Assert.Null(Reader(query).Flag("blocked"));
        Assert.Equal(["must be true or false"], _v.Errors["blocked"]);
    }

    [Fact]
    public void Uuid_reports_a_bad_value_under_the_parameter_name()
    {
        var reader = Reader("?donor_id=123");

        Assert.Null(reader.Uuid("donor_id"));
        Assert.Equal(["must be a UUID"], _v.Errors["donor_id"]);
    }

    [Fact]
    public void ToPage_returns_all_rows_and_no_cursor_when_there_is_no_extra_row()
    {
        var rows = Rows(3);

        var page = rows.ToPage(3, r => r);

        Assert.Equal(rows, page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void ToPage_drops_the_extra_row_and_points_the_cursor_at_the_last_item()
    {
        var rows = Rows(4);

        var page = rows.ToPage(3, r => r);

        Assert.Equal(rows.Take(3), page.Items);
        Assert.True(Cursor.TryDecode(page.NextCursor, out var next));
        Assert.Equal(rows[2], next);
    }

    private static List<Cursor> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new Cursor(At.AddMinutes(-i), Guid.NewGuid())).ToList();

    private QueryReader Reader(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return new QueryReader(context.Request, _v);
    }
}
