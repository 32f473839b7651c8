using Analytics.Bench.Baseline;

// The benchmark's "physical limit": Kestrel parsing the same /i requests as the server
// (query string, metrics and events JSON) and answering like it, without Orleans or storage.
//   dotnet Analytics.Bench.Baseline.dll --urls http://127.0.0.1:PORT [--AppKeys k1,k2,...]
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var handler = new IngestHandler(app.Configuration["AppKeys"]);
app.Run(handler.InvokeAsync);
app.Run();
