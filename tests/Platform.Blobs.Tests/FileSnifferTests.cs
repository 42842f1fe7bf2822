namespace Platform.Blobs.Tests;

public sealed class FileSnifferTests
{
    [Fact]
    public void Recognises_each_accepted_type_by_its_first_bytes()
    {
        Assert.Same(FileType.Jpeg, FileSniffer.Sniff(TestFiles.Jpeg()));
        Assert.Same(FileType.Png, FileSniffer.Sniff(TestFiles.Png()));
        Assert.Same(FileType.WebP, FileSniffer.Sniff(TestFiles.WebP()));
        Assert.Same(FileType.Pdf, FileSniffer.Sniff(TestFiles.Pdf()));
    }

    [Fact]
    public void Refuses_executables_markup_and_look_alikes()
    {
        Assert.Null(FileSniffer.Sniff(TestFiles.Executable()));
        Assert.Null(FileSniffer.Sniff(TestFiles.Html()));
        Assert.Null(FileSniffer.Sniff([]));
        Assert.Null(FileSniffer.Sniff([0xFF, 0xD8])); // a JPEG's first two bytes only
        Assert.Null(FileSniffer.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A])); // a PNG signature cut short
        Assert.Null(FileSniffer.Sniff([.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVEfmt "u8])); // RIFF, but audio
        Assert.Null(FileSniffer.Sniff([.. " %PDF-1.7"u8])); // not at the start
    }

    [Fact]
    public void A_kind_names_its_types_in_words()
    {
        Assert.Equal("JPEG, PNG or WebP", new BlobKind("k", "c", IsPublic: true, FileType.Images).TypesInWords);
        Assert.Equal("PDF", new BlobKind("k", "c", IsPublic: false, [FileType.Pdf]).TypesInWords);
    }

    [Theory]
    [InlineData("7c9e6679-7425-40de-944b-e07fc1f90ae7/16fd2706-8baf-433b-82eb-8c7fada847da", true)]
    [InlineData("7c9e6679-7425-40de-944b-e07fc1f90ae7/../16fd2706-8baf-433b-82eb-8c7fada847da", false)]
    [InlineData("16fd2706-8baf-433b-82eb-8c7fada847da", false)]
    [InlineData("7c9e6679-7425-40de-944b-e07fc1f90ae7/photo.png", false)]
    public void Only_names_the_platform_issues_are_read_back(string name, bool issued)
    {
        Assert.Equal(issued, BlobStorage.TryParseName(name, out _, out _));
    }
}
