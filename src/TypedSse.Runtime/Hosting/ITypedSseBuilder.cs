namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddTypedSse()</c>, for extensions such as a backplane to register themselves on.</summary>
public interface ITypedSseBuilder
{
    /// <summary>The app's services.</summary>
    IServiceCollection Services { get; }
}
