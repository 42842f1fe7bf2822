using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Eventing;
using Platform.Eventing.TestApp;
using Platform.Hosting.Hosting;

// A service for the eventing tests: `dotnet Platform.Eventing.TestApp.dll migrate` creates its
// tables, `... --standalone --urls http://127.0.0.1:<port>` runs the relay, the consumer and
// /api/health. Everything else comes from the environment (see TestAppSettings).
var settings = TestAppSettings.FromEnvironment();
var app = PlatformApplication.Create(settings.Name, args);
app.AddPlatformDefaults();
app.AddServiceDatabase("TestAppDbConnection", settings.Schema);
app.AddEventing(registry => RecordingHandlers.Register(registry, settings), verifyPublishers: false);
app.Services.AddSingleton(settings);
return await app.RunAsync();
