using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Platform.Blobs.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BlobSweeperTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Uploads_never_attached_are_deleted_once_old_enough_and_attached_ones_are_kept_and_marked()
    {
        var owner = Guid.NewGuid();
        var attached = await azurite.UploadAsync(azurite.PrivateKind, owner, TestFiles.Jpeg());
        var forgotten = await azurite.UploadAsync(azurite.PrivateKind, owner, TestFiles.Jpeg());
        var attachments = new Mock<IBlobAttachments>();
        attachments.Setup(a => a.FindAttachedAsync(It.IsAny<BlobKind>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BlobKind _, IReadOnlyCollection<Guid> ids, CancellationToken _) => ids.Where(id => id == attached.BlobId).ToHashSet());
        var sweeper = azurite.Sweeper(attachments.Object);

        // Not old enough yet: nothing is touched.
        await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddHours(-24), CancellationToken.None, owner);
        Assert.True((await azurite.Storage.Blob(azurite.PrivateKind, owner, forgotten.BlobId).ExistsAsync()).Value);

        await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None, owner);
        Assert.False((await azurite.Storage.Blob(azurite.PrivateKind, owner, forgotten.BlobId).ExistsAsync()).Value);
        var kept = await azurite.Storage.Blob(azurite.PrivateKind, owner, attached.BlobId).GetPropertiesAsync();
        Assert.Equal("true", kept.Value.Metadata[BlobStorage.AttachedMetadata]);

        // Marked: the next sweep no longer asks the service about it.
        attachments.Invocations.Clear();
        await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None, owner);
        attachments.Verify(
            a => a.FindAttachedAsync(It.IsAny<BlobKind>(), It.Is<IReadOnlyCollection<Guid>>(ids => ids.Contains(attached.BlobId)), It.IsAny<CancellationToken>()),
            Times.Never);
        Assert.True((await azurite.Storage.Blob(azurite.PrivateKind, owner, attached.BlobId).ExistsAsync()).Value);
    }

    [Fact]
    public async Task The_sweeping_service_waits_for_its_first_delay_then_sweeps()
    {
        await azurite.UploadAsync(azurite.PrivateKind, Guid.NewGuid(), TestFiles.Jpeg());
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attachments = new Mock<IBlobAttachments>();
        attachments.Setup(a => a.FindAttachedAsync(It.IsAny<BlobKind>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .Callback(() => asked.TrySetResult())
            .ReturnsAsync((BlobKind _, IReadOnlyCollection<Guid> ids, CancellationToken _) => ids.ToHashSet()); // all attached: nothing is deleted
        var storage = new BlobStorage(
            new BlobStorageOptions { ConnectionString = azurite.Options.ConnectionString, FirstSweepDelay = TimeSpan.FromSeconds(3) },
            [azurite.PublicKind, azurite.PrivateKind],
            TimeProvider.System);
        // A day and more later: every upload is old enough to be looked at.
        var service = new BlobSweeperService(
            new BlobSweeper(storage, attachments.Object, NullLogger<BlobSweeper>.Instance), storage, new ShiftedTime(TimeSpan.FromHours(25)), NullLogger<BlobSweeperService>.Instance);

        await service.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(asked.Task.IsCompleted, "the service swept at start");

            await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
