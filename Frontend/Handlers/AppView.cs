using System.Text.Json.Nodes;
using Analytics.Grains;

namespace Analytics.Frontend.Handlers;

/// <summary>Countly's JSON shape of apps and members.</summary>
public static class AppView
{
    /// <summary>An app as <c>/i/apps/create</c> and <c>/o/apps/*</c> return it.</summary>
    public static JsonObject App(AppRecord a) => new()
    {
        ["_id"] = a.Id,
        ["name"] = a.Name,
        ["country"] = a.Country,
        ["timezone"] = a.Timezone,
        ["category"] = a.Category,
        ["type"] = a.Type,
        ["created_at"] = a.CreatedAt,
        ["edited_at"] = a.EditedAt,
        ["owner"] = a.Owner,
        ["seq"] = 0,
        ["has_image"] = false,
        ["key"] = a.Key,
        ["salt"] = a.Salt,
        ["checksum_salt"] = a.Salt,
        ["paused"] = a.Paused,
    };

    /// <summary>A member as <c>/i/users/create</c> returns it (the api key only at creation).</summary>
    public static JsonObject Member(MemberRecord m, string? apiKey) => new()
    {
        ["_id"] = m.Id,
        ["full_name"] = m.FullName,
        ["username"] = m.Username,
        ["email"] = m.Email,
        ["global_admin"] = m.GlobalAdmin,
        ["admin_of"] = new JsonArray(m.AdminOf.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        ["user_of"] = new JsonArray(m.UserOf.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        ["locked"] = m.Locked,
        ["created_at"] = m.CreatedAt,
        ["api_key"] = apiKey,
    };
}
