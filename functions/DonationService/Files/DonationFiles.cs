using Platform.Blobs;

namespace DonationService.Files;

/// <summary>The kinds of file donation-service owns (issue 16).</summary>
public enum DonationUploadKind
{
    DonationImage,
}

public static class DonationFiles
{
    /// <summary>At most this many photos per donation.</summary>
    public const int MaxImagesPerDonation = 5;

    /// <summary>Photos of donated items: public (anyone may read them), JPEG, PNG or WebP, at most 5 MiB.</summary>
    public static readonly BlobKind DonationImage = new("donation_image", "donation-images", IsPublic: true, FileType.Images);

    public static BlobKind KindOf(DonationUploadKind kind) => kind switch
    {
        DonationUploadKind.DonationImage => DonationImage,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
