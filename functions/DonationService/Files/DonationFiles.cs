using Platform.Blobs;

namespace DonationService.Files;

/// <summary>The kinds of file donation-service owns (issue 16).</summary>
public enum DonationUploadKind
{
    DonationImage,
    VerificationDocument,
}

public static class DonationFiles
{
    /// <summary>At most this many photos per donation.</summary>
    public const int MaxImagesPerDonation = 5;

    /// <summary>A verification request carries one or two documents (e.g. both sides of an ID card).</summary>
    public const int MaxVerificationDocuments = 2;

    /// <summary>Photos of donated items: public (anyone may read them), JPEG, PNG or WebP, at most 5 MiB.</summary>
    public static readonly BlobKind DonationImage = new("donation_image", "donation-images", IsPublic: true, FileType.Images);

    /// <summary>
    /// A recipient's verification documents: private (read URLs only for the user and admins), a JPEG,
    /// PNG or WebP photo or a PDF, at most 5 MiB.
    /// </summary>
    public static readonly BlobKind VerificationDocument = new(
        "verification_document", "verification-documents", IsPublic: false, [.. FileType.Images, FileType.Pdf]);

    public static BlobKind KindOf(DonationUploadKind kind) => kind switch
    {
        DonationUploadKind.DonationImage => DonationImage,
        DonationUploadKind.VerificationDocument => VerificationDocument,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
