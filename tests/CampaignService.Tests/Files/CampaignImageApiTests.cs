using System.Net;
using System.Text.Json;
using CampaignService.Files;
using CampaignService.Tests.Http;
using Platform.Blobs;
using Platform.Contracts.Events;
using Platform.Testing;

namespace CampaignService.Tests.Files;

/// <summary>
/// Issue 16 for campaign images, end to end against Azurite: campaign-service's own upload slot, the
/// file PUT straight to storage as a browser does, attached, read back at its public URL; bad input a
/// clear 4xx with nothing attached; reorder and detach; deletion through campaign.deleted, twice.
/// </summary>
[Collection(CampaignServiceCollection.Name)]
public sealed class CampaignImageApiTests(CampaignServiceFixture api)
{
    private static readonly BlobKind Kind = CampaignFiles.CampaignImage;

    [Fact]
    public async Task An_owner_uploads_images_attaches_reorders_and_detaches_them_and_anyone_reads_them()
    {
        var (owner, campaignId) = await api.ActiveCampaignAsync();
        var slot = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", owner.Token, new { kind = "campaign_image" }), 201);
        Assert.Equal("campaign_image", slot.GetProperty("kind").GetString());
        Assert.Equal(5 * 1024 * 1024, slot.GetProperty("max_bytes").GetInt64());
        var a = await Uploads.PutAsync(slot, Uploads.Png(), "text/html");
        var b = await UploadAsync(owner, Uploads.Jpeg());
        var c = await UploadAsync(owner, Uploads.WebP());

        foreach (var blob in new[] { a, b, c })
        {
            // A new image is new content: the active campaign goes back to review (issue 18).
            Assert.Equal("pending", (await api.ExpectAsync(await Attach(owner, campaignId, blob), 200)).GetProperty("status").GetString());
        }

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Get, $"api/campaigns/{campaignId}"), 404);
        await api.ReviewAsync(campaignId, "approve");
        var anonymous = await api.GetJsonAsync($"api/campaigns/{campaignId}");
        var images = anonymous.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([a, b, c], images.Select(i => i.GetProperty("id").GetGuid()));
        var (status, body, type) = await Uploads.ReadAsync(images[0].GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("image/png", type); // what the first bytes say, not what the upload declared
        Assert.Equal(Uploads.Png(), body);
        // Every list shape reads the images with the rows, in order: newest, a sort by a key, and text search by relevance.
        var word = anonymous.GetProperty("title").GetString()!.Split(' ')[0];
        foreach (var query in new[] { string.Empty, "&sort=most_funded", $"&q={Uri.EscapeDataString(word)}&sort=relevance" })
        {
            var listed = (await api.GetJsonAsync($"api/campaigns?recipient_id={owner.Id}{query}")).GetProperty("items").EnumerateArray().Single();
            Assert.Equal([a, b, c], listed.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        }

        var arranged = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{campaignId}/images", owner.Token, new { image_ids = new[] { c, a } }), 200);
        Assert.Equal([c, a], arranged.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.False(await ExistsAsync(owner.Id, b), "a detached image is still stored");
        Assert.True(await ExistsAsync(owner.Id, a));

        // Other changes answer the view with its images too.
        var paused = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{campaignId}/pause", owner.Token), 200);
        Assert.Equal(2, paused.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task Bad_uploads_get_a_clear_4xx_and_nothing_is_attached()
    {
        var (owner, campaignId) = await api.ActiveCampaignAsync();
        var other = await api.VerifiedRecipientAsync();

        var executable = await UploadAsync(owner, Uploads.Executable(), "image/png");
        await AssertInvalidAsync(await Attach(owner, campaignId, executable), "blob_id");
        Assert.False(await ExistsAsync(owner.Id, executable), "a refused file is deleted");
        await AssertInvalidAsync(await Attach(owner, campaignId, await UploadAsync(owner, Uploads.Png((5 * 1024 * 1024) + 1))), "blob_id");
        await AssertInvalidAsync(await Attach(owner, campaignId, await UploadAsync(owner, Uploads.Pdf())), "blob_id"); // a PDF is no image
        await AssertInvalidAsync(await Attach(owner, campaignId, Guid.NewGuid()), "blob_id");
        await AssertInvalidAsync(await Attach(owner, campaignId, await UploadAsync(other, Uploads.Png())), "blob_id"); // someone else's
        foreach (var odd in new[] { "../../etc/passwd", $"{owner.Id}/{Guid.NewGuid()}", "%2e%2e", string.Empty })
        {
            await AssertInvalidAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{campaignId}/images", owner.Token, new { blob_id = odd }), "blob_id");
        }

        for (var i = 0; i < 5; i++)
        {
            await api.ExpectAsync(await Attach(owner, campaignId, await UploadAsync(owner, Uploads.Png())), 200);
        }

        await api.ReviewAsync(campaignId, "approve"); // the new images sent it back to review (issue 18)

        await AssertStatusAsync(await Attach(owner, campaignId, await UploadAsync(owner, Uploads.Png())), 409); // a sixth
        var otherCampaign = CampaignServiceFixture.IdOf(await api.CreateCampaignAsync(owner.Token));
        var first = (await api.GetJsonAsync($"api/campaigns/{campaignId}")).GetProperty("images")[0].GetProperty("id").GetGuid();
        await AssertStatusAsync(await Attach(owner, otherCampaign, first), 409); // attached already, elsewhere
        await AssertInvalidAsync(await api.SendAsync(HttpMethod.Put, $"api/campaigns/{campaignId}/images", owner.Token, new { image_ids = new[] { Guid.NewGuid() } }), "image_ids");

        // Only the owner, and only campaign images from campaign-service.
        await AssertStatusAsync(await Attach(other, campaignId, await UploadAsync(other, Uploads.Png())), 403);
        await AssertStatusAsync(await api.SendAsync(HttpMethod.Post, $"api/campaigns/{campaignId}/images", null, new { blob_id = Guid.NewGuid() }), 401);
        await AssertStatusAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", api.NewUser().Token, new { kind = "campaign_image" }), 403); // not verified
        await AssertInvalidAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", owner.Token, new { kind = "donation_image" }), "kind");
        Assert.Equal(5, (await api.GetJsonAsync($"api/campaigns/{campaignId}")).GetProperty("images").GetArrayLength());
        Assert.Equal(0, (await api.GetJsonAsync($"api/campaigns/{otherCampaign}", owner.Token)).GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task Deleting_a_campaign_deletes_its_images_through_campaign_deleted_and_a_second_delivery_is_harmless()
    {
        var owner = await api.VerifiedRecipientAsync();
        var campaignId = CampaignServiceFixture.IdOf(await api.CreateCampaignAsync(owner.Token));
        var a = await UploadAsync(owner, Uploads.Png());
        var b = await UploadAsync(owner, Uploads.Jpeg());
        await api.ExpectAsync(await Attach(owner, campaignId, a), 200);
        await api.ExpectAsync(await Attach(owner, campaignId, b), 200);

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/campaigns/{campaignId}", owner.Token), 204);

        await api.EventuallyAsync(async () => !await ExistsAsync(owner.Id, a) && !await ExistsAsync(owner.Id, b), "the deleted campaign's images are gone from storage");
        await api.PublishAndWaitAsync(new CampaignDeleted(campaignId, owner.Id, owner.Id, 99), "/campaign-service");
        Assert.False(await ExistsAsync(owner.Id, a));
    }

    private Task<HttpResponseMessage> Attach(TestUser user, Guid campaignId, Guid blobId) =>
        api.SendAsync(HttpMethod.Post, $"api/campaigns/{campaignId}/images", user.Token, new { blob_id = blobId });

    private async Task<Guid> UploadAsync(TestUser user, byte[] bytes, string contentType = "application/octet-stream") =>
        await Uploads.PutAsync(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", user.Token, new { kind = "campaign_image" }), 201), bytes, contentType);

    private static async Task<bool> ExistsAsync(Guid owner, Guid blobId)
    {
        var storage = new BlobStorage(new BlobStorageOptions { ConnectionString = TestEnvironment.Require("BlobStorageConnection") }, [Kind], TimeProvider.System);
        return (await storage.Blob(Kind, owner, blobId).ExistsAsync()).Value;
    }

    private static async Task AssertStatusAsync(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {text}");
        }
    }
}
