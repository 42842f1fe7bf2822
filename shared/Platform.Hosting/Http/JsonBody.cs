using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Platform.Hosting.Http;

/// <summary>A parsed request body, or the problem that explains why there is none.</summary>
public sealed record BodyResult<T>(T? Value, byte[] Raw, ApiResponse? Problem)
    where T : class
{
    public bool IsValid => Problem is null && Value is not null;
}

/// <summary>
/// Reads a JSON request body with the API's rules: at most 64 KiB (413), JSON media type (415),
/// well-formed JSON of the right shape (400 naming the field), never an exception.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken = default)
        where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            return Fail<T>(Problems.PayloadTooLarge());
        }

        if (!IsJson(request.ContentType))
        {
            return Fail<T>(Problems.UnsupportedMediaType());
        }

        byte[] raw;
        try
        {
            raw = await ReadLimitedAsync(request.Body, cancellationToken);
        }
        catch (PayloadTooLargeException)
        {
            return Fail<T>(Problems.PayloadTooLarge());
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail<T>(Problems.PayloadTooLarge());
        }
        catch (BadHttpRequestException)
        {
            return Fail<T>(Problems.BadRequest("The request body could not be read."));
        }

        if (raw.Length == 0)
        {
            return Fail<T>(Problems.BadRequest("A JSON body is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(raw, PlatformJson.Options);
            return value is null
                ? Fail<T>(Problems.BadRequest("The JSON body must be an object, not null."), raw)
                : new BodyResult<T>(value, raw, null);
        }
        catch (JsonException ex)
        {
            return Fail<T>(Describe(ex), raw);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            return Fail<T>(Problems.BadRequest("The JSON body does not have the expected shape."), raw);
        }
    }

    internal static ApiResponse Describe(JsonException ex)
    {
        var field = FieldOf(ex.Path);
        if (field is null)
        {
            return Problems.BadRequest("The body is not valid JSON or is not a JSON object.");
        }

        var message = ex.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "has the wrong type or an unknown value"
            : "is not valid JSON";
        return Problems.Validation(field, message);
    }

    /// <summary>Turns a JSON path such as <c>$.location.city</c> or <c>$['full_name']</c> into a field name.</summary>
    internal static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        field = field.Replace("['", string.Empty, StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal);
        return field.Length == 0 ? null : field;
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            // Frontends and curl often omit it; the body must still parse as JSON.
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? string.Empty;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                if (collected.Length + read > MaxBytes)
                {
                    throw new PayloadTooLargeException();
                }

                collected.Write(buffer, 0, read);
            }

            return collected.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BodyResult<T> Fail<T>(ApiResponse problem, byte[]? raw = null)
        where T : class => new(null, raw ?? [], problem);

    private sealed class PayloadTooLargeException : Exception;
}
