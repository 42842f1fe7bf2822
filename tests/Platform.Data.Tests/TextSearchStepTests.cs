using Microsoft.Extensions.Logging.Abstractions;
using Platform.Data.Tests.Support;

namespace Platform.Data.Tests;

/// <summary>Issue 17: a changed Search__TextConfiguration is applied by migrate's step, against the real database, in a throwaway schema.</summary>
public sealed class TextSearchStepTests : IAsyncLifetime
{
    private readonly TestSchema _schema = TestSchema.Create();

    public async Task InitializeAsync()
    {
        await _schema.ExecuteAsync($"create schema {_schema.Name}");
        await _schema.ExecuteAsync($"""
            create table {_schema.Name}.items (
                id int primary key,
                title text not null,
                search_config regconfig not null default 'simple',
                search tsvector generated always as (to_tsvector(search_config, title)) stored);
            insert into {_schema.Name}.items (id, title) select g, 'running dogs ' || g from generate_series(1, 12001) g;
            """);
    }

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_changed_configuration_re_indexes_every_row_and_becomes_the_default_of_new_rows()
    {
        Assert.Equal(0, await MatchesAsync("english", "run"));

        await Step("english").RunAsync(CancellationToken.None);

        Assert.Equal(12001, await MatchesAsync("english", "run"));
        await _schema.ExecuteAsync($"insert into {_schema.Name}.items (id, title) values (0, 'the dog runs')");
        Assert.Equal(12002, await MatchesAsync("english", "dog"));

        await Step("simple").RunAsync(CancellationToken.None);

        Assert.Equal(0, await MatchesAsync("simple", "run"));
        Assert.Equal(12001, await MatchesAsync("simple", "running"));
    }

    [Fact]
    public async Task An_unknown_configuration_fails_the_step_and_changes_nothing()
    {
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Step("klingon").RunAsync(CancellationToken.None));

        Assert.Equal(12001, await MatchesAsync("simple", "running"));
    }

    [Theory]
    [InlineData("english; drop table x")]
    [InlineData("English")]
    [InlineData("'simple'")]
    public void A_configuration_name_that_is_not_an_identifier_is_refused_at_start(string name) =>
        Assert.Throws<InvalidOperationException>(() => TextSearchOptions.From(name));

    [Fact]
    public void No_setting_is_simple() => Assert.Equal("simple", TextSearchOptions.From(null).Configuration);

    private TextSearchStep Step(string configuration) =>
        new(_schema.Database, new TextSearchOptions(configuration), [$"{_schema.Name}.items"], NullLogger<TextSearchStep>.Instance);

    private Task<long> MatchesAsync(string configuration, string word) =>
        _schema.ScalarAsync<long>(
            $"select count(*) from {_schema.Name}.items where search @@ to_tsquery(@configuration::regconfig, @word)", new { configuration, word });
}
