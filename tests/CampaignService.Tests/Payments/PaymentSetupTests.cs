using System.Diagnostics;
using CampaignService.Payments;
using Platform.Testing;

namespace CampaignService.Tests.Payments;

/// <summary>The development provider confirms without payment: only in development, and never by default elsewhere.</summary>
public sealed class PaymentSetupTests
{
    [Theory]
    [InlineData(null, true, "development")]
    [InlineData("", true, "development")]
    [InlineData(null, false, "stripe")]
    [InlineData("stripe", true, "stripe")]
    [InlineData("Stripe", false, "stripe")]
    [InlineData("development", true, "development")]
    public void The_provider_is_as_set_else_development_only_in_development(string? setting, bool development, string expected)
    {
        Assert.Equal(expected, PaymentSetup.ChooseProvider(setting, development));
    }

    [Theory]
    [InlineData("development")]
    [InlineData(" Development ")]
    [InlineData("paypal")]
    public void The_development_provider_outside_development_and_unknown_providers_are_refused(string setting)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => PaymentSetup.ChooseProvider(setting, development: setting == "paypal"));

        Assert.Contains("Payments__Provider", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_refuses_to_start_with_the_development_provider_in_production()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestEnvironment.AppOutput("CampaignService"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(TestEnvironment.AppOutput("CampaignService"), "CampaignService.dll"));
        info.ArgumentList.Add("--standalone");
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{TestEnvironment.FreePort()}");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production";
        info.Environment["Payments__Provider"] = "development";
        info.Environment["CampaignDbConnection"] = "Host=127.0.0.1;Port=1;Database=campaign;Username=nobody;Password=none";
        info.Environment["RabbitMQConnection"] = "amqp://guest:guest@127.0.0.1:1/";

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Payments__Provider=development", await output + await errors, StringComparison.Ordinal);
    }
}
