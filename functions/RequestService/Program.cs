using Platform.Hosting.Hosting;
using RequestService;

var app = PlatformApplication.Create(RequestServiceSetup.Name, args);
app.AddPlatformDefaults();
app.AddRequestService();
return await app.RunAsync();
