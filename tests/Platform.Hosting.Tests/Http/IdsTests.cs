using Platform.Hosting.Http;

namespace Platform.Hosting.Tests.Http;

public sealed class IdsTests
{
    [Fact]
    public void TryParse_accepts_the_canonical_36_character_form()
    {
        Assert.True(Ids.TryParse("3f2504e0-4f89-11d3-9a0c-0305e82c3301", out var id));
        Assert.Equal(Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), id);
    }

    [Theory]
    [InlineData("3f2504e04f8911d39a0c0305e82c3301")]
    [InlineData("{3f2504e0-4f89-11d3-9a0c-0305e82c3301}")]
    [InlineData("(3f2504e0-4f89-11d3-9a0c-0305e82c3301)")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c330")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301x")]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_rejects_non_canonical_or_malformed_ids(string? text)
    {
        Assert.False(Ids.TryParse(text, out _));
    }

    [Theory]
    [InlineData(" 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301 ")]
    public void TryParse_rejects_an_id_with_surrounding_whitespace(string text)
    {
        // Ids promises "the canonical 36-character form only"; Guid.TryParseExact trims whitespace.
        Assert.False(Ids.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_rejects_the_empty_guid()
    {
        Assert.False(Ids.TryParse(Guid.Empty.ToString(), out _));
    }
}
