using Analytics.Frontend;
using Analytics.Frontend.Host;
using Analytics.Grains.Storage;

// The HTTP API as its own tier: an Orleans client of the silos (issue 7), same behaviour as
// the frontend co-hosted in each silo.
// The content root is the program's folder, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.UseOrleansClient(client => ClientSetup.Configure(client, builder.Configuration));
builder.Services.AddSingleton<IServerReadiness, ClientReadiness>();
// WaitOutsideGrain and JournalCommitWaitMs: how this tier waits for the silos' journals.
builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section));
builder.Services.AddAnalyticsFrontend(builder.Configuration);
builder.Services.AddAnalyticsTelemetry(builder.Configuration, "analytics-frontend");

var app = builder.Build();
app.UseIngestFastPath();
app.UseAnalyticsFrontend();
app.Run();
