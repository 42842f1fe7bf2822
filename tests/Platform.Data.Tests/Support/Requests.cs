using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Platform.Hosting.Http;

namespace Platform.Data.Tests.Support;

public static class Requests
{
    public static HttpRequest Post(string path = "/api/widgets", params string[] idempotencyKeys)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        if (idempotencyKeys.Length > 0)
        {
            context.Request.Headers[IdempotentWrites.HeaderName] = idempotencyKeys;
        }

        return context.Request;
    }

    public static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);

    public static string Text(this ApiResponse response) => Encoding.UTF8.GetString(response.SerializeBody());

    public static JsonElement Json(this ApiResponse response) => JsonDocument.Parse(response.SerializeBody()).RootElement.Clone();
}

/// <summary>A write whose effect is a row in <c>{schema}.widgets</c>, counting how often it ran.</summary>
public sealed class WidgetWrite(string schema, Guid userId)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Func<UnitOfWork, Task<ApiResponse>> Succeeds(string name = "lamp") => async uow =>
    {
        Interlocked.Increment(ref _calls);
        var id = Guid.CreateVersion7();
        await uow.Connection.ExecuteAsync(
            $"insert into {schema}.widgets (id, user_id, name) values (@id, @userId, @name)", new { id, userId, name }, uow.Transaction);
        return new ApiResponse(StatusCodes.Status201Created, new { Id = id, Name = name }).WithHeader("Location", $"/api/widgets/{id}");
    };

    public Func<UnitOfWork, Task<ApiResponse>> Refused() => async uow =>
    {
        Interlocked.Increment(ref _calls);
        await uow.Connection.ExecuteAsync(
            $"insert into {schema}.widgets (id, user_id, name) values (@id, @userId, 'refused')", new { id = Guid.NewGuid(), userId }, uow.Transaction);
        return Problems.Conflict("not now");
    };
}
