namespace TypedSse.Redis.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("KeyPrefix", "has space", "KeyPrefix is \"has space\"")]
    [InlineData("KeyPrefix", "", "KeyPrefix is \"\"")]
    [InlineData("HistorySize", 0, "HistorySize is 0")]
    [InlineData("ReadBatchSize", 0, "ReadBatchSize is 0")]
    public void An_invalid_option_is_named_with_its_fix(string option, object value, string message)
    {
        var options = new RedisBackplaneOptions { Configuration = "localhost" };
        typeof(RedisBackplaneOptions).GetProperty(option)!.SetValue(options, value);

        var result = new RedisBackplaneOptionsValidation().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new RedisBackplaneOptionsValidation().Validate(null, new RedisBackplaneOptions { Configuration = "localhost:6379" }).Succeeded);
    }
}
