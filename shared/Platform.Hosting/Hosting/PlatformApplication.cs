using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Hosting;

/// <summary>
/// Builds one service in whichever mode the command line asks for: under the Functions host,
/// standalone on Kestrel (same function classes and routes), or as a migration command or the
/// command that writes the app's OpenAPI document.
/// Program.cs creates it, adds the service, and runs it.
/// </summary>
public sealed class PlatformApplication
{
    private readonly IHostApplicationBuilder _builder;
    private readonly Assembly _functionsAssembly;
    private readonly string[] _args;

    private PlatformApplication(string serviceName, string[] args, Assembly functionsAssembly)
    {
        ServiceName = serviceName;
        _args = args;
        _functionsAssembly = functionsAssembly;
        Mode = HostingModes.FromArgs(args);
        _builder = Mode switch
        {
            HostingMode.Standalone => WebApplication.CreateBuilder(HostArgs(args.Where(a => a != HostingModes.StandaloneSwitch))),
            HostingMode.Migrate or HostingMode.ImportLegacy or HostingMode.Tool => Host.CreateApplicationBuilder(HostArgs(args.Skip(1))),
            HostingMode.OpenApi => Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings()), // never built: no setting read
            _ => CreateFunctionsBuilder(HostArgs(args)),
        };

        // Outside App Service, secrets may come straight from the vault (all modes, migrations too:
        // they need the connection strings the vault holds). In Azure, Key Vault references do it.
        // The OpenAPI document needs no secret.
        if (Mode != HostingMode.OpenApi)
        {
            _builder.Configuration.AddPlatformKeyVault();
        }
        Services.AddSingleton(new ServiceIdentity(serviceName, Mode));
    }

    public string ServiceName { get; }

    public HostingMode Mode { get; }

    public IServiceCollection Services => _builder.Services;

    public IConfiguration Configuration => _builder.Configuration;

    public IHostEnvironment Environment => _builder.Environment;

    /// <summary>
    /// The Development environment: <c>DOTNET_ENVIRONMENT</c>/<c>ASPNETCORE_ENVIRONMENT</c>, or
    /// <c>AZURE_FUNCTIONS_ENVIRONMENT</c>, which the Functions host sets (Development under Core Tools).
    /// Local runs, tests and benchmarks run in it; Azure never does.
    /// </summary>
    public bool IsDevelopment => _builder.Environment.IsDevelopment()
        || string.Equals(_builder.Configuration["AZURE_FUNCTIONS_ENVIRONMENT"], Environments.Development, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A running app outside Development (Azure): it talks to Supabase over https and to the broker
    /// over amqps only, and refuses the Supabase CLI's published demo secret. The one-shot commands
    /// (migrate, import-legacy, openapi) are run by an operator and are not held to it.
    /// </summary>
    public bool RequiresSecureTransport => !IsDevelopment && !Mode.IsCommand() && Mode != HostingMode.OpenApi;

    public Microsoft.Extensions.Logging.ILoggingBuilder Logging => _builder.Logging;

    /// <summary>Creates the builder for the service whose functions live in the calling assembly.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static PlatformApplication Create(string serviceName, string[] args) =>
        new(serviceName, args, Assembly.GetCallingAssembly());

    public async Task<int> RunAsync()
    {
        switch (Mode)
        {
            case HostingMode.Migrate:
                {
                    var host = ((HostApplicationBuilder)_builder).Build();
                    await using var disposeHost = (IAsyncDisposable)host;
                    var migrator = host.Services.GetService<IMigrationCommand>()
                        ?? throw new InvalidOperationException($"{ServiceName} has no database to migrate.");
                    var exitCode = await migrator.RunAsync(_args.Skip(1).ToArray(), CancellationToken.None);
                    return exitCode != 0 ? exitCode : await RunDeploymentStepsAsync(host.Services);
                }

            case HostingMode.ImportLegacy:
                {
                    var host = ((HostApplicationBuilder)_builder).Build();
                    await using var disposeHost = (IAsyncDisposable)host;
                    var importer = host.Services.GetService<ILegacyImportCommand>()
                        ?? throw new InvalidOperationException($"{ServiceName} has nothing to import from the original app.");
                    using var stop = new CancellationTokenSource();
                    Console.CancelKeyPress += (_, e) =>
                    {
                        e.Cancel = true;
                        stop.Cancel();
                    };
                    return await importer.RunAsync(_args.Skip(1).ToArray(), stop.Token);
                }

            case HostingMode.Tool:
                {
                    var host = ((HostApplicationBuilder)_builder).Build();
                    await using var disposeHost = (IAsyncDisposable)host;
                    var name = _args[0].ToLowerInvariant();
                    var tool = host.Services.GetServices<IPlatformTool>().FirstOrDefault(t => t.Name == name);
                    if (tool is null)
                    {
                        await Console.Error.WriteLineAsync($"{ServiceName} has no '{name}' tool.");
                        return 2;
                    }

                    using var stop = new CancellationTokenSource();
                    Console.CancelKeyPress += (_, e) =>
                    {
                        e.Cancel = true;
                        stop.Cancel();
                    };
                    return await tool.RunAsync(_args.Skip(1).ToArray(), stop.Token);
                }

            case HostingMode.OpenApi:
                await OpenApi.OpenApiDocuments.WriteAsync(_functionsAssembly, _args.Skip(1).FirstOrDefault());
                return 0;

            case HostingMode.Standalone:
                var web = ((WebApplicationBuilder)_builder);
                StandaloneServer.Configure(web);
                var app = web.Build();
                StandaloneServer.MapFunctions(app, _functionsAssembly);
                await app.RunAsync();
                return 0;

            default:
                using (var host = ((FunctionsApplicationBuilder)_builder).Build())
                {
                    await host.RunAsync();
                }

                return 0;
        }
    }

    /// <summary>
    /// Builds and starts the standalone server without blocking, for benchmarks and in-process tools;
    /// the caller stops and disposes the returned host.
    /// </summary>
    public async Task<IHost> StartStandaloneAsync(CancellationToken cancellationToken = default)
    {
        if (Mode != HostingMode.Standalone)
        {
            throw new InvalidOperationException("StartStandaloneAsync needs the --standalone switch.");
        }

        var web = (WebApplicationBuilder)_builder;
        StandaloneServer.Configure(web);
        var app = web.Build();
        StandaloneServer.MapFunctions(app, _functionsAssembly);
        await app.StartAsync(cancellationToken);
        return app;
    }

    private async Task<int> RunDeploymentStepsAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.Migrate");
        foreach (var step in services.GetServices<IDeploymentStep>())
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await step.RunAsync(timeout.Token);
                logger.LogInformation("{Service}: {Step} done", ServiceName, step.Name);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "{Service}: {Step} failed", ServiceName, step.Name);
                return 1;
            }
        }

        return 0;
    }

    /// <summary>
    /// The setting that turns off the host's default watch of appsettings*.json (the host reads it,
    /// like every <c>hostBuilder:</c> key, from the command line or <c>DOTNET_</c> variables).
    /// </summary>
    public const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>The same setting as an environment variable, for the Functions worker's builder.</summary>
    public const string NoConfigReloadVariable = "DOTNET_hostBuilder__reloadConfigOnChange";

    /// <summary>
    /// The builder's arguments with <see cref="NoConfigReload"/> first. The services take their settings
    /// from the environment (app settings, Key Vault references, local.settings.json through the
    /// Functions host) and ship no appsettings file, yet the default builder watches for one: a
    /// FileSystemWatcher over the content root and every folder under it. Run from a clone, whose
    /// .stack folder holds the databases and node_modules, that watch took 640 ms of a 1.1 s start
    /// (bench/event-pipeline.sh under dotnet-trace) and an inotify watch per folder. The same
    /// argument given again later on the command line wins, for anyone who does ship an appsettings file.
    /// </summary>
    internal static string[] HostArgs(IEnumerable<string> args) => [NoConfigReload, .. args];

    private static FunctionsApplicationBuilder CreateFunctionsBuilder(string[] args)
    {
        // The worker's FunctionsApplicationBuilder (2.52) makes its inner HostApplicationBuilder without the
        // command line, so the host defaults it applies (appsettings files, watched) read the setting only
        // from DOTNET_ variables: set here unless the environment already says otherwise.
        if (System.Environment.GetEnvironmentVariable(NoConfigReloadVariable) is null)
        {
            System.Environment.SetEnvironmentVariable(NoConfigReloadVariable, "false");
        }

        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<FunctionsErrorMiddleware>();
        builder.Services.AddSingleton<ExposedHeaders>();
        builder.Logging.AddFilter("Microsoft.Azure.Functions.Worker", LogLevel.Warning);
        return builder;
    }
}

/// <summary>Which service this process is, and how it is hosted.</summary>
public sealed record ServiceIdentity(string Name, HostingMode Mode);

/// <summary>Implemented by the data layer: applies the service's migrations.</summary>
public interface IMigrationCommand
{
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}

/// <summary>
/// Implemented by the data layer for services that take over the original app's rows: the
/// <c>import-legacy</c> command (resumable, idempotent, with a report of every row it skipped or repaired).
/// </summary>
public interface ILegacyImportCommand
{
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}

/// <summary>
/// An operator's one-shot tool (<see cref="HostingMode.Tool"/>): <c>dotnet Service.dll {Name} args...</c>;
/// exit code 0 when done, 2 for bad arguments, anything else as the tool documents.
/// </summary>
public interface IPlatformTool
{
    /// <summary>One of <see cref="HostingModes.ToolCommands"/>.</summary>
    string Name { get; }

    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}

/// <summary>
/// Work the <c>migrate</c> command does after the database migrations, before any instance of the
/// service starts (e.g. the eventing layer declares the service's queues and bindings, so events
/// published before the service first runs are kept for it). Must be idempotent.
/// </summary>
public interface IDeploymentStep
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
