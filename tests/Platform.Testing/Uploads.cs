using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// What a browser does with an upload slot (issue 16): PUT the bytes to its <c>upload_url</c> with its
/// headers, no SDK and no credentials; and small files whose first bytes are those of real ones.
/// </summary>
public static class Uploads
{
    private static readonly HttpClient Browser = new();

    /// <summary>PUTs <paramref name="bytes"/> to the slot's URL; returns the slot's blob id (fails unless storage answers 201).</summary>
    public static async Task<Guid> PutAsync(JsonElement slot, byte[] bytes, string contentType = "application/octet-stream")
    {
        using var request = new HttpRequestMessage(new HttpMethod(slot.GetProperty("method").GetString()!), slot.GetProperty("upload_url").GetString())
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var header in slot.GetProperty("headers").EnumerateArray())
        {
            request.Headers.Add(header.GetProperty("name").GetString()!, header.GetProperty("value").GetString());
        }

        using var response = await Browser.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return slot.GetProperty("blob_id").GetGuid();
    }

    /// <summary>GETs a URL as a browser would (no credentials); the status code and the bytes.</summary>
    public static async Task<(HttpStatusCode Status, byte[] Body, string? ContentType)> ReadAsync(string url)
    {
        using var response = await Browser.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Azurite's blob endpoint from <c>BlobStorageConnection</c> (no trailing slash).</summary>
    public static string BlobEndpoint() =>
        System.Text.RegularExpressions.Regex.Match(TestEnvironment.Require("BlobStorageConnection"), "BlobEndpoint=([^;]+)").Groups[1].Value.TrimEnd('/');

    public static byte[] Png(int size = 512) => Pad([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52], size);

    public static byte[] Jpeg(int size = 512) => Pad([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0], size);

    public static byte[] WebP(int size = 512) => Pad([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8], size);

    public static byte[] Pdf(int size = 512) => Pad([.. "%PDF-1.7\n"u8], size);

    /// <summary>A Windows executable's header ("MZ").</summary>
    public static byte[] Executable(int size = 512) => Pad([0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0, 4, 0], size);

    private static byte[] Pad(byte[] head, int size)
    {
        var bytes = new byte[Math.Max(size, head.Length)];
        head.CopyTo(bytes, 0);
        for (var i = head.Length; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        return bytes;
    }
}
