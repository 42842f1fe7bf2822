using Platform.Blobs;

namespace MessagingService.Files;

/// <summary>The kinds of file messaging-service owns (issue 16).</summary>
public enum MessagingUploadKind
{
    MessageAttachment,
}

public static class MessagingFiles
{
    /// <summary>At most this many attachments per message.</summary>
    public const int MaxAttachmentsPerMessage = 3;

    /// <summary>
    /// Pictures sent with a message: private (read URLs only for the two parties, and admins judging a
    /// report about the message), JPEG, PNG or WebP, at most 5 MiB. No PDF: a chat about items needs
    /// pictures, and a document from a stranger is the classic phishing carrier (DESIGN-NOTES).
    /// </summary>
    public static readonly BlobKind MessageAttachment = new("message_attachment", "message-attachments", IsPublic: false, FileType.Images);

    public static BlobKind KindOf(MessagingUploadKind kind) => kind switch
    {
        MessagingUploadKind.MessageAttachment => MessageAttachment,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
