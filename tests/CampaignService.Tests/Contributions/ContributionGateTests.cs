using CampaignService.Contributions;

namespace CampaignService.Tests.Contributions;

public sealed class ContributionGateTests
{
    [Fact]
    public async Task At_most_two_contributions_per_campaign_are_inside_at_once_and_other_campaigns_are_not_held_up()
    {
        var gate = new ContributionGate();
        var campaign = Guid.NewGuid();
        var first = await gate.EnterAsync(campaign, CancellationToken.None);
        var second = await gate.EnterAsync(campaign, CancellationToken.None);

        var third = gate.EnterAsync(campaign, CancellationToken.None);
        var elsewhere = await gate.EnterAsync(Guid.NewGuid(), CancellationToken.None);

        Assert.NotNull(elsewhere);
        Assert.False(third.IsCompleted);
        await first!.DisposeAsync();
        Assert.NotNull(await third.WaitAsync(TimeSpan.FromSeconds(5)));
        await second!.DisposeAsync();
        await (await third)!.DisposeAsync();
        await elsewhere.DisposeAsync();
        Assert.Equal(0, gate.ActiveCampaigns);
    }

    [Fact]
    public async Task A_turn_that_does_not_come_in_time_is_null_and_leaves_nothing_behind()
    {
        var gate = new ContributionGate(TimeSpan.FromMilliseconds(50));
        var campaign = Guid.NewGuid();
        var held = new[] { await gate.EnterAsync(campaign, CancellationToken.None), await gate.EnterAsync(campaign, CancellationToken.None) };

        Assert.Null(await gate.EnterAsync(campaign, CancellationToken.None));

        foreach (var turn in held)
        {
            await turn!.DisposeAsync();
            await turn.DisposeAsync();
        }

        Assert.Equal(0, gate.ActiveCampaigns);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_nothing_behind()
    {
        var gate = new ContributionGate();
        var campaign = Guid.NewGuid();
        await using var a = await gate.EnterAsync(campaign, CancellationToken.None);
        await using var b = await gate.EnterAsync(campaign, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.EnterAsync(campaign, cancel.Token));

        Assert.Equal(1, gate.ActiveCampaigns);
    }
}
