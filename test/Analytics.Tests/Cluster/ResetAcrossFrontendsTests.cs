using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Cluster;

/// <summary>
/// Two silo processes, each with its own HTTP API and its own accounts snapshot: an app reset
/// through one must not lose what the other acknowledges after the reset has answered, and a
/// change of an app or a user through one is not undone by an edit through the other.
/// </summary>
public sealed class ResetAcrossFrontendsTests
{
    [Fact]
    public async Task A_request_acknowledged_by_another_silo_right_after_a_reset_is_counted()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var adminKey = cluster.AdminKey;
        await using var first = await cluster.SiloAsync();
        await using var second = await cluster.SiloAsync();
        using var viaFirst = new CountlyClient(first.Client(), adminKey);
        using var viaSecond = new CountlyClient(second.Client(), adminKey);
        var (appId, appKey) = await viaFirst.CreateAppAsync(timezone: "UTC");
        var t = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000;
        var year = DateTimeOffset.FromUnixTimeMilliseconds(t).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The second silo knows the app once its accounts snapshot has caught up.
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await viaSecond.WriteAsync(appKey, "before", ("begin_session", "1"), ("timestamp", t.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30)));
        await viaFirst.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<long>() == 1);

        var reset = await viaFirst.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });
        Assert.Equal(HttpStatusCode.OK, reset.Status);

        // Right after the answer, through the other silo: this one belongs to the new data.
        var after = await viaSecond.WriteAsync(appKey, "after", ("begin_session", "1"), ("timestamp", (t + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, after.Status);

        var sessions = await viaFirst.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<long>() == 1, timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, JsonNode.Parse(sessions)?[year]?["t"]?.GetValue<long>());
        Assert.Equal(1, JsonNode.Parse(sessions)?[year]?["n"]?.GetValue<long>());
    }

    /// <summary>
    /// An app edited through one frontend right after another changed it (a rotated key, a pause):
    /// the edit applies to the app as the cluster has it, not to the frontend's copy from its last
    /// refresh, which used to write the old key back (found in review, 2026-11-28).
    /// </summary>
    [Fact]
    public async Task An_app_edit_right_after_one_through_another_frontend_keeps_both()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var adminKey = cluster.AdminKey;
        await using var first = await cluster.SiloAsync(("Analytics__Frontend__AccountsRefreshMs", "5000"));
        await using var second = await cluster.SiloAsync(("Analytics__Frontend__AccountsRefreshMs", "5000"));
        using var viaFirst = new CountlyClient(first.Client(), adminKey);
        using var viaSecond = new CountlyClient(second.Client(), adminKey);
        var (appId, _) = await viaFirst.CreateAppAsync(timezone: "UTC");
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await viaSecond.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["category"] = "7" })).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30)));
        await Task.Delay(6000);

        // The key rotated and the app paused through the second; at once, renamed through the first.
        var rotated = await viaSecond.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["key"] = "rotated-key", ["paused"] = true });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var renamed = await viaFirst.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["name"] = "Renamed" });
        Assert.Equal(HttpStatusCode.OK, renamed.Status);

        var apps = await viaFirst.GetAsync($"/o/apps/mine?api_key={adminKey}");
        Assert.Contains("rotated-key", apps.Body, StringComparison.Ordinal);
        Assert.Contains("Renamed", apps.Body, StringComparison.Ordinal);

        // The same for a user: locked through the second, renamed at once through the first.
        var (userId, userKey) = await viaFirst.CreateUserAsync("member1");
        await Task.Delay(6000);
        var locked = await viaSecond.ManageAsync("/i/users/update", new JsonObject { ["user_id"] = userId, ["locked"] = true });
        Assert.Equal(HttpStatusCode.OK, locked.Status);
        var renamedUser = await viaFirst.ManageAsync("/i/users/update", new JsonObject { ["user_id"] = userId, ["full_name"] = "Renamed" });
        Assert.Equal(HttpStatusCode.OK, renamedUser.Status);
        var asUser = await viaFirst.GetAsync($"/o/apps/mine?api_key={userKey}");
        Assert.Equal(HttpStatusCode.Unauthorized, asUser.Status);
    }
}
