using CampaignService.Files;
using CampaignService.Profiles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Platform.Data;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;

namespace CampaignService.Campaigns;

/// <summary>The owner's changes to a campaign: edit, pause, resume; and deletion by the owner or an admin.</summary>
public sealed class CampaignChangeFunctions(
    HttpCalls http, ServiceDatabase database, ICampaignStore campaigns, IProfileCopyStore profiles, CampaignWorkflow workflow, CampaignViews views)
{
    private delegate Failure? Rule(Campaign campaign, Caller caller, ProfileCopy? profile);

    private delegate Task<Campaign> Change(UnitOfWork uow, Campaign campaign, Caller caller);

    [Function(nameof(UpdateCampaign))]
    public async Task<IActionResult> UpdateCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        var call = await http.BeginAsync<CampaignBody>(req, ct, id);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        var fields = call.Input.ToFields();
        return await ApplyAsync(
            call.User,
            call.Id,
            (campaign, caller, profile) => CampaignRules.CanUpdate(campaign, caller, profile, fields),
            (uow, campaign, _) => workflow.UpdateAsync(uow, campaign, fields, ct),
            StatusCodes.Status200OK,
            ct);
    }

    [Function(nameof(PauseCampaign))]
    public Task<IActionResult> PauseCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/pause")] HttpRequest req, string id, CancellationToken ct) =>
        ChangeAsync(
            req, id, nameof(PauseCampaign), CampaignRules.CanPause,
            (uow, campaign, _) => workflow.ChangeStatusAsync(uow, campaign, CampaignStatus.Paused, null, ct), StatusCodes.Status200OK, ct);

    [Function(nameof(ResumeCampaign))]
    public Task<IActionResult> ResumeCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/resume")] HttpRequest req, string id, CancellationToken ct) =>
        ChangeAsync(
            req, id, nameof(ResumeCampaign), CampaignRules.CanResume,
            (uow, campaign, _) => workflow.ChangeStatusAsync(uow, campaign, CampaignStatus.Active, null, ct), StatusCodes.Status200OK, ct);

    [Function(nameof(DeleteCampaign))]
    public Task<IActionResult> DeleteCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        ChangeAsync(
            req, id, nameof(DeleteCampaign), CampaignRules.CanDelete,
            (uow, campaign, caller) => workflow.DeleteAsync(uow, campaign, caller.UserId, CampaignWorkflow.CampaignDeleted, ct), StatusCodes.Status204NoContent, ct);

    private async Task<IActionResult> ChangeAsync(HttpRequest req, string id, string function, Rule rule, Change change, int successStatus, CancellationToken ct)
    {
        var call = await http.BeginAsync(req, ct, id, function);
        if (call.Problem is not null)
        {
            return call.Problem;
        }

        return await ApplyAsync(call.User, call.Id, rule, change, successStatus, ct);
    }

    /// <summary>Locks the campaign, checks the rule against its current state and the caller's profile copy, applies the change.</summary>
    private async Task<IActionResult> ApplyAsync(Caller caller, Guid campaignId, Rule rule, Change change, int successStatus, CancellationToken ct)
    {
        await using var uow = await database.BeginAsync(ct);
        var campaign = await campaigns.LockAsync(uow, campaignId, ct);
        if (campaign is null)
        {
            return Problems.NotFound("No such campaign.");
        }

        if (rule(campaign, caller, await profiles.GetAsync(uow, caller.UserId, ct)) is { } refused)
        {
            return refused.ToResponse();
        }

        var changed = await change(uow, campaign, caller);
        await uow.CommitAsync(ct);
        return successStatus == StatusCodes.Status204NoContent
            ? new ApiResponse(StatusCodes.Status204NoContent, null)
            : new ApiResponse(successStatus, await views.OneAsync(changed, ct, caller));
    }
}
