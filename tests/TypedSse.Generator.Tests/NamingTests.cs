using TypedSse.Generator.Model;
using TypedSse.Generator.Parsing;

namespace TypedSse.Generator.Tests;

public sealed class NamingTests
{
    [Theory]
    [InlineData("IChatEvents", null, "Chat")]
    [InlineData("IChatEvents", "rooms", "rooms")]
    [InlineData("IEvents", null, "Events")]
    [InlineData("Icons", null, "Icons")]
    [InlineData("INotifications", null, "Notifications")]
    [InlineData("I", null, "I")]
    public void Stream_name(string interfaceName, string? explicitName, string expected) =>
        Assert.Equal(expected, Naming.StreamName(interfaceName, explicitName));

    [Theory]
    [InlineData("MessagePosted", "messagePosted")]
    [InlineData("URLChanged", "urlChanged")]
    [InlineData("ID", "id")]
    [InlineData("already", "already")]
    [InlineData("X", "x")]
    [InlineData("", "")]
    public void CamelCase_matches_System_Text_Json(string name, string expected)
    {
        Assert.Equal(expected, Naming.CamelCase(name));
        Assert.Equal(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name), Naming.CamelCase(name));
    }
}

public sealed class RouteTemplateParserTests
{
    [Theory]
    [InlineData("/rooms/{room}/events", "room:String")]
    [InlineData("rooms/{room}", "room:String")]
    [InlineData("~/rooms/{room}/", "room:String")]
    [InlineData("/", "")]
    [InlineData("", "")]
    [InlineData("/boards/{id:int}/{page:long?}", "id:Int32,page:Int64?")]
    [InlineData("/t/{tenant:guid}/{flag:bool}", "tenant:Guid,flag:Boolean")]
    [InlineData("/files/{**path}", "path:String*")]
    [InlineData("/files/{*path=index}", "path:String*")]
    [InlineData("/{name}.{ext?}", "name:String,ext:String?")]
    [InlineData("/{id:regex(^\\d{{3}}$):minlength(3)}", "id:String")]
    [InlineData("/literal{{braces}}", "")]
    [InlineData("/{lang=en}/home", "lang:String")]
    public void Valid_templates(string template, string parameters)
    {
        var route = RouteTemplateParser.Parse(template, out var error);

        Assert.Null(error);
        Assert.NotNull(route);
        Assert.Equal(parameters, string.Join(",", route.Parameters.Select(static p => $"{p.Name}:{p.Kind}{(p.IsOptional ? "?" : "")}{(p.IsCatchAll ? "*" : "")}")));
    }

    [Fact]
    public void Constraints_and_default_values_are_kept()
    {
        var route = RouteTemplateParser.Parse("/{id:regex(^a:b$):minlength(3)=abc}", out _)!;

        var parameter = Assert.Single(route.Parameters);
        Assert.Equal(["regex(^a:b$)", "minlength(3)"], parameter.Constraints);
        Assert.Equal("abc", parameter.DefaultValue);
    }
}
