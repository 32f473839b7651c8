using System.Text.Json.Nodes;
using Analytics.Grains;

namespace Analytics.Frontend.Handlers;

/// <summary>Countly's JSON shape of apps and members.</summary>
public static class AppView
{
    /// <summary>
    /// An app as <c>/i/apps/create</c> and <c>/o/apps/*</c> return it. Countly's app document
    /// has the optional <c>checksum_salt</c> and <c>paused</c> only when they were given, so the
    /// fields appear here only when they hold a value: an app created with defaults has exactly
    /// the fields of spec §5.
    /// </summary>
    public static JsonObject App(AppRecord a)
    {
        var app = new JsonObject
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
        };
        if (a.Salt.Length > 0)
        {
            app["salt"] = a.Salt;
            app["checksum_salt"] = a.Salt;
        }

        if (a.Paused)
        {
            app["paused"] = true;
        }

        return app;
    }

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
