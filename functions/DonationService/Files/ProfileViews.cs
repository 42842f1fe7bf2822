using DonationService.Profiles;
using Platform.Blobs;

namespace DonationService.Files;

/// <summary>
/// Full profile views (only ever shown to the user themself and to admins) with the verification
/// documents as read URLs valid a few minutes, signed locally (no call to storage).
/// </summary>
public sealed class ProfileViews(IVerificationDocumentStore documents, BlobStorage storage)
{
    public async Task<ProfileView> OneAsync(Profile profile, CancellationToken cancellationToken) =>
        (await ManyAsync([profile], cancellationToken))[0];

    public async Task<IReadOnlyList<ProfileView>> ManyAsync(IReadOnlyList<Profile> profiles, CancellationToken cancellationToken)
    {
        var rows = await documents.ForProfilesAsync([.. profiles.Select(p => p.Id)], cancellationToken);
        var byProfile = rows.ToLookup(r => r.ProfileId);
        var views = new List<ProfileView>(profiles.Count);
        foreach (var profile in profiles)
        {
            var files = new List<FileView>();
            foreach (var row in byProfile[profile.Id])
            {
                files.Add(await storage.ViewAsync(DonationFiles.VerificationDocument, row.ProfileId, row.BlobId, row.ContentType, cancellationToken));
            }

            views.Add(ProfileView.From(profile, files));
        }

        return views;
    }
}
