using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>The real-SDK tests: one server (and Azurite) shared by all of them; each test creates its own app.</summary>
[CollectionDefinition(nameof(SdkCollection))]
public sealed class SdkCollection : ICollectionFixture<ServerFixture>;
