namespace Platform.Blobs;

/// <summary>A file type the platform accepts, recognised by its first bytes, never by a name or a declared type.</summary>
public sealed record FileType(string Name, string MediaType)
{
    public static readonly FileType Jpeg = new("JPEG", "image/jpeg");

    public static readonly FileType Png = new("PNG", "image/png");

    public static readonly FileType WebP = new("WebP", "image/webp");

    public static readonly FileType Pdf = new("PDF", "application/pdf");

    /// <summary>The photo types: JPEG, PNG and WebP.</summary>
    public static readonly IReadOnlyList<FileType> Images = [Jpeg, Png, WebP];

    public override string ToString() => Name;
}

/// <summary>Recognises a file's type from its first bytes (its "magic number").</summary>
public static class FileSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs at most.</summary>
    public const int HeaderLength = 16;

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Riff => "RIFF"u8;

    private static ReadOnlySpan<byte> WebPTag => "WEBP"u8;

    private static ReadOnlySpan<byte> PdfMagic => "%PDF-"u8;

    /// <summary>The type the bytes start with, or null when they are none of the known types.</summary>
    public static FileType? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(JpegMagic))
        {
            return FileType.Jpeg;
        }

        if (head.StartsWith(PngMagic))
        {
            return FileType.Png;
        }

        if (head.Length >= 12 && head.StartsWith(Riff) && head[8..12].SequenceEqual(WebPTag))
        {
            return FileType.WebP;
        }

        return head.StartsWith(PdfMagic) ? FileType.Pdf : null;
    }
}
