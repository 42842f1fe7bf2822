using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Hosting.Hosting;

/// <summary>
/// Calls one function method for an ASP.NET Core request the way the Functions worker does:
/// a new instance of the function class per invocation (constructor injection), the trigger's
/// <see cref="HttpRequest"/>, route values bound by parameter name, the request's cancellation token.
/// </summary>
internal sealed class HttpFunctionInvoker
{
    private static readonly ActionDescriptor EmptyDescriptor = new();
    private readonly HttpFunction _function;
    private readonly Func<HttpContext, object?>[] _binders;

    /// <summary>
    /// Made at the function's first call, not at start: building it compiles an expression, and the
    /// 26 of donation-service took 40–60 ms of its start (dotnet-trace), before the health check answers.
    /// Two first calls at once may both build it; either result is the same.
    /// </summary>
    private ObjectFactory? _factory;

    public HttpFunctionInvoker(HttpFunction function)
    {
        _function = function;
        _binders = function.Method.GetParameters().Select(p => CreateBinder(function, p)).ToArray();
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var instance = _function.Method.IsStatic
            ? null
            : (_factory ??= ActivatorUtilities.CreateFactory(_function.DeclaringType, Type.EmptyTypes))(context.RequestServices, null);
        try
        {
            var args = new object?[_binders.Length];
            for (var i = 0; i < args.Length; i++)
            {
                args[i] = _binders[i](context);
            }

            object? returned;
            try
            {
                returned = _function.Method.Invoke(instance, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            var result = await Unwrap(returned);
            if (result is IActionResult action)
            {
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), EmptyDescriptor));
            }
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static async Task<object?> Unwrap(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType ? type.GetProperty("Result")!.GetValue(task) : null;
            case ValueTask<IActionResult> valueTask:
                return await valueTask;
            default:
                return returned;
        }
    }

    private static Func<HttpContext, object?> CreateBinder(HttpFunction function, ParameterInfo parameter)
    {
        if (parameter == function.Trigger)
        {
            if (parameter.ParameterType != typeof(HttpRequest))
            {
                throw Unsupported(function, parameter, "the HTTP trigger must be an HttpRequest");
            }

            return c => c.Request;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return c => c.RequestAborted;
        }

        var name = parameter.Name!;
        if (!RouteValueNames(function.Route).Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw Unsupported(function, parameter, "only the trigger, route values and a CancellationToken can be bound");
        }

        if (parameter.ParameterType == typeof(string))
        {
            return c => c.Request.RouteValues[name] as string;
        }

        throw Unsupported(function, parameter, "route values are bound as strings and parsed by the function, so that a bad value is a 400");
    }

    /// <summary>The names of a route's parameters: <c>items/{id:guid}/{*rest}</c> → id, rest.</summary>
    internal static IEnumerable<string> RouteValueNames(string route) =>
        System.Text.RegularExpressions.Regex.Matches(route, @"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}").Select(m => m.Groups[1].Value);

    private static InvalidOperationException Unsupported(HttpFunction function, ParameterInfo parameter, string why) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Function {function.Name}: parameter '{parameter.Name}' cannot be bound in standalone mode: {why}."));
}
