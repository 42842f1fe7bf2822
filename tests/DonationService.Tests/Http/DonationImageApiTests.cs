using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DonationService.Files;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Blobs;
using Platform.Testing;

namespace DonationService.Tests.Http;

/// <summary>
/// Issue 16 for donation images, end to end: an upload slot from the service, the file PUT straight
/// to Azurite over HTTP as a browser does, attached, read back at its public URL; every bad input a
/// clear 4xx with nothing attached; reorder and detach; deletion through donation.deleted.
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class DonationImageApiTests(DonationServiceFixture api)
{
    private static readonly HttpClient Browser = new();

    [Fact]
    public async Task A_donor_uploads_a_photo_straight_to_storage_and_attaches_it()
    {
        var donor = await api.NewUserAsync("donor");
        var word = "kettle" + Guid.NewGuid().ToString("N")[..8];
        var donationId = DonationServiceFixture.IdOf(await api.ExpectAsync(await api.SendAsync(
            HttpMethod.Post, "api/donations", donor.Token, new { title = "Photo of a " + word, category = "household", latitude = 53.8, longitude = -1.55 }), 201));

        var slot = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", donor.Token, new { kind = "donation_image" }), 201);
        Assert.Equal("donation_image", slot.GetProperty("kind").GetString());
        Assert.Equal(5 * 1024 * 1024, slot.GetProperty("max_bytes").GetInt64());
        Assert.Equal(["image/jpeg", "image/png", "image/webp"], slot.GetProperty("allowed_types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("x-ms-blob-type", slot.GetProperty("headers")[0].GetProperty("name").GetString());
        await UploadAsync(slot, Png(), "application/octet-stream");

        var view = await api.ExpectAsync(await Attach(donor, donationId, BlobId(slot)), 200);
        var image = Assert.Single(view.GetProperty("images").EnumerateArray());
        Assert.Equal(BlobId(slot), image.GetProperty("id").GetGuid());
        Assert.Equal("image/png", image.GetProperty("content_type").GetString());

        using (var read = await Browser.GetAsync(image.GetProperty("url").GetString()))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("image/png", read.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Png(), await read.Content.ReadAsByteArrayAsync());
        }

        var again = await api.GetJsonAsync($"api/donations/{donationId}", donor.Token);
        Assert.Equal(BlobId(slot), Assert.Single(again.GetProperty("images").EnumerateArray()).GetProperty("id").GetGuid());
        var listed = DonationServiceFixture.Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}", donor.Token));
        Assert.Equal(BlobId(slot), Assert.Single(Assert.Single(listed).GetProperty("images").EnumerateArray()).GetProperty("id").GetGuid());

        // Every list shape reads the photos with the rows: text search by relevance, and near me by distance.
        foreach (var query in new[] { $"q={word}&sort=relevance", "near=53.8,-1.55&radius_km=1&sort=distance" })
        {
            var found = DonationServiceFixture.Items(await api.GetJsonAsync($"api/donations?donor_id={donor.Id}&{query}", donor.Token));
            Assert.Equal(BlobId(slot), Assert.Single(Assert.Single(found).GetProperty("images").EnumerateArray()).GetProperty("id").GetGuid());
        }

        Assert.Equal(1, await CountAsync(donationId));
    }

    [Fact]
    public async Task Bad_uploads_get_a_clear_4xx_and_nothing_is_attached()
    {
        var donor = await api.NewUserAsync("donor");
        var other = await api.NewUserAsync("donor");
        var donationId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));

        var oversized = await NewUploadAsync(donor, Png((5 * 1024 * 1024) + 1));
        await api.AssertInvalidFieldAsync(await Attach(donor, donationId, oversized), "blob_id");

        var renamedExecutable = await NewUploadAsync(donor, Executable(), "image/png");
        await api.AssertInvalidFieldAsync(await Attach(donor, donationId, renamedExecutable), "blob_id");
        Assert.False(await ExistsAsync(donor.Id, renamedExecutable), "a refused file is deleted");

        await api.AssertInvalidFieldAsync(await Attach(donor, donationId, Guid.NewGuid()), "blob_id"); // never uploaded

        var othersUpload = await NewUploadAsync(other, Png());
        await api.AssertInvalidFieldAsync(await Attach(donor, donationId, othersUpload), "blob_id"); // someone else's

        var slotOnly = BlobId(await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", donor.Token, new { kind = "donation_image" }), 201));
        await api.AssertInvalidFieldAsync(await Attach(donor, donationId, slotOnly), "blob_id"); // slot issued, nothing PUT

        foreach (var odd in new[] { "../../etc/passwd", "x/../" + Guid.NewGuid(), Guid.NewGuid() + "/x", "%2e%2e", "00000000-0000-0000-0000-000000000000", string.Empty })
        {
            await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Post, $"api/donations/{donationId}/images", donor.Token, new { blob_id = odd }), "blob_id");
        }

        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", donor.Token, new { kind = "verification_document/../donation_image" }), "kind");
        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", donor.Token, new { }), "kind");

        Assert.Equal(0, await CountAsync(donationId));
    }

    [Fact]
    public async Task At_most_five_images_each_attached_once()
    {
        var donor = await api.NewUserAsync("donor");
        var donationId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        var first = Guid.Empty;
        for (var i = 0; i < 5; i++)
        {
            var blob = await NewUploadAsync(donor, i % 2 == 0 ? Jpeg() : Png());
            first = i == 0 ? blob : first;
            await api.ExpectAsync(await Attach(donor, donationId, blob), 200);
        }

        var sixth = await NewUploadAsync(donor, Png());
        await api.AssertProblemAsync(await Attach(donor, donationId, sixth), 409);
        Assert.True(await ExistsAsync(donor.Id, sixth), "a valid file refused for the count stays for another try");

        var second = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        await api.AssertProblemAsync(await Attach(donor, second, first), 409); // attached already, elsewhere
        Assert.Equal(5, await CountAsync(donationId));
        Assert.Equal(0, await CountAsync(second));
    }

    [Fact]
    public async Task Only_the_donor_attaches_and_a_stranger_learns_nothing()
    {
        var (donor, availableId) = await api.AvailableDonationAsync();
        var pendingId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        var stranger = await api.NewUserAsync("donor");
        var strangersBlob = await NewUploadAsync(stranger, Png());

        await api.AssertProblemAsync(await Attach(stranger, availableId, strangersBlob), 403);
        await api.AssertProblemAsync(await Attach(stranger, pendingId, strangersBlob), 404);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, $"api/donations/{availableId}/images", null, new { blob_id = strangersBlob }), 401);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", null, new { kind = "donation_image" }), 401);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{availableId}/images", stranger.Token, new { image_ids = Array.Empty<Guid>() }), 403);

        var recipient = await api.NewUserAsync("recipient");
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", recipient.Token, new { kind = "donation_image" }), 403);
        Assert.Equal(0, await CountAsync(availableId));
    }

    [Fact]
    public async Task Images_are_reordered_and_detached_ones_deleted()
    {
        var donor = await api.NewUserAsync("donor");
        var donationId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        var a = await NewUploadAsync(donor, Png());
        var b = await NewUploadAsync(donor, Jpeg());
        var c = await NewUploadAsync(donor, WebP());
        foreach (var blob in new[] { a, b, c })
        {
            await api.ExpectAsync(await Attach(donor, donationId, blob), 200);
        }

        var view = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{donationId}/images", donor.Token, new { image_ids = new[] { c, a } }), 200);
        Assert.Equal([c, a], view.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.False(await ExistsAsync(donor.Id, b));
        Assert.True(await ExistsAsync(donor.Id, a));

        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{donationId}/images", donor.Token, new { image_ids = new[] { b } }), "image_ids");
        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{donationId}/images", donor.Token, new { image_ids = new[] { a, a } }), "image_ids");
        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Put, $"api/donations/{donationId}/images", donor.Token, new { image_ids = "a" }), "image_ids");
        var after = await api.GetJsonAsync($"api/donations/{donationId}", donor.Token);
        Assert.Equal([c, a], after.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        var next = await NewUploadAsync(donor, Png());
        view = await api.ExpectAsync(await Attach(donor, donationId, next), 200);
        Assert.Equal([c, a, next], view.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Deleting_a_donation_deletes_its_photos_through_donation_deleted()
    {
        var donor = await api.NewUserAsync("donor");
        var donationId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        var a = await NewUploadAsync(donor, Png());
        var b = await NewUploadAsync(donor, Jpeg());
        await api.ExpectAsync(await Attach(donor, donationId, a), 200);
        await api.ExpectAsync(await Attach(donor, donationId, b), 200);

        await api.ExpectAsync(await api.SendAsync(HttpMethod.Delete, $"api/donations/{donationId}", donor.Token), 204);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await ExistsAsync(donor.Id, a) || await ExistsAsync(donor.Id, b)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(await ExistsAsync(donor.Id, a), "photo a still stored after donation.deleted");
        Assert.False(await ExistsAsync(donor.Id, b), "photo b still stored after donation.deleted");
    }

    [Fact]
    public async Task Storage_unavailable_is_503_with_retry_after_and_nothing_attached()
    {
        var deadPort = TestEnvironment.FreePort();
        var connection = System.Text.RegularExpressions.Regex.Replace(
            TestEnvironment.Require("BlobStorageConnection"), @"BlobEndpoint=http://127\.0\.0\.1:\d+/", $"BlobEndpoint=http://127.0.0.1:{deadPort}/");
        await using var service = await ServiceProcess.StartAsync("DonationService", new Dictionary<string, string?>
        {
            ["DonationDbConnection"] = TestEnvironment.Require("DonationDbConnection"),
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("DonationService"),
            ["SUPABASE_URL"] = api.Jwks.Url,
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            ["BlobStorageConnection"] = connection,
        });
        var donor = await api.NewUserAsync("donor");
        var donationId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        var blob = await NewUploadAsync(donor, Png());

        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/donations/{donationId}/images")
        {
            Content = DonationServiceFixture.ContentOf(new { blob_id = blob }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", donor.Token);
        using var response = await service.Client.SendAsync(request);
        Assert.True(response.Headers.RetryAfter is not null, "503 without Retry-After");
        await api.AssertProblemAsync(response, 503);
        Assert.Equal(0, await CountAsync(donationId));
    }

    [Fact]
    public async Task The_sweeper_deletes_uploads_never_attached_and_keeps_attached_photos_as_the_database_says()
    {
        var donor = await api.NewUserAsync("donor");
        var donationId = DonationServiceFixture.IdOf(await api.CreateDonationAsync(donor.Token));
        var attached = await NewUploadAsync(donor, Png());
        await api.ExpectAsync(await Attach(donor, donationId, attached), 200);
        var forgotten = await NewUploadAsync(donor, Png());

        // The attach's "attached" mark is removed, so only the database can save the photo.
        var storage = new BlobStorage(new BlobStorageOptions { ConnectionString = TestEnvironment.Require("BlobStorageConnection") }, [DonationFiles.DonationImage], TimeProvider.System);
        await storage.Blob(DonationFiles.DonationImage, donor.Id, attached).SetMetadataAsync(new Dictionary<string, string>());
        await using var dataSource = NpgsqlDataSource.Create(TestEnvironment.Require("DonationDbConnection"));
        var sweeper = new BlobSweeper(storage, new DonationImageStore(new Platform.Data.ServiceDatabase(dataSource, "donation")), NullLogger<BlobSweeper>.Instance);

        await sweeper.SweepAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None, owner: donor.Id); // only this donor's: other tests upload too

        Assert.False(await ExistsAsync(donor.Id, forgotten), "an upload never attached survived the sweep");
        Assert.True(await ExistsAsync(donor.Id, attached), "the sweep deleted an attached photo");
        using var read = await Browser.GetAsync((await api.GetJsonAsync($"api/donations/{donationId}", donor.Token)).GetProperty("images")[0].GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    // ---- helpers ----

    private Task<HttpResponseMessage> Attach(TestUser user, Guid donationId, Guid blobId) =>
        api.SendAsync(HttpMethod.Post, $"api/donations/{donationId}/images", user.Token, new { blob_id = blobId });

    private async Task<Guid> NewUploadAsync(TestUser user, byte[] bytes, string contentType = "image/png")
    {
        var slot = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", user.Token, new { kind = "donation_image" }), 201);
        await UploadAsync(slot, bytes, contentType);
        return BlobId(slot);
    }

    private static Guid BlobId(JsonElement slot) => slot.GetProperty("blob_id").GetGuid();

    /// <summary>PUTs the file to the slot's URL with the slot's headers, as a browser's fetch would (no SDK, no credentials).</summary>
    private static async Task UploadAsync(JsonElement slot, byte[] bytes, string contentType)
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
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<bool> ExistsAsync(Guid owner, Guid blobId)
    {
        var endpoint = System.Text.RegularExpressions.Regex.Match(TestEnvironment.Require("BlobStorageConnection"), "BlobEndpoint=([^;]+)").Groups[1].Value.TrimEnd('/');
        using var head = await Browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{endpoint}/donation-images/{owner:D}/{blobId:D}"));
        return head.StatusCode == HttpStatusCode.OK;
    }

    private static async Task<long> CountAsync(Guid donationId)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from donation.donation_images where donation_id = @id", connection);
        command.Parameters.AddWithValue("id", donationId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static byte[] Png(int size = 512) => Fill([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52], size);

    private static byte[] Jpeg() => Fill([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0], 512);

    private static byte[] WebP() => Fill([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8], 512);

    private static byte[] Executable() => Fill([0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0, 4, 0], 512);

    private static byte[] Fill(byte[] head, int size)
    {
        var bytes = new byte[size];
        head.CopyTo(bytes, 0);
        for (var i = head.Length; i < size; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        return bytes;
    }
}
