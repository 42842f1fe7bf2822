using Platform.Hosting.Http;

namespace Platform.Hosting.Tests.Http;

public sealed class EnumTextTests
{
    [Theory]
    [InlineData(Action.None, "none")]
    [InlineData(Action.BlockUser, "block_user")]
    [InlineData(Action.RemoveDonation, "remove_donation")]
    public void ToText_and_TryParse_use_the_same_snake_case_words(Action value, string text)
    {
        Assert.Equal(text, value.ToText());
        Assert.True(EnumText.TryParse<Action>(text, out var parsed));
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("BlockUser")]
    [InlineData("Block_User")]
    [InlineData("block-user")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_rejects_anything_but_the_exact_word(string? text)
    {
        Assert.False(EnumText.TryParse<Action>(text, out var parsed));
        Assert.Equal(default, parsed);
    }

    [Fact]
    public void Parse_throws_FormatException_naming_the_enum_for_an_unknown_word()
    {
        var ex = Assert.Throws<FormatException>(() => EnumText.Parse<Action>("ban"));
        Assert.Contains(nameof(Action), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_lists_every_value_in_declaration_order()
    {
        Assert.Equal(["none", "block_user", "remove_donation"], EnumText.Names<Action>());
    }

    public enum Action
    {
        None,
        BlockUser,
        RemoveDonation,
    }
}
