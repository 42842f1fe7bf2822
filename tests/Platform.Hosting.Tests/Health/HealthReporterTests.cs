using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Moq;
using Platform.Hosting.Health;
using Platform.Hosting.Hosting;
using Platform.Hosting.Tests.Support;

namespace Platform.Hosting.Tests.Health;

public sealed class HealthReporterTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReportAsync_returns_200_healthy_with_every_check_when_all_probes_are_up()
    {
        var response = await Reporter(Probe("database", Up()), Probe("broker", Up())).ReportAsync(CancellationToken.None);

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers["Cache-Control"]);
        Assert.False(response.Headers.ContainsKey("Retry-After"));
        var body = Body(response);
        Assert.Equal("donation-service", body.GetProperty("service").GetString());
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(Now, body.GetProperty("checked_at").GetDateTimeOffset());
        Assert.Equal("up", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("up", body.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReportAsync_returns_503_with_retry_after_when_a_critical_probe_is_down()
    {
        var response = await Reporter(Probe("database", Down()), Probe("broker", Up())).ReportAsync(CancellationToken.None);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers["Retry-After"]);
        Assert.Equal("unhealthy", Body(response).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReportAsync_stays_200_when_only_a_non_critical_probe_is_down()
    {
        var response = await Reporter(Probe("database", Up()), Probe("outbox", Down(), critical: false)).ReportAsync(CancellationToken.None);

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Equal("down", Body(response).GetProperty("checks").GetProperty("outbox").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReportAsync_reports_a_throwing_probe_as_down_with_the_exception_type()
    {
        var probe = new Mock<IHealthProbe>();
        probe.SetupGet(p => p.Name).Returns("broker");
        probe.SetupGet(p => p.Critical).Returns(true);
        probe.Setup(p => p.CheckAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("secret detail"));

        var response = await Reporter(probe.Object).ReportAsync(CancellationToken.None);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, response.StatusCode);
        var check = Body(response).GetProperty("checks").GetProperty("broker");
        Assert.Equal("down", check.GetProperty("status").GetString());
        Assert.Equal(nameof(InvalidOperationException), check.GetProperty("details").GetProperty("error").GetString());
    }

    [Fact]
    public async Task ReportAsync_cuts_off_a_probe_that_waits_past_the_time_limit()
    {
        var probe = new Mock<IHealthProbe>();
        probe.SetupGet(p => p.Name).Returns("database");
        probe.SetupGet(p => p.Critical).Returns(true);
        probe.Setup(p => p.CheckAsync(It.IsAny<CancellationToken>()))
            .Returns(async (CancellationToken ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new HealthProbeResult(true, "up");
            });
        var watch = Stopwatch.StartNew();

        var response = await Reporter(probe.Object).ReportAsync(CancellationToken.None);

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, response.StatusCode);
        Assert.Equal("down", Body(response).GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReportAsync_cuts_off_a_probe_that_ignores_cancellation()
    {
        // A probe stuck in a call that does not observe the token (a blocking socket, a driver bug).
        var probe = new Mock<IHealthProbe>();
        probe.SetupGet(p => p.Name).Returns("broker");
        probe.SetupGet(p => p.Critical).Returns(true);
        probe.Setup(p => p.CheckAsync(It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<HealthProbeResult>().Task);

        var report = Reporter(probe.Object).ReportAsync(CancellationToken.None);
        var finished = await Task.WhenAny(report, Task.Delay(TimeSpan.FromSeconds(8)));

        Assert.Same(report, finished);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, (await report).StatusCode);
    }

    [Fact]
    public async Task ReportAsync_returns_200_with_no_checks_when_there_are_no_probes()
    {
        var response = await Reporter().ReportAsync(CancellationToken.None);

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Empty(Body(response).GetProperty("checks").EnumerateObject());
    }

    private static HealthReporter Reporter(params IHealthProbe[] probes) =>
        new(probes, new ServiceIdentity("donation-service", HostingMode.Standalone), new ManualClock(Now));

    private static IHealthProbe Probe(string name, HealthProbeResult result, bool critical = true)
    {
        var probe = new Mock<IHealthProbe>();
        probe.SetupGet(p => p.Name).Returns(name);
        probe.SetupGet(p => p.Critical).Returns(critical);
        probe.Setup(p => p.CheckAsync(It.IsAny<CancellationToken>())).ReturnsAsync(result);
        return probe.Object;
    }

    private static HealthProbeResult Up() => new(true, "up");

    private static HealthProbeResult Down() => new(false, "down");

    private static JsonElement Body(Platform.Hosting.Http.ApiResponse response) =>
        JsonDocument.Parse(response.SerializeBody()).RootElement.Clone();
}
