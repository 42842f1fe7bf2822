using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DonationService.Tests.Http;

/// <summary>
/// Sends a hand-written HTTP/1.0 request over a socket, for what HttpClient will not send (e.g. two
/// Authorization header lines), and returns it as an HttpResponseMessage for the usual assertions.
/// </summary>
public static class RawHttp
{
    public static async Task<HttpResponseMessage> SendAsync(Uri baseAddress, string method, string path, IEnumerable<string> headerLines, string? body = null)
    {
        var payload = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"{method} {path} HTTP/1.0\r\nHost: {baseAddress.Authority}\r\n");
        foreach (var line in headerLines)
        {
            head.Append(line).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(payload.Length).Append("\r\n");
        }

        head.Append("\r\n");
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(payload);
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await stream.CopyToAsync(received, timeout.Token);
        return Parse(received.ToArray(), method, new Uri(baseAddress, path));
    }

    private static HttpResponseMessage Parse(byte[] raw, string method, Uri uri)
    {
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (split < 0)
        {
            throw new InvalidOperationException("No complete HTTP response: " + Encoding.UTF8.GetString(raw));
        }

        var lines = Encoding.ASCII.GetString(raw, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new ByteArrayContent(raw[(split + 4)..]),
            RequestMessage = new HttpRequestMessage(new HttpMethod(method), uri),
        };
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
