using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Testing;

namespace Platform.Blobs.Tests;

/// <summary>A clock <see cref="Offset"/> away from the real one (to issue URLs that have already expired).</summary>
public sealed class ShiftedTime(TimeSpan offset) : TimeProvider
{
    public TimeSpan Offset { get; } = offset;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}

/// <summary>The test run's Azurite (scripts/stack.sh, BlobStorageConnection), with containers of this run's own, deleted at the end.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12];

    public AzuriteFixture()
    {
        PublicKind = new BlobKind("test_image", _prefix + "-public", IsPublic: true, FileType.Images, MaxBytes: 4096);
        PrivateKind = new BlobKind("test_document", _prefix + "-private", IsPublic: false, [.. FileType.Images, FileType.Pdf], MaxBytes: 4096);
        Options = new BlobStorageOptions { ConnectionString = TestEnvironment.Require("BlobStorageConnection"), CorsOrigins = ["http://localhost:5173"] };
        Storage = new BlobStorage(Options, [PublicKind, PrivateKind], TimeProvider.System);
    }

    public BlobKind PublicKind { get; }

    public BlobKind PrivateKind { get; }

    public BlobStorageOptions Options { get; }

    public BlobStorage Storage { get; }

    /// <summary>A plain HTTP client, as a browser would upload: no Azure SDK, no credentials.</summary>
    public HttpClient Browser { get; } = new();

    public BlobStorage StorageAt(TimeProvider time) => new(Options, [PublicKind, PrivateKind], time);

    public BlobSweeper Sweeper(IBlobAttachments attachments) => new(Storage, attachments, NullLogger<BlobSweeper>.Instance);

    public Task InitializeAsync() => Storage.EnsureContainersAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        foreach (var kind in Storage.Kinds)
        {
            await Storage.Container(kind).DeleteIfExistsAsync();
        }

        Browser.Dispose();
    }

    /// <summary>PUTs bytes to an upload URL the way the slot says (x-ms-blob-type), with a declared content type.</summary>
    public async Task<HttpResponseMessage> PutAsync(string url, byte[] bytes, string contentType = "image/png")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        return await Browser.SendAsync(request);
    }

    /// <summary>Issues a slot for <paramref name="owner"/> and uploads <paramref name="bytes"/> with it (asserting 201).</summary>
    public async Task<UploadSlotView> UploadAsync(BlobKind kind, Guid owner, byte[] bytes, string contentType = "image/png")
    {
        var slot = await Storage.IssueUploadAsync(kind, owner, CancellationToken.None);
        using var response = await PutAsync(slot.UploadUrl, bytes, contentType);
        Assert.True((int)response.StatusCode == 201, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return slot;
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
