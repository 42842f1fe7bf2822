using System.ComponentModel;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;

namespace Platform.Blobs;

/// <summary>A header the upload request must carry.</summary>
public sealed record HeaderView(string Name, string Value);

/// <summary>
/// An upload slot: where and how the frontend puts one file, straight to storage. The URL allows one
/// request that creates exactly this blob (no read, no overwrite) until <c>expires_at</c>; the file is
/// then attached by <c>blob_id</c> to what it belongs to.
/// </summary>
public sealed record UploadSlotView(
    [property: Description("The id to attach the file with once uploaded.")] Guid BlobId,
    [property: Description("What the file is for.")] string Kind,
    [property: Description("PUT the file's bytes to this URL (a short-lived, create-only SAS URL for this one blob).")] string UploadUrl,
    [property: Description("Always PUT.")] string Method,
    [property: Description("Headers the PUT must carry.")] IReadOnlyList<HeaderView> Headers,
    [property: Description("The URL stops working at this time.")] DateTime ExpiresAt,
    [property: Description("The largest file attaching accepts, in bytes.")] long MaxBytes,
    [property: Description("The media types attaching accepts, recognised from the file's first bytes.")] IReadOnlyList<string> AllowedTypes);

/// <summary>An attached file: its id, a URL to read it and its type.</summary>
public sealed record FileView(
    [property: Description("The blob id it was uploaded and attached with.")] Guid Id,
    [property: Description("Where to read it: a plain URL for public images; a read-only URL valid for a few minutes for private files.")] string Url,
    [property: Description("Its media type, recognised from its first bytes when it was attached.")] string ContentType);

/// <summary>Views of attached files, built without a call to storage (public URLs, or read SAS signed locally).</summary>
public static class FileViews
{
    /// <summary>The views of <paramref name="files"/> by the parent they belong to, each parent's in order.</summary>
    public static async Task<ILookup<Guid, FileView>> ByParentAsync(
        this BlobStorage storage, BlobKind kind, IEnumerable<AttachedFile> files, CancellationToken cancellationToken)
    {
        var views = new List<(Guid Parent, FileView View)>();
        foreach (var file in files.OrderBy(f => f.Position))
        {
            views.Add((file.ParentId, await storage.ViewAsync(kind, file.OwnerId, file.BlobId, file.ContentType, cancellationToken)));
        }

        return views.ToLookup(v => v.Parent, v => v.View);
    }

    /// <summary>The 201 answer of POST /api/uploads: a new upload slot of <paramref name="kind"/> for <paramref name="owner"/>.</summary>
    public static async Task<ApiResponse> IssueUploadResponseAsync(this BlobStorage storage, BlobKind kind, Guid owner, CancellationToken cancellationToken) =>
        new(StatusCodes.Status201Created, await storage.IssueUploadAsync(kind, owner, cancellationToken));
}
