using System.Net;
using Azure;
using Platform.Hosting.Http;

namespace Platform.Blobs.Tests;

/// <summary>Upload slots, the checks before attaching, read URLs and deletion, against Azurite over HTTP as a browser uses them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobStorageTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_slot_is_a_create_only_url_for_one_blob_and_the_checked_upload_is_served_as_its_real_type()
    {
        var owner = Guid.NewGuid();
        var slot = await azurite.UploadAsync(azurite.PublicKind, owner, TestFiles.Png(), contentType: "text/html");

        Assert.Equal("PUT", slot.Method);
        Assert.Equal(4096, slot.MaxBytes);
        Assert.Equal(["image/jpeg", "image/png", "image/webp"], slot.AllowedTypes);
        Assert.InRange(slot.ExpiresAt, DateTime.UtcNow.AddMinutes(9), DateTime.UtcNow.AddMinutes(11));
        Assert.Contains($"/{owner:D}/{slot.BlobId:D}?", slot.UploadUrl, StringComparison.Ordinal);
        Assert.Contains("sp=c&", slot.UploadUrl, StringComparison.Ordinal); // create only: no read, no write over

        var result = await azurite.Storage.CheckUploadAsync(azurite.PublicKind, owner, slot.BlobId, "blob_id", None);
        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(FileType.Png, result.Value!.Type);
        Assert.Equal(256, result.Value.Size);

        // Public kind: anyone reads it at its plain URL, as image/png whatever the upload declared.
        var url = await azurite.Storage.ReadUrlAsync(azurite.PublicKind, owner, slot.BlobId, None);
        Assert.DoesNotContain("sig=", url, StringComparison.Ordinal);
        using var read = await azurite.Browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("image/png", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestFiles.Png(), await read.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_slot_cannot_write_another_blob_nor_read_its_own()
    {
        var owner = Guid.NewGuid();
        var slot = await azurite.Storage.IssueUploadAsync(azurite.PublicKind, owner, None);

        var otherName = slot.UploadUrl.Replace(slot.BlobId.ToString("D"), Guid.NewGuid().ToString("D"), StringComparison.Ordinal);
        using (var other = await azurite.PutAsync(otherName, TestFiles.Png()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        }

        var otherOwner = slot.UploadUrl.Replace(owner.ToString("D"), Guid.NewGuid().ToString("D"), StringComparison.Ordinal);
        using (var stolen = await azurite.PutAsync(otherOwner, TestFiles.Png()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stolen.StatusCode);
        }

        using (var first = await azurite.PutAsync(slot.UploadUrl, TestFiles.Png()))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // The same URL again: create-only, so the checked file cannot be swapped for another.
        using (var second = await azurite.PutAsync(slot.UploadUrl, TestFiles.Html(), "text/html"))
        {
            Assert.NotEqual(HttpStatusCode.Created, second.StatusCode);
            Assert.InRange((int)second.StatusCode, 400, 499);
        }

        var privateSlot = await azurite.UploadAsync(azurite.PrivateKind, owner, TestFiles.Png());
        using var readWithUploadUrl = await azurite.Browser.GetAsync(privateSlot.UploadUrl);
        Assert.Equal(HttpStatusCode.Forbidden, readWithUploadUrl.StatusCode);
    }

    [Fact]
    public async Task An_expired_upload_url_is_refused_by_storage()
    {
        var past = azurite.StorageAt(new ShiftedTime(TimeSpan.FromHours(-1)));
        var slot = await past.IssueUploadAsync(azurite.PublicKind, Guid.NewGuid(), None);
        Assert.True(slot.ExpiresAt < DateTime.UtcNow);

        using var response = await azurite.PutAsync(slot.UploadUrl, TestFiles.Png());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_blob_of_another_owner_or_kind_or_none_at_all_is_no_upload_of_the_caller()
    {
        var owner = Guid.NewGuid();
        var slot = await azurite.UploadAsync(azurite.PublicKind, owner, TestFiles.Png());

        var stranger = await azurite.Storage.CheckUploadAsync(azurite.PublicKind, Guid.NewGuid(), slot.BlobId, "blob_id", None);
        var otherKind = await azurite.Storage.CheckUploadAsync(azurite.PrivateKind, owner, slot.BlobId, "blob_id", None);
        var missing = await azurite.Storage.CheckUploadAsync(azurite.PublicKind, owner, Guid.NewGuid(), "blob_id", None);

        foreach (var result in new[] { stranger, otherKind, missing })
        {
            Assert.Equal(ResultKind.Invalid, result.Kind);
            Assert.StartsWith("no uploaded file with this id", Assert.Single(result.Errors!["blob_id"]), StringComparison.Ordinal);
        }

        Assert.True((await azurite.Storage.CheckUploadAsync(azurite.PublicKind, owner, slot.BlobId, "blob_id", None)).IsSuccess);
    }

    [Fact]
    public async Task Too_large_empty_and_wrongly_typed_files_are_refused_and_deleted()
    {
        var owner = Guid.NewGuid();
        var cases = new (byte[] Bytes, string Message)[]
        {
            (TestFiles.Png(4097), "the uploaded file is 4097 bytes; at most 4096 bytes are accepted"),
            ([], "the uploaded file is empty"),
            (TestFiles.Executable(), "the uploaded file is not a JPEG, PNG or WebP file"),
            (TestFiles.Html(), "the uploaded file is not a JPEG, PNG or WebP file"),
            (TestFiles.Pdf(), "the uploaded file is not a JPEG, PNG or WebP file"),
        };
        foreach (var (bytes, message) in cases)
        {
            var slot = await azurite.UploadAsync(azurite.PublicKind, owner, bytes, contentType: "image/png");
            var result = await azurite.Storage.CheckUploadAsync(azurite.PublicKind, owner, slot.BlobId, "blob_id", None);

            Assert.Equal(ResultKind.Invalid, result.Kind);
            Assert.StartsWith(message, Assert.Single(result.Errors!["blob_id"]), StringComparison.Ordinal);
            Assert.False((await azurite.Storage.Blob(azurite.PublicKind, owner, slot.BlobId).ExistsAsync()).Value, message);
        }

        var exactlyTheLimit = await azurite.UploadAsync(azurite.PublicKind, owner, TestFiles.WebP(4096));
        Assert.True((await azurite.Storage.CheckUploadAsync(azurite.PublicKind, owner, exactlyTheLimit.BlobId, "blob_id", None)).IsSuccess);
    }

    [Fact]
    public async Task A_private_file_is_read_only_through_a_short_lived_read_url()
    {
        var owner = Guid.NewGuid();
        var slot = await azurite.UploadAsync(azurite.PrivateKind, owner, TestFiles.Pdf(), contentType: "application/octet-stream");
        var result = await azurite.Storage.CheckUploadAsync(azurite.PrivateKind, owner, slot.BlobId, "document", None);
        Assert.True(result.IsSuccess, result.Detail);
        Assert.Equal(FileType.Pdf, result.Value!.Type);

        var url = await azurite.Storage.ReadUrlAsync(azurite.PrivateKind, owner, slot.BlobId, None);
        Assert.Contains("sp=r&", url, StringComparison.Ordinal);
        using (var read = await azurite.Browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("application/pdf", read.Content.Headers.ContentType?.MediaType);
        }

        using (var plain = await azurite.Browser.GetAsync(url[..url.IndexOf('?', StringComparison.Ordinal)]))
        {
            Assert.NotEqual(HttpStatusCode.OK, plain.StatusCode);
        }

        var expired = await azurite.StorageAt(new ShiftedTime(TimeSpan.FromHours(-1))).ReadUrlAsync(azurite.PrivateKind, owner, slot.BlobId, None);
        using (var late = await azurite.Browser.GetAsync(expired))
        {
            Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        }

        using var write = await azurite.PutAsync(url, TestFiles.Png());
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task The_same_upload_checked_many_times_at_once_passes_every_check()
    {
        // A double-click or a retry sends the same blob id twice at once; each check sets the headers
        // (and an attach the mark), which changes the ETag another check holds.
        var owner = Guid.NewGuid();
        var slot = await azurite.UploadAsync(azurite.PrivateKind, owner, TestFiles.Pdf(), contentType: "text/plain");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            if (i % 4 == 3)
            {
                await azurite.Storage.MarkAttachedAsync(azurite.PrivateKind, owner, slot.BlobId, None);
            }

            return await azurite.Storage.CheckUploadAsync(azurite.PrivateKind, owner, slot.BlobId, "document", None);
        }));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Detail));
        Assert.True((await azurite.Storage.CheckUploadAsync(azurite.PrivateKind, owner, slot.BlobId, "document", None)).IsSuccess);
    }

    [Fact]
    public async Task Deleting_is_idempotent()
    {
        var owner = Guid.NewGuid();
        var slot = await azurite.UploadAsync(azurite.PublicKind, owner, TestFiles.Jpeg());
        await azurite.Storage.DeleteAsync(azurite.PublicKind, owner, slot.BlobId, None);
        await azurite.Storage.DeleteAsync(azurite.PublicKind, owner, slot.BlobId, None);
        Assert.False((await azurite.Storage.Blob(azurite.PublicKind, owner, slot.BlobId).ExistsAsync()).Value);
    }

    [Fact]
    public async Task Unreachable_storage_is_a_transient_failure_and_unconfigured_storage_too()
    {
        var port = Platform.Testing.TestEnvironment.FreePort();
        var dead = new BlobStorage(
            new BlobStorageOptions
            {
                ConnectionString = azurite.Options.ConnectionString!.Replace(new Uri(azurite.Storage.Container(azurite.PublicKind).Uri.GetLeftPart(UriPartial.Authority)).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
            },
            [azurite.PublicKind],
            TimeProvider.System);
        var failure = await Record.ExceptionAsync(() => dead.CheckUploadAsync(azurite.PublicKind, Guid.NewGuid(), Guid.NewGuid(), "blob_id", None));
        Assert.NotNull(failure);
        Assert.True(BlobSetup.IsTransient(failure), failure.ToString());

        var unconfigured = new BlobStorage(new BlobStorageOptions(), [azurite.PublicKind], TimeProvider.System);
        var missing = await Record.ExceptionAsync(() => unconfigured.IssueUploadAsync(azurite.PublicKind, Guid.NewGuid(), None));
        Assert.IsType<BlobStorageUnavailableException>(missing);
        Assert.True(BlobSetup.IsTransient(missing));
        Assert.False(BlobSetup.IsTransient(new RequestFailedException(404, "not found")));
    }
}
