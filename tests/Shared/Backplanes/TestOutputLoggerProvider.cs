using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace TypedSse.Testing;

/// <summary>Writes an app instance's log to the test's output, which xunit shows when the test fails.</summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output, string instance) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, instance, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string instance, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{instance}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" {exception.GetType().Name}: {exception.Message}")}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; nobody reads its output any more.
            }
        }
    }
}
