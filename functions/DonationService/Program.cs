using DonationService;
using Platform.Hosting.Hosting;

var app = PlatformApplication.Create(DonationServiceSetup.Name, args);
app.AddPlatformDefaults();
app.AddDonationService();
return await app.RunAsync();
