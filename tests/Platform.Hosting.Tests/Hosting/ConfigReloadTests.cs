using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Platform.Hosting.Hosting;

namespace Platform.Hosting.Tests.Hosting;

/// <summary>
/// No app watches appsettings files: the watch is a FileSystemWatcher over the content root and every
/// folder under it (640 ms of a cold start run from a clone, and an inotify watch per folder).
/// </summary>
public sealed class ConfigReloadTests
{
    [Theory]
    [InlineData("--standalone")]
    [InlineData("migrate")]
    [InlineData("--functions-uri http://127.0.0.1:1 --functions-worker-id w")]
    public void Every_mode_reads_appsettings_files_without_watching_them(string commandLine)
    {
        var app = PlatformApplication.Create("reload-test", commandLine.Split(' '));

        var files = ((IConfigurationBuilder)app.Configuration).Sources.OfType<JsonConfigurationSource>().ToList();

        Assert.NotEmpty(files); // appsettings.json and appsettings.{environment}.json are still read if present
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched"));
        Assert.Equal("false", app.Configuration["hostBuilder:reloadConfigOnChange"]);
    }

    [Fact]
    public void The_setting_given_again_on_the_command_line_wins()
    {
        var app = PlatformApplication.Create("reload-test", ["--standalone", "--hostBuilder:reloadConfigOnChange=true"]);

        var files = ((IConfigurationBuilder)app.Configuration).Sources.OfType<JsonConfigurationSource>().ToList();

        Assert.Contains(files, f => f.ReloadOnChange);
    }
}
