namespace Platform.Blobs.Tests;

/// <summary>Small files whose first bytes are those of real ones.</summary>
public static class TestFiles
{
    public static byte[] Png(int size = 256) => Pad([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52], size);

    public static byte[] Jpeg(int size = 256) => Pad([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0], size);

    public static byte[] WebP(int size = 256) => Pad([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8], size);

    public static byte[] Pdf(int size = 256) => Pad([.. "%PDF-1.7\n"u8], size);

    /// <summary>A Windows executable's header ("MZ").</summary>
    public static byte[] Executable(int size = 256) => Pad([0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0, 4, 0], size);

    public static byte[] Html(int size = 256) => Pad([.. "<html><script>alert(1)</script>"u8], size);

    private static byte[] Pad(byte[] head, int size)
    {
        var bytes = new byte[Math.Max(size, head.Length)];
        head.CopyTo(bytes, 0);
        for (var i = head.Length; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }

        return bytes;
    }
}
