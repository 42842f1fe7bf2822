using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Http;

public sealed class ValidationTests
{
    private readonly Validation _v = new();

    [Fact]
    public void Text_returns_the_trimmed_value_and_checks_length_after_trimming()
    {
        Assert.Equal("abc", _v.Text("name", "  abc \t", 1, 3));
        Assert.True(_v.IsValid);
    }

    [Fact]
    public void Text_reports_whitespace_only_as_empty()
    {
        _v.Text("name", "   ", 1, 10);
        Assert.Equal(["must not be empty"], _v.Errors["name"]);
    }

    [Theory]
    [InlineData("ab", "must be at least 3 characters")]
    [InlineData("abcdefghijk", "must be at most 10 characters")]
    [InlineData("a\u0000b", "must not contain control characters")]
    [InlineData("a\u001bbc", "must not contain control characters")]
    [InlineData("ab\u007fc", "must not contain control characters")]
    public void Text_reports_length_and_control_character_problems(string value, string message)
    {
        _v.Text("name", value, 3, 10);
        Assert.Equal([message], _v.Errors["name"]);
    }

    [Fact]
    public void Text_allows_newlines_and_tabs_inside_the_value()
    {
        _v.Text("description", "line one\nline\ttwo\r\nthree", 0, 100);
        Assert.True(_v.IsValid);
    }

    [Theory]
    [InlineData("https://cdn.example.test/a.png")]
    [InlineData("http://cdn.example.test/a.png?size=2")]
    public void Url_accepts_absolute_http_and_https_urls(string url)
    {
        Assert.Equal(url, _v.Url("image_url", url));
        Assert.True(_v.IsValid);
    }

    [Theory]
    [InlineData("ftp://example.test/a.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/images/a.png")]
    [InlineData("cdn.example.test/a.png")]
    [InlineData("file:///etc/passwd")]
    public void Url_rejects_other_schemes_and_relative_urls(string url)
    {
        _v.Url("image_url", url);
        Assert.Equal(["must be an absolute http or https URL"], _v.Errors["image_url"]);
    }

    [Fact]
    public void Url_treats_an_empty_optional_value_as_absent_and_refuses_an_empty_required_one()
    {
        Assert.Null(_v.Url("avatar_url", "  "));
        Assert.True(_v.IsValid);

        _v.Url("image_url", " ", required: true);
        Assert.Equal(["must not be empty"], _v.Errors["image_url"]);
    }

    [Fact]
    public void OneOf_parses_snake_case_words_and_lists_the_choices_for_anything_else()
    {
        Assert.True(_v.OneOf("shade", "dark_blue", [.. EnumText.Names<Shade>()]));
        Assert.True(_v.IsValid);

        Assert.False(_v.OneOf("shade", "DarkBlue", [.. EnumText.Names<Shade>()]));
        Assert.Equal(["must be one of: red, dark_blue"], _v.Errors["shade"]);
    }

    [Fact]
    public void Uuid_parses_a_canonical_id_and_rejects_empty_and_malformed_ones()
    {
        var id = Guid.NewGuid();
        Assert.Equal(id, _v.Uuid("a", id.ToString()));
        _v.Uuid("b", Guid.Empty.ToString());
        _v.Uuid("c", "12345");

        Assert.False(_v.Errors.ContainsKey("a"));
        Assert.Equal(["must be a UUID"], _v.Errors["b"]);
        Assert.Equal(["must be a UUID"], _v.Errors["c"]);
    }

    [Theory]
    [InlineData("0.01")]
    [InlineData("10.5")]
    [InlineData("10.50")]
    [InlineData("1000000")]
    public void Money_accepts_amounts_in_range_with_at_most_two_decimals(string amount)
    {
        _v.Money("amount", decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), 0.01m, 1_000_000m);
        Assert.True(_v.IsValid);
    }

    [Theory]
    [InlineData("10.505", "must have at most two decimal places")]
    [InlineData("0.001", "must be between 0.01 and 1000000")]
    [InlineData("0", "must be between 0.01 and 1000000")]
    [InlineData("-5", "must be between 0.01 and 1000000")]
    [InlineData("1000000.01", "must be between 0.01 and 1000000")]
    public void Money_rejects_out_of_range_amounts_and_more_than_two_decimals(string amount, string message)
    {
        _v.Money("amount", decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), 0.01m, 1_000_000m);
        Assert.Equal([message], _v.Errors["amount"]);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Range_accepts_only_values_within_the_bounds(int value, bool valid)
    {
        _v.Range("rating", value, 1, 5);
        Assert.Equal(valid, _v.IsValid);
    }

    [Fact]
    public async Task ToProblem_collects_every_field_in_one_400()
    {
        _v.Text("title", " ", 1, 10);
        _v.Range("rating", 9, 1, 5);
        _v.Add("title", "second message");

        var written = await _v.ToProblem().RunAsync();

        Assert.Equal(StatusCodes.Status400BadRequest, written.Status);
        var errors = written.Json.GetProperty("errors");
        Assert.Equal(2, errors.GetProperty("title").GetArrayLength());
        Assert.Equal("must be between 1 and 5", errors.GetProperty("rating")[0].GetString());
    }

    public enum Shade
    {
        Red,
        DarkBlue,
    }
}
