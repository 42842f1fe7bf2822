using Platform.Data.Copies;

namespace Platform.Data.Tests.Copies;

public sealed class RepublishArgumentsTests
{
    private static readonly string[] Kinds = ["all", "profiles", "donations"];

    [Fact]
    public void Defaults_to_the_first_kind_every_row_and_pages_of_1000()
    {
        var (arguments, error) = RepublishArguments.Parse([], Kinds);

        Assert.Null(error);
        Assert.Equal(new RepublishArguments("all", null, 1000), arguments);
    }

    [Fact]
    public void Reads_a_kind_ids_and_a_batch_size()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        var (arguments, _) = RepublishArguments.Parse(["profiles", "--ids", $"{a}, {b},", "--batch-size", "50"], Kinds);

        Assert.Equal("profiles", arguments!.What);
        Assert.Equal([a, b], arguments.Ids);
        Assert.Equal(50, arguments.BatchSize);
    }

    [Theory]
    [InlineData("--ids", "nope", "'nope' is not an id")]
    [InlineData("--ids", ",", "--ids needs at least one id")]
    [InlineData("--batch-size", "0", "unexpected argument '--batch-size'")]
    [InlineData("--batch-size", "10001", "unexpected argument '--batch-size'")]
    [InlineData("ratings", "--ids", "unexpected argument 'ratings'")]
    public void Refuses_what_it_cannot_read_with_the_reason(string first, string second, string reason)
    {
        var (arguments, error) = RepublishArguments.Parse([first, second], Kinds);

        Assert.Null(arguments);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }
}
