// Raw baseline for bench/http/run.sh: the least code that runs, for each benchmarked route of the
// four services, the same SQL as the service (copied from its Store classes), on the service's own
// connection string: a GET of one resource, a filtered keyset page, and a create (the change and a
// CloudEvents outbox row in one transaction). See Donations.cs, Requests.cs, Campaigns.cs, Messaging.cs.
// No auth (the caller is the bearer token's sub, read without any check), no validation beyond
// parsing, no problem details, no relay or consumers: the floor the platform is compared to.
using RawBaseline;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var user = RawUser.FromEnvironment();

app.MapGet("/api/health", () => Results.Ok());
if (Raw.DataSource("DonationDbConnection") is { } donations)
{
    Donations.Map(app, donations, user);
    Search.Map(app, donations);
}

if (Raw.DataSource("RequestDbConnection") is { } requests) Requests.Map(app, requests, user);
if (Raw.DataSource("CampaignDbConnection") is { } campaigns) Campaigns.Map(app, campaigns, user);
if (Raw.DataSource("MessagingDbConnection") is { } messaging) Messaging.Map(app, messaging, user);

app.Run();
