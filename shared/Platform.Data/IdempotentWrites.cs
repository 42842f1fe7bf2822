using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;

namespace Platform.Data;

/// <summary>
/// Runs a creating POST in one transaction, honouring the <c>Idempotency-Key</c> header: the first
/// successful response is stored with the effect; a retry with the same key and body gets it again
/// with no second effect; the same key with another body is 422. Keys are per user. A concurrent
/// retry waits on the first one's uncommitted key row, so there is never a second effect.
/// </summary>
public sealed class IdempotentWrites(ServiceDatabase database)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    public async Task<ApiResponse> ExecuteAsync(
        HttpRequest request,
        Guid userId,
        byte[] body,
        Func<UnitOfWork, Task<ApiResponse>> write,
        CancellationToken cancellationToken = default)
    {
        var keys = request.Headers[HeaderName];
        if (keys.Count == 0)
        {
            return await WriteAsync(write, cancellationToken);
        }

        var key = keys.Count == 1 ? keys[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
        {
            return Problems.Validation(HeaderName, $"must be one value of 1 to {MaxKeyLength} visible ASCII characters");
        }

        var hash = Hash(request, body);
        await using var uow = await database.BeginAsync(cancellationToken);
        var claimed = await uow.Connection.ExecuteScalarAsync<bool>(
            $"""
            insert into {database.Schema}.idempotency_keys (user_id, key, request_hash, status_code, response_body)
            values (@userId, @key, @hash, 0, '')
            on conflict (user_id, key) do nothing
            returning true
            """,
            new { userId, key, hash },
            uow.Transaction);
        if (!claimed)
        {
            var stored = await uow.Connection.QuerySingleAsync<StoredResponse>(
                $"select request_hash, status_code, response_body, response_location from {database.Schema}.idempotency_keys where user_id = @userId and key = @key",
                new { userId, key },
                uow.Transaction);
            return Replay(stored, hash);
        }

        var response = await write(uow);
        if (!response.IsSuccess)
        {
            // Nothing happened: the key is released with the rollback, so a corrected retry may use it.
            return response;
        }

        await uow.Connection.ExecuteAsync(
            $"update {database.Schema}.idempotency_keys set status_code = @status, response_body = @body, response_location = @location where user_id = @userId and key = @key",
            new { status = response.StatusCode, body = Encoding.UTF8.GetString(response.SerializeBody()), location = response.Headers.GetValueOrDefault("Location"), userId, key },
            uow.Transaction);
        await uow.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>
    /// The stored response (or 422) for a retry whose key was already used, without running anything;
    /// null when the request carries no usable key or the key is new. Lets a function answer a retry
    /// before it calls other services whose answers may have changed since the first attempt.
    /// </summary>
    public async Task<ApiResponse?> TryReplayAsync(HttpRequest request, Guid userId, byte[] body, CancellationToken cancellationToken = default)
    {
        var keys = request.Headers[HeaderName];
        if (keys.Count != 1 || keys[0] is not { Length: > 0 and <= MaxKeyLength } key)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<StoredResponse>(new CommandDefinition(
            $"select request_hash, status_code, response_body, response_location from {database.Schema}.idempotency_keys where user_id = @userId and key = @key and status_code > 0",
            new { userId, key },
            cancellationToken: cancellationToken));
        return stored is null ? null : Replay(stored, Hash(request, body));
    }

    private static ApiResponse Replay(StoredResponse stored, byte[] hash)
    {
        if (!stored.RequestHash.AsSpan().SequenceEqual(hash))
        {
            return Problems.Unprocessable($"This {HeaderName} was already used with another request body.");
        }

        var replay = new ApiResponse(stored.StatusCode, new RawJson(Encoding.UTF8.GetBytes(stored.ResponseBody)))
            .WithHeader(ReplayedHeader, "true");
        return stored.ResponseLocation is null ? replay : replay.WithHeader("Location", stored.ResponseLocation);
    }

    private async Task<ApiResponse> WriteAsync(Func<UnitOfWork, Task<ApiResponse>> write, CancellationToken cancellationToken)
    {
        await using var uow = await database.BeginAsync(cancellationToken);
        var response = await write(uow);
        if (response.IsSuccess)
        {
            await uow.CommitAsync(cancellationToken);
        }

        return response;
    }

    private static byte[] Hash(HttpRequest request, byte[] body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        sha.AppendData(body);
        return sha.GetHashAndReset();
    }

    private sealed record StoredResponse(byte[] RequestHash, int StatusCode, string ResponseBody, string? ResponseLocation);
}
