using System.Net;
using DonationService.Files;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Blobs;
using Platform.Data;
using Platform.Testing;

namespace DonationService.Tests.Http;

/// <summary>
/// Issue 16 for verification documents, end to end against Azurite: slots of kind
/// verification_document, files PUT as a browser does, attached by the verification request; read URLs
/// only for the user and admins (short-lived, and useless without their signature); every bad input a
/// clear 4xx with nothing stored; a new request replaces the documents and deletes the old files.
/// </summary>
[Collection(DonationServiceCollection.Name)]
public sealed class VerificationDocumentApiTests(DonationServiceFixture api)
{
    private static readonly BlobKind Kind = DonationFiles.VerificationDocument;

    [Fact]
    public async Task A_recipient_asks_to_be_verified_with_a_photo_and_a_pdf_that_only_they_and_admins_can_read()
    {
        var user = await api.NewUserAsync();
        var slot = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", user.Token, new { kind = "verification_document" }), 201);
        Assert.Equal(["image/jpeg", "image/png", "image/webp", "application/pdf"], slot.GetProperty("allowed_types").EnumerateArray().Select(t => t.GetString()));
        var photo = await Uploads.PutAsync(slot, Uploads.Jpeg(), "image/png");
        var pdf = await api.UploadAsync(user, "verification_document", Uploads.Pdf(), "application/octet-stream");

        var view = await api.ExpectAsync(await Request(user, pdf, photo), 200);
        Assert.Equal("requested", view.GetProperty("recipient_status").GetString());
        var documents = view.GetProperty("verification_documents").EnumerateArray().ToList();
        Assert.Equal([pdf, photo], documents.Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal(["application/pdf", "image/jpeg"], documents.Select(d => d.GetProperty("content_type").GetString()));

        var (status, body, type) = await Uploads.ReadAsync(documents[0].GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/pdf", type);
        Assert.Equal(Uploads.Pdf(), body);

        // The container is private: the URL without its signature reads nothing.
        var unsigned = new Uri(documents[0].GetProperty("url").GetString()!).GetLeftPart(UriPartial.Path);
        Assert.NotEqual(HttpStatusCode.OK, (await Uploads.ReadAsync(unsigned)).Status);

        // The user and admins see the documents (own profile, the profile by id, the admins' list); others never.
        foreach (var seen in new[]
        {
            await api.GetJsonAsync("api/profiles/me", user.Token),
            await api.GetJsonAsync($"api/profiles/{user.Id}", user.Token),
            await api.GetJsonAsync($"api/profiles/{user.Id}", api.AdminToken()),
            DonationServiceFixture.Items(await api.GetJsonAsync("api/admin/profiles?recipient_status=requested&limit=100", api.AdminToken()))
                .Single(p => DonationServiceFixture.IdOf(p) == user.Id),
        })
        {
            var urls = seen.GetProperty("verification_documents").EnumerateArray().Select(d => d.GetProperty("url").GetString()!).ToList();
            Assert.Equal(2, urls.Count);
            Assert.Equal(HttpStatusCode.OK, (await Uploads.ReadAsync(urls[1])).Status);
        }

        var stranger = await api.NewUserAsync();
        foreach (var token in new[] { null, stranger.Token })
        {
            var other = await api.GetJsonAsync($"api/profiles/{user.Id}", token);
            Assert.False(other.TryGetProperty("verification_documents", out _), other.ToString());
        }

        var decided = await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{user.Id}/verification", api.AdminToken(), new { decision = "approve" }), 200);
        Assert.Equal(2, decided.GetProperty("verification_documents").GetArrayLength());
        Assert.Equal(2, await CountAsync(user.Id));
    }

    [Fact]
    public async Task A_read_url_stops_working_when_it_expires()
    {
        var user = await api.NewUserAsync();
        var document = await api.UploadAsync(user, "verification_document", Uploads.Png());
        await api.ExpectAsync(await Request(user, document), 200);

        // The same signing as the service's, with a clock an hour behind: the URL expired 50 minutes ago.
        var earlier = new BlobStorage(Options(), [Kind], new ShiftedTime(TimeSpan.FromHours(-1)));
        var expired = await earlier.ReadUrlAsync(Kind, user.Id, document, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, (await Uploads.ReadAsync(expired)).Status);
        var current = await new BlobStorage(Options(), [Kind], TimeProvider.System).ReadUrlAsync(Kind, user.Id, document, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await Uploads.ReadAsync(current)).Status);
    }

    [Fact]
    public async Task Bad_documents_get_a_clear_4xx_and_nothing_is_stored()
    {
        var user = await api.NewUserAsync();
        var other = await api.NewUserAsync();
        var donor = await api.NewUserAsync("donor");
        var good = await api.UploadAsync(user, "verification_document", Uploads.Png());

        var executable = await api.UploadAsync(user, "verification_document", Uploads.Executable(), "application/pdf");
        await api.AssertInvalidFieldAsync(await Request(user, good, executable), "document_ids");
        Assert.False(await ExistsAsync(user.Id, executable), "a refused file is deleted");

        var oversized = await api.UploadAsync(user, "verification_document", Uploads.Pdf((5 * 1024 * 1024) + 1));
        await api.AssertInvalidFieldAsync(await Request(user, oversized), "document_ids");

        await api.AssertInvalidFieldAsync(await Request(user, Guid.NewGuid()), "document_ids"); // never uploaded
        await api.AssertInvalidFieldAsync(await Request(user, await api.UploadAsync(other, "verification_document", Uploads.Png())), "document_ids"); // someone else's
        await api.AssertInvalidFieldAsync(await Request(user, await api.UploadAsync(donor, "donation_image", Uploads.Png())), "document_ids"); // another kind (and person)

        var third = await api.UploadAsync(user, "verification_document", Uploads.Png());
        var second = await api.UploadAsync(user, "verification_document", Uploads.Png());
        await api.AssertInvalidFieldAsync(await Request(user, good, second, third), "document_ids"); // at most 2
        await api.AssertInvalidFieldAsync(await Request(user, good, good), "document_ids");
        await api.AssertInvalidFieldAsync(await Request(user), "document_ids");
        foreach (var odd in new[] { "../../etc/passwd", $"{user.Id}/{good}", "%2e%2e", string.Empty, "00000000-0000-0000-0000-000000000000" })
        {
            await api.AssertInvalidFieldAsync(
                await api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { document_ids = new[] { odd } }), "document_ids");
        }

        foreach (var odd in new object[] { 7, new { id = good } })
        {
            await api.AssertInvalidFieldAsync(
                await api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { document_ids = new[] { odd } }), "document_ids[0]");
        }

        await api.AssertInvalidFieldAsync(
            await api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { document_ids = good.ToString() }), "document_ids");

        Assert.Equal("none", (await api.GetJsonAsync("api/profiles/me", user.Token)).GetProperty("recipient_status").GetString());
        Assert.Equal(0, await CountAsync(user.Id));
        Assert.True(await ExistsAsync(user.Id, good), "a good file refused with a bad one stays for another try");

        // Slots of this kind only for those who may ask to be verified.
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", donor.Token, new { kind = "verification_document" }), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", null, new { kind = "verification_document" }), 401);
        await api.AssertInvalidFieldAsync(await api.SendAsync(HttpMethod.Post, "api/uploads", user.Token, new { kind = "campaign_image" }), "kind");
    }

    [Fact]
    public async Task A_new_request_replaces_the_documents_and_deletes_the_old_files_after_the_commit()
    {
        var user = await api.NewUserAsync();
        var a = await api.UploadAsync(user, "verification_document", Uploads.Png());
        var b = await api.UploadAsync(user, "verification_document", Uploads.Pdf());
        await api.ExpectAsync(await Request(user, a, b), 200);
        await api.ExpectAsync(
            await api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{user.Id}/verification", api.AdminToken(), new { decision = "reject" }), 200);

        var c = await api.UploadAsync(user, "verification_document", Uploads.WebP());
        var view = await api.ExpectAsync(await Request(user, c, b), 200);

        Assert.Equal([c, b], view.GetProperty("verification_documents").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal("requested", view.GetProperty("recipient_status").GetString());
        Assert.False(await ExistsAsync(user.Id, a), "the replaced document is still stored");
        Assert.True(await ExistsAsync(user.Id, b), "a document kept by the new request was deleted");
        Assert.Equal(2, await CountAsync(user.Id));
    }

    [Fact]
    public async Task The_sweeper_deletes_documents_never_attached_and_keeps_attached_ones_as_the_database_says()
    {
        var user = await api.NewUserAsync();
        var attached = await api.UploadAsync(user, "verification_document", Uploads.Png());
        await api.ExpectAsync(await Request(user, attached), 200);
        var forgotten = await api.UploadAsync(user, "verification_document", Uploads.Png());

        var storage = new BlobStorage(Options(), [DonationFiles.DonationImage, Kind], TimeProvider.System);
        await storage.Blob(Kind, user.Id, attached).SetMetadataAsync(new Dictionary<string, string>()); // only the database can save it now
        await using var dataSource = NpgsqlDataSource.Create(TestEnvironment.Require("DonationDbConnection"));
        var database = new ServiceDatabase(dataSource, "donation");
        var attachments = new DonationAttachments(new DonationImageStore(database), new VerificationDocumentStore(database));

        await new BlobSweeper(storage, attachments, NullLogger<BlobSweeper>.Instance).SweepAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None, owner: user.Id);

        Assert.False(await ExistsAsync(user.Id, forgotten), "an upload never attached survived the sweep");
        Assert.True(await ExistsAsync(user.Id, attached), "the sweep deleted an attached document");
    }

    private Task<HttpResponseMessage> Request(TestUser user, params Guid[] documentIds) =>
        api.SendAsync(HttpMethod.Post, "api/profiles/me/verification", user.Token, new { document_ids = documentIds });

    private static BlobStorageOptions Options() => new() { ConnectionString = TestEnvironment.Require("BlobStorageConnection") };

    private static async Task<bool> ExistsAsync(Guid owner, Guid blobId) =>
        (await new BlobStorage(Options(), [Kind], TimeProvider.System).Blob(Kind, owner, blobId).ExistsAsync()).Value;

    private static async Task<long> CountAsync(Guid profileId)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.MainDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from donation.verification_documents where profile_id = @id", connection);
        command.Parameters.AddWithValue("id", profileId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
