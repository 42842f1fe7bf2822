using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Contracts.Events;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Messages;

/// <summary>
/// A user blocks another user (issue 18): the blocked user can no longer message them nor request their
/// donations (request-service learns it from user.blocked). Users list and lift their own blocks; a block
/// is private to the blocker.
/// </summary>
public sealed class BlockFunctions(HttpCalls http, ServiceDatabase database, UserBlocks blocks)
{
    /// <summary>Blocks a user messaging knows; blocking again answers the block in force, unchanged, and publishes nothing.</summary>
    [Function(nameof(BlockUser))]
    public async Task<IActionResult> BlockUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "blocks/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var (me, other) = (call.User.UserId, call.Id);
        if (me == other)
        {
            return Problems.Validation("id", "must be another user: you cannot block yourself");
        }

        await using var uow = await database.BeginAsync(ct);
        if (!await blocks.IsKnownAsync(uow, other, ct))
        {
            return Problems.NotFound("No such user.");
        }

        var block = await blocks.BlockAsync(uow, me, other, ct);
        if (block is null)
        {
            return new ApiResponse(StatusCodes.Status200OK, BlockView.From((await blocks.FindAsync(uow, me, other, ct))!));
        }

        uow.Publish(new UserBlocked(me, other, block.Version));
        await uow.CommitAsync(ct);
        return new ApiResponse(StatusCodes.Status200OK, BlockView.From(block));
    }

    /// <summary>Lifts a block; 204 also when there was none (the state asked for holds).</summary>
    [Function(nameof(UnblockUser))]
    public async Task<IActionResult> UnblockUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "blocks/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        await using var uow = await database.BeginAsync(ct);
        if (await blocks.UnblockAsync(uow, call.User.UserId, call.Id, ct) is { } version)
        {
            uow.Publish(new UserUnblocked(call.User.UserId, call.Id, version));
            await uow.CommitAsync(ct);
        }

        return new ApiResponse(StatusCodes.Status204NoContent, null);
    }

    [Function(nameof(ListBlocks))]
    public async Task<IActionResult> ListBlocks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "blocks")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var rows = await blocks.ListAsync(call.User.UserId, call.Page, ct);
        var result = rows.ToPage(call.Page.Limit, b => new Cursor(b.BlockedAt, b.BlockedId));
        return new ApiResponse(StatusCodes.Status200OK, new Page<BlockView>(result.Items.Select(BlockView.From).ToList(), result.NextCursor));
    }
}

/// <summary>A block the caller holds.</summary>
public sealed record BlockView(Guid UserId, DateTime BlockedAt)
{
    public static BlockView From(UserBlock b) => new(b.BlockedId, b.BlockedAt);
}
