using MessagingService;
using Platform.Hosting.Hosting;

var app = PlatformApplication.Create(MessagingServiceSetup.Name, args);
app.AddPlatformDefaults();
app.AddMessagingService();
return await app.RunAsync();
