using System.Reflection;

namespace Platform.Hosting.Tests.Support;

/// <summary>An assembly that exports exactly the given types, so a test picks what a catalog sees.</summary>
public sealed class FakeAssembly(params Type[] types) : Assembly
{
    public override Type[] GetExportedTypes() => types;
}
