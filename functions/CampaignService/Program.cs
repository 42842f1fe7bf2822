using CampaignService;
using Platform.Hosting.Hosting;

var app = PlatformApplication.Create(CampaignServiceSetup.Name, args);
app.AddPlatformDefaults();
app.AddCampaignService();
return await app.RunAsync();
