using MessagingService.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Blobs;
using Platform.Data;
using Platform.Hosting.Http;

namespace MessagingService.Files;

/// <summary>Upload slots of messaging-service's kind (message_attachment): the frontend PUTs a picture straight to blob storage, then sends it with a message by its blob id.</summary>
public sealed class UploadFunctions(HttpCalls http, ServiceDatabase database, BlobStorage storage, BlockedUsers blocked)
{
    [Function(nameof(CreateUpload))]
    public async Task<IActionResult> CreateUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "uploads")] HttpRequest req, CancellationToken ct)
    {
        var call = await http.BeginAsync<UploadBody>(req, ct);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        // Who may send a message may upload its attachments: anyone signed in who is not blocked.
        if (await blocked.IsBlockedAsync(database, call.User.UserId, ct))
        {
            return Problems.Forbidden("Your account is blocked.");
        }

        return await storage.IssueUploadResponseAsync(MessagingFiles.KindOf(call.Input.ToKind()), call.User.UserId, ct);
    }
}
