using Analytics.Frontend;
using Analytics.Grains.Storage;
using Analytics.Silo;

// The content root is the program's folder, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddOptions<StorageOptions>()
    .Bind(builder.Configuration.GetSection(StorageOptions.Section))
    .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Analytics:Storage:ConnectionString is required")
    .ValidateOnStart();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(120));
builder.UseOrleans(silo => OrleansSetup.Configure(silo, builder.Configuration));
builder.Services.AddSingleton<AdminBootstrap>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminBootstrap>());
builder.Services.AddSingleton<IServerReadiness, SiloReadiness>();
builder.Services.AddAnalyticsFrontend(builder.Configuration);
builder.Services.AddAnalyticsTelemetry(builder.Configuration, "analytics-silo");

var app = builder.Build();
app.UseIngestFastPath();
app.UseOperatorDashboard();
app.UseAnalyticsFrontend();
app.Run();
