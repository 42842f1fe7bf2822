using Platform.Hosting.Hosting;

namespace Platform.Hosting.Tests.Hosting;

public sealed class HostingModeTests
{
    [Theory]
    [InlineData(new string[0], HostingMode.Functions)]
    [InlineData(new[] { "--port", "7071" }, HostingMode.Functions)]
    [InlineData(new[] { "--standalone" }, HostingMode.Standalone)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:7071", "--STANDALONE" }, HostingMode.Standalone)]
    [InlineData(new[] { "migrate" }, HostingMode.Migrate)]
    [InlineData(new[] { "MIGRATE", "--standalone" }, HostingMode.Migrate)]
    [InlineData(new[] { "--standalone", "migrate" }, HostingMode.Standalone)]
    [InlineData(new[] { "--verbose", "migrate" }, HostingMode.Functions)]
    [InlineData(new[] { "openapi" }, HostingMode.OpenApi)]
    [InlineData(new[] { "OpenAPI", "out.json" }, HostingMode.OpenApi)]
    [InlineData(new[] { "--standalone", "openapi" }, HostingMode.Standalone)]
    [InlineData(new[] { "import-legacy" }, HostingMode.ImportLegacy)]
    [InlineData(new[] { "Import-Legacy", "--restart" }, HostingMode.ImportLegacy)]
    [InlineData(new[] { "--standalone", "import-legacy" }, HostingMode.Standalone)]
    [InlineData(new[] { "republish", "profiles" }, HostingMode.Tool)]
    [InlineData(new[] { "Export-Copies", "out.jsonl" }, HostingMode.Tool)]
    [InlineData(new[] { "check-copies", "a.jsonl", "b.jsonl" }, HostingMode.Tool)]
    [InlineData(new[] { "--standalone", "check-copies" }, HostingMode.Standalone)]
    [InlineData(new[] { "check-copy" }, HostingMode.Functions)]
    public void FromArgs_picks_the_mode_from_the_command_line(string[] args, HostingMode expected)
    {
        Assert.Equal(expected, HostingModes.FromArgs(args));
    }

    [Theory]
    [InlineData(HostingMode.Migrate, true)]
    [InlineData(HostingMode.ImportLegacy, true)]
    [InlineData(HostingMode.Tool, true)]
    [InlineData(HostingMode.Functions, false)]
    [InlineData(HostingMode.Standalone, false)]
    [InlineData(HostingMode.OpenApi, false)]
    public void Only_the_commands_run_without_hosted_services(HostingMode mode, bool isCommand)
    {
        Assert.Equal(isCommand, mode.IsCommand());
    }
}
