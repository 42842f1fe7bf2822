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
}
