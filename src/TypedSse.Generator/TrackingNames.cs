namespace TypedSse.Generator;

/// <summary>Names of the tracked pipeline steps, asserted by the incremental tests.</summary>
public static class TrackingNames
{
    public const string ParseContracts = nameof(ParseContracts);
    public const string Contracts = nameof(Contracts);
    public const string NamedContracts = nameof(NamedContracts);
    public const string Diagnostics = nameof(Diagnostics);
    public const string StreamNames = nameof(StreamNames);
    public const string TypeScript = nameof(TypeScript);
    public const string AsyncApi = nameof(AsyncApi);
    public const string JsonContextOptions = nameof(JsonContextOptions);
}
