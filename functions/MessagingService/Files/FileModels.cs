using System.ComponentModel;
using Platform.Hosting.Http;

namespace MessagingService.Files;

/// <summary>The body of messaging-service's POST /api/uploads: which kind of file the slot is for.</summary>
public sealed record UploadBody([property: Required, OneOf<MessagingUploadKind>, Description("What the file is for (messaging-service issues message_attachment only).")] string? Kind)
{
    public MessagingUploadKind ToKind() => EnumText.Parse<MessagingUploadKind>(Kind!);
}
