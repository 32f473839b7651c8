using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// <c>/o?method=total_users</c> (spec §3.2): <c>[{"_id":"users","u":N}]</c>, or one row per value
/// for a metric such as <c>countries</c>; rows with no users are left out, so an empty app gives <c>[]</c>.
/// </summary>
public static class TotalUsersOutput
{
    /// <summary>The <c>_id</c> of the all-users row.</summary>
    public const string UsersId = "users";

    /// <summary>The answer for <c>metric=users</c>.</summary>
    public static JsonArray Users(long? count) => Rows(count is { } n ? [new KeyValuePair<string, long>(UsersId, n)] : []);

    /// <summary>One row per value with users, in the given order.</summary>
    public static JsonArray Rows(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var rows = new JsonArray();
        foreach (var (id, users) in counts)
        {
            if (users > 0)
            {
                rows.Add(new JsonObject { ["_id"] = id, ["u"] = users });
            }
        }

        return rows;
    }
}
