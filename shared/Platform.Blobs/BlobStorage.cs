using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Platform.Hosting.Http;

namespace Platform.Blobs;

/// <summary>Where the files are and how long the URLs the platform hands out live.</summary>
public sealed class BlobStorageOptions
{
    /// <summary>
    /// <c>BlobStorageConnection</c>: a connection string with the account key. Only for Azurite (local
    /// runs and tests): in Azure the account has no shared keys and <see cref="ServiceUrl"/> is set instead.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary><c>BlobStorageUrl</c>: the blob endpoint in Azure; the app signs in with its managed identity and issues user delegation SAS.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>How long an upload URL works (one PUT of one new blob).</summary>
    public TimeSpan UploadLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a read URL of a private file works.</summary>
    public TimeSpan ReadLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Uploads never attached are deleted once older than this.</summary>
    public TimeSpan SweepAfter { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The first sweep waits this long after start: forgotten uploads are a day old before they go, and
    /// the sweep's listing stays out of the start-up (on a two-core machine it ran beside the first
    /// connections and the first requests, 160 ms of its start in a trace of donation-service).
    /// </summary>
    public TimeSpan FirstSweepDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Browser origins allowed to PUT and GET blobs (set on Azurite by <c>migrate</c>; Bicep sets them in Azure).</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || ServiceUrl is not null;
}

/// <summary>A checked upload: it exists under the caller's name for the kind, within the limit, of an accepted type.</summary>
public sealed record UploadedBlob(Guid Id, long Size, FileType Type);

/// <summary>File storage is not configured or cannot be reached; the request answers 503 with Retry-After.</summary>
public sealed class BlobStorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The platform's blob machinery, once for every service: upload slots (create-only SAS URLs for one
/// new blob under <c>{owner}/{blob id}</c> in the kind's container, so a blob's name proves whom it
/// was issued to and its container for which kind), the checks before a blob is attached (exists,
/// size, first bytes), read URLs (public, or short-lived read SAS for private kinds) and deletion.
/// SAS are signed with the account key against Azurite and with a user delegation key (managed
/// identity) in Azure.
/// </summary>
public sealed class BlobStorage
{
    public const string AttachedMetadata = "attached";

    private readonly BlobStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<BlobServiceClient> _service;
    private readonly Lock _keyGate = new();
    private readonly Dictionary<string, BlobKind> _kinds;
    private Task<UserDelegationKey>? _delegationKey;

    public BlobStorage(BlobStorageOptions options, IEnumerable<BlobKind> kinds, TimeProvider time, TokenCredential? credential = null)
    {
        _options = options;
        _time = time;
        _kinds = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);
        _service = new Lazy<BlobServiceClient>(() => CreateClient(options, credential));
    }

    public IReadOnlyCollection<BlobKind> Kinds => _kinds.Values;

    public BlobStorageOptions Options => _options;

    public BlobKind Kind(string name) =>
        _kinds.TryGetValue(name, out var kind) ? kind : throw new ArgumentException($"No blob kind '{name}' is registered.", nameof(name));

    /// <summary>The blob's name in its container: the owner's id, then the blob's.</summary>
    public static string BlobName(Guid owner, Guid blobId) => string.Create(CultureInfo.InvariantCulture, $"{owner:D}/{blobId:D}");

    /// <summary>Reads a blob name back; false for a name the platform did not issue.</summary>
    public static bool TryParseName(string name, out Guid owner, out Guid blobId)
    {
        owner = Guid.Empty;
        blobId = Guid.Empty;
        var parts = name.Split('/');
        return parts.Length == 2 && Guid.TryParseExact(parts[0], "D", out owner) && Guid.TryParseExact(parts[1], "D", out blobId);
    }

    public BlobContainerClient Container(BlobKind kind) => Service.GetBlobContainerClient(kind.Container);

    public BlobClient Blob(BlobKind kind, Guid owner, Guid blobId) => Container(kind).GetBlobClient(BlobName(owner, blobId));

    /// <summary>A new upload slot for <paramref name="owner"/>: a fresh blob id and a create-only URL for exactly that blob.</summary>
    public async Task<UploadSlotView> IssueUploadAsync(BlobKind kind, Guid owner, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var blob = Blob(kind, owner, id);
        var expires = _time.GetUtcNow().Add(_options.UploadLifetime);
        var url = await SignAsync(blob, BlobSasPermissions.Create, expires, cancellationToken);
        return new UploadSlotView(
            id, kind.Name, url.ToString(), "PUT", [new HeaderView("x-ms-blob-type", "BlockBlob")], expires.UtcDateTime, kind.MaxBytes,
            [.. kind.Types.Select(t => t.MediaType)]);
    }

    /// <summary>
    /// Checks an uploaded blob before it is attached: it exists under the caller's name in the kind's
    /// container (so it was issued to this caller for this kind), is not empty, is within the limit and
    /// starts like one of the kind's types. A blob too large or of the wrong type is deleted. Its
    /// Content-Type becomes the recognised type (whatever the upload declared), so it is served as that.
    /// </summary>
    public async Task<Result<UploadedBlob>> CheckUploadAsync(BlobKind kind, Guid owner, Guid blobId, string field, CancellationToken cancellationToken)
    {
        // A create-only SAS means the bytes never change once uploaded; the ETag does when a check sets
        // the headers or an attach sets the mark. So a check that meets another's change (the same
        // request sent twice at once, a retry) reads the blob again rather than failing. A burst of the
        // same request changes it once per attach (the mark), hence several attempts, spread a little.
        const int Attempts = 8;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CheckOnceAsync(kind, owner, blobId, field, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < Attempts)
            {
                // Read again once the other change is done.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                return Result.Invalid(field, "the uploaded file changed while it was checked; upload it again with a new slot");
            }
        }
    }

    private async Task<Result<UploadedBlob>> CheckOnceAsync(BlobKind kind, Guid owner, Guid blobId, string field, CancellationToken cancellationToken)
    {
        var blob = Blob(kind, owner, blobId);
        BlobProperties properties;
        try
        {
            properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Result.Invalid(field, $"no uploaded file with this id: ask for an upload slot of kind {kind.Name} and PUT the file to its URL first");
        }

        if (properties.ContentLength == 0)
        {
            await DeleteAsync(kind, owner, blobId, cancellationToken);
            return Result.Invalid(field, "the uploaded file is empty");
        }

        if (properties.ContentLength > kind.MaxBytes)
        {
            await DeleteAsync(kind, owner, blobId, cancellationToken);
            return Result.Invalid(field, string.Create(CultureInfo.InvariantCulture,
                $"the uploaded file is {properties.ContentLength} bytes; at most {kind.MaxBytes} bytes are accepted (it was deleted)"));
        }

        var head = new byte[FileSniffer.HeaderLength];
        var read = 0;
        var conditions = new BlobRequestConditions { IfMatch = properties.ETag };
        var download = await blob.DownloadStreamingAsync(
            new BlobDownloadOptions { Range = new HttpRange(0, FileSniffer.HeaderLength), Conditions = conditions }, cancellationToken);
        await using (var stream = download.Value.Content)
        {
            int n;
            while (read < head.Length && (n = await stream.ReadAsync(head.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }

        var type = FileSniffer.Sniff(head.AsSpan(0, read));
        if (type is null || !kind.Types.Contains(type))
        {
            await DeleteAsync(kind, owner, blobId, cancellationToken);
            return Result.Invalid(field, $"the uploaded file is not a {kind.TypesInWords} file (judged by its first bytes, not its name or declared type; it was deleted)");
        }

        var cacheControl = kind.IsPublic ? "public, max-age=86400" : "private, no-store";
        if (properties.ContentType != type.MediaType || properties.CacheControl != cacheControl)
        {
            // Checked once already (a retry, or the same file sent again): the headers are right and stay, so does the ETag.
            await blob.SetHttpHeadersAsync(new BlobHttpHeaders { ContentType = type.MediaType, CacheControl = cacheControl }, conditions, cancellationToken);
        }

        return new UploadedBlob(blobId, properties.ContentLength, type);
    }

    /// <summary>Marks a blob attached, so the sweeper leaves it without asking the service (best effort: the sweeper asks when the mark is missing).</summary>
    public async Task MarkAttachedAsync(BlobKind kind, Guid owner, Guid blobId, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(kind, owner, blobId).SetMetadataAsync(new Dictionary<string, string> { [AttachedMetadata] = "true" }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException)
        {
            // The sweeper confirms with the service's database before deleting anything unmarked.
        }
    }

    /// <summary>A URL to read an attached file: the plain URL of a public kind, or a read SAS valid for <see cref="BlobStorageOptions.ReadLifetime"/>.</summary>
    public async Task<string> ReadUrlAsync(BlobKind kind, Guid owner, Guid blobId, CancellationToken cancellationToken)
    {
        var blob = Blob(kind, owner, blobId);
        if (kind.IsPublic)
        {
            return blob.Uri.ToString();
        }

        var url = await SignAsync(blob, BlobSasPermissions.Read, _time.GetUtcNow().Add(_options.ReadLifetime), cancellationToken);
        return url.ToString();
    }

    public async Task<FileView> ViewAsync(BlobKind kind, Guid owner, Guid blobId, string contentType, CancellationToken cancellationToken) =>
        new(blobId, await ReadUrlAsync(kind, owner, blobId, cancellationToken), contentType);

    /// <summary>Deletes a blob if it exists (idempotent).</summary>
    public async Task DeleteAsync(BlobKind kind, Guid owner, Guid blobId, CancellationToken cancellationToken) =>
        await Blob(kind, owner, blobId).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);

    /// <summary>
    /// Issue 18: deletes every blob <paramref name="owner"/> has of this service's kinds (attached or
    /// not: everything under <c>{owner}/</c> in each kind's container); returns how many. Idempotent:
    /// a second run finds nothing.
    /// </summary>
    public async Task<int> DeleteOwnerAsync(Guid owner, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var kind in _kinds.Values)
        {
            var container = Container(kind);
            var options = new GetBlobsOptions { Prefix = $"{owner:D}/" };
            await foreach (var item in container.GetBlobsAsync(options, cancellationToken))
            {
                var response = await container.GetBlobClient(item.Name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
                deleted += response.Value ? 1 : 0;
            }
        }

        return deleted;
    }

    /// <summary>Creates the kinds' containers (public-read for public kinds) and, against Azurite, the CORS rules for browser uploads.</summary>
    public async Task EnsureContainersAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in _kinds.Values)
        {
            await Container(kind).CreateIfNotExistsAsync(kind.IsPublic ? PublicAccessType.Blob : PublicAccessType.None, cancellationToken: cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(_options.ConnectionString) && _options.CorsOrigins.Count > 0)
        {
            var properties = (await Service.GetPropertiesAsync(cancellationToken)).Value;
            properties.Cors =
            [
                new BlobCorsRule
                {
                    AllowedOrigins = string.Join(',', _options.CorsOrigins),
                    AllowedMethods = "GET,HEAD,PUT,OPTIONS",
                    AllowedHeaders = "content-type,x-ms-blob-type,x-ms-version,x-ms-client-request-id",
                    ExposedHeaders = "etag,x-ms-request-id",
                    MaxAgeInSeconds = 3600,
                },
            ];
            await Service.SetPropertiesAsync(properties, cancellationToken);
        }
    }

    private BlobServiceClient Service => _options.IsConfigured
        ? _service.Value
        : throw new BlobStorageUnavailableException("File storage is not configured (BlobStorageConnection or BlobStorageUrl).");

    private async Task<Uri> SignAsync(BlobClient blob, BlobSasPermissions permissions, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var builder = new BlobSasBuilder(permissions, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = _time.GetUtcNow().AddMinutes(-5), // clock skew between this app and storage
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(builder);
        }

        var key = await DelegationKeyAsync(cancellationToken);
        var uri = new BlobUriBuilder(blob.Uri) { Sas = builder.ToSasQueryParameters(key, Service.AccountName) };
        return uri.ToUri();
    }

    /// <summary>The user delegation key (managed identity), fetched for a day and renewed an hour before it expires (or after a failed fetch).</summary>
    private Task<UserDelegationKey> DelegationKeyAsync(CancellationToken cancellationToken)
    {
        Task<UserDelegationKey> key;
        lock (_keyGate)
        {
            var now = _time.GetUtcNow();
            if (_delegationKey is null
                || (_delegationKey.IsCompleted && (!_delegationKey.IsCompletedSuccessfully || _delegationKey.Result.SignedExpiresOn <= now.AddHours(1))))
            {
                _delegationKey = FetchDelegationKeyAsync(now);
            }

            key = _delegationKey;
        }

        return key.WaitAsync(cancellationToken);
    }

    private async Task<UserDelegationKey> FetchDelegationKeyAsync(DateTimeOffset now) =>
        (await Service.GetUserDelegationKeyAsync(now.AddMinutes(-5), now.AddDays(1), CancellationToken.None)).Value;

    private static BlobServiceClient CreateClient(BlobStorageOptions options, TokenCredential? credential)
    {
        var clientOptions = new BlobClientOptions
        {
            Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(2), NetworkTimeout = TimeSpan.FromSeconds(10) },
        };
        return !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new BlobServiceClient(options.ConnectionString, clientOptions)
            : new BlobServiceClient(options.ServiceUrl!, credential ?? new DefaultAzureCredential(), clientOptions);
    }
}
