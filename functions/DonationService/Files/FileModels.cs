using System.ComponentModel;
using Platform.Hosting.Http;

namespace DonationService.Files;

/// <summary>The body of POST /api/uploads: which kind of file the slot is for.</summary>
public sealed record UploadBody([property: Required, OneOf<DonationUploadKind>, Description("What the file is for.")] string? Kind)
{
    public DonationUploadKind ToKind() => EnumText.Parse<DonationUploadKind>(Kind!);
}

/// <summary>The body of POST /api/donations/{id}/images: an uploaded blob to attach (appended last).</summary>
public sealed record AttachImageBody([property: Required, Uuid, Description("The blob_id of an upload slot of kind donation_image whose file was PUT.")] string? BlobId)
{
    public Guid ToId() => Guid.Parse(BlobId!);
}

/// <summary>The body of PUT /api/donations/{id}/images: the attached images to keep, in their new order.</summary>
public sealed record ArrangeImagesBody(
    [property: Required, UuidList(0, DonationFiles.MaxImagesPerDonation), Description("Ids of attached images in the order to show them; an attached image left out is detached and deleted.")]
    IReadOnlyList<string>? ImageIds)
{
    public IReadOnlyList<Guid> ToIds() => [.. ImageIds!.Select(Guid.Parse)];
}
