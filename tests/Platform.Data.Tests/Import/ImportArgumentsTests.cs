using Platform.Data.Import;

namespace Platform.Data.Tests.Import;

public sealed class ImportArgumentsTests
{
    [Fact]
    public void No_arguments_mean_pages_of_1000_a_report_named_after_the_service_and_resuming()
    {
        Assert.True(ImportArguments.TryParse([], "donation-service", out var options, out _));

        Assert.Equal(new ImportArguments(1000, "legacy-import-donation-service.txt", Restart: false), options);
    }

    [Fact]
    public void Every_option_is_read()
    {
        Assert.True(ImportArguments.TryParse(["--batch-size", "250", "--report", "/tmp/r.txt", "--restart"], "s", out var options, out _));

        Assert.Equal(new ImportArguments(250, "/tmp/r.txt", Restart: true), options);
    }

    [Theory]
    [InlineData("--batch-size", "0")]
    [InlineData("--batch-size", "10001")]
    [InlineData("--batch-size", "-5")]
    [InlineData("--batch-size", "many")]
    [InlineData("--batch-size")]
    [InlineData("--report")]
    [InlineData("--since", "yesterday")]
    public void A_bad_argument_is_named_in_the_error(params string[] args)
    {
        Assert.False(ImportArguments.TryParse(args, "s", out _, out var error));

        Assert.Contains($"'{args[0]}'", error, StringComparison.Ordinal);
    }
}
