namespace Platform.Blobs;

/// <summary>
/// One kind of uploaded file a service owns (donation images, verification documents, ...): its
/// wire name, its container, whether anyone may read it (a public-read container) or only those the
/// service hands a short-lived read URL to, its size limit and the types it accepts.
/// </summary>
public sealed record BlobKind(string Name, string Container, bool IsPublic, IReadOnlyList<FileType> Types, long MaxBytes = BlobKind.DefaultMaxBytes)
{
    /// <summary>5 MiB.</summary>
    public const long DefaultMaxBytes = 5 * 1024 * 1024;

    /// <summary>"a JPEG, PNG or WebP image".</summary>
    public string TypesInWords => Types.Count == 1
        ? Types[0].Name
        : string.Join(", ", Types.Take(Types.Count - 1).Select(t => t.Name)) + " or " + Types[^1].Name;
}
