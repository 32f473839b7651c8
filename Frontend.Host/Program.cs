using Analytics.Frontend;
using Analytics.Frontend.Host;

// The HTTP API as its own tier: an Orleans client of the silos (issue 7), same behaviour as
// the frontend co-hosted in each silo.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleansClient(client => ClientSetup.Configure(client, builder.Configuration));
builder.Services.AddSingleton<IServerReadiness, ClientReadiness>();
builder.Services.AddAnalyticsFrontend(builder.Configuration);
builder.Services.AddAnalyticsTelemetry(builder.Configuration, "analytics-frontend");

var app = builder.Build();
app.UseAnalyticsFrontend();
app.Run();
