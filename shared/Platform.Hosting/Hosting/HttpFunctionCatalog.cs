using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Platform.Hosting.Hosting;

/// <summary>One HTTP-triggered function method, as the Functions host would register it.</summary>
public sealed record HttpFunction(
    string Name,
    string Route,
    IReadOnlyList<string> Methods,
    AuthorizationLevel AuthLevel,
    Type DeclaringType,
    MethodInfo Method,
    ParameterInfo Trigger);

/// <summary>Finds the <c>[Function]</c> methods with an <c>[HttpTrigger]</c> in an assembly.</summary>
public static class HttpFunctionCatalog
{
    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        var found = new List<HttpFunction>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null)
                {
                    continue;
                }

                var trigger = method.GetParameters()
                    .FirstOrDefault(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null);
                if (trigger is null)
                {
                    continue;
                }

                var attribute = trigger.GetCustomAttribute<HttpTriggerAttribute>()!;
                var methods = (attribute.Methods ?? ["get", "post", "put", "delete", "patch"])
                    .Select(m => m.ToUpperInvariant())
                    .ToArray();
                found.Add(new HttpFunction(
                    function.Name,
                    (attribute.Route ?? function.Name).Trim('/'),
                    methods,
                    attribute.AuthLevel,
                    type,
                    method,
                    trigger));
            }
        }

        var duplicate = found.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two functions are named '{duplicate.Key}'; function names must be unique in an app.");
        }

        return found;
    }
}
