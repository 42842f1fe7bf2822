using Dapper;
using MessagingService.Notifications;
using MessagingService.Reports;
using Npgsql;
using Platform.Data;
using static MessagingService.Tests.Http.MessagingServiceFixture;

namespace MessagingService.Tests.Http;

/// <summary>The owners messaging-service remembers from events (for reports), against the real database.</summary>
[Collection(MessagingServiceCollection.Name)]
public sealed class TargetOwnersTests
{
    [Fact]
    public async Task An_owner_is_remembered_kept_when_named_again_and_corrected_when_it_differs()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        var database = new ServiceDatabase(dataSource, "messaging");
        var owners = new TargetOwners();
        var (donation, first, second) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await RememberAsync(database, owners, new OwnedTarget("donation", donation, first));
        await RememberAsync(database, owners, new OwnedTarget("donation", donation, first));
        Assert.Equal(first, await OwnerAsync(database, owners, donation));

        await RememberAsync(database, owners, new OwnedTarget("donation", donation, second));
        Assert.Equal(second, await OwnerAsync(database, owners, donation));
        Assert.Null(await OwnerAsync(database, owners, Guid.NewGuid()));
    }

    [Fact]
    public async Task Naming_a_known_owner_again_takes_no_row_lock_so_batches_cannot_deadlock_on_it()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        var database = new ServiceDatabase(dataSource, "messaging");
        var owners = new TargetOwners();
        var (donation, owner) = (Guid.NewGuid(), Guid.NewGuid());
        await RememberAsync(database, owners, new OwnedTarget("donation", donation, owner));

        // One batch holds its transaction open after naming the owner; another names it too and must
        // not wait for the first (a lock there is what made two batches deadlock).
        await using var holding = await database.BeginAsync();
        await owners.RememberAsync(holding, new OwnedTarget("donation", donation, owner), CancellationToken.None);
        await using var other = await database.BeginAsync();
        await other.Connection.ExecuteAsync("set local lock_timeout = '2s'", transaction: other.Transaction);
        await owners.RememberAsync(other, new OwnedTarget("donation", donation, owner), CancellationToken.None);
        await other.CommitAsync();
        await holding.CommitAsync();
    }

    private static async Task RememberAsync(ServiceDatabase database, TargetOwners owners, OwnedTarget target)
    {
        await using var uow = await database.BeginAsync();
        await owners.RememberAsync(uow, target, CancellationToken.None);
        await uow.CommitAsync();
    }

    private static async Task<Guid?> OwnerAsync(ServiceDatabase database, TargetOwners owners, Guid donation)
    {
        await using var uow = await database.BeginAsync();
        return await owners.OwnerOfAsync(uow, "donation", donation, CancellationToken.None);
    }
}
