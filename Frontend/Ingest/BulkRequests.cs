using System.Text.Json;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Reads the <c>requests</c> of <c>/i/bulk</c> (spec §1.13): each item becomes a parameter
/// bag with JSON-typed values (the Node SDK's bulk items carry <c>metrics</c> and
/// <c>events</c> as objects), processed like one <c>/i</c> request.
/// </summary>
public static class BulkRequests
{
    /// <summary>Countly's message when <c>requests</c> is missing, empty or not valid JSON.</summary>
    public const string MissingMessage = "Missing parameter \"requests\"";

    /// <summary>Countly's message when <c>requests</c> is valid JSON but not an array.</summary>
    public const string InvalidMessage = "Invalid parameter \"requests\"";

    /// <summary>
    /// The items of <paramref name="bag"/>'s <c>requests</c>. As in Countly, items that are
    /// not objects, lack a truthy <c>device_id</c>, or lack an <c>app_key</c> when the bulk
    /// request has none are skipped; a falsy item <c>app_key</c> takes the request's
    /// (<c>item.app_key || app_key</c>). Items have an empty raw query and no body, so a
    /// salted app's checksum has to be checked on the bulk request itself.
    /// </summary>
    public static BulkReadResult Read(ParamBag bag, int maxJsonDepth = 32)
    {
        if (!bag.IsTruthy("requests") || !bag.TryGetJson("requests", out var requests)
            || requests.ValueKind is JsonValueKind.Null or JsonValueKind.False
            || (requests.ValueKind is JsonValueKind.Number or JsonValueKind.String && !Js.IsTruthy(requests)))
        {
            return new([], MissingMessage);
        }

        if (requests.ValueKind != JsonValueKind.Array)
        {
            return new([], InvalidMessage);
        }

        var hasDefaultKey = bag.IsTruthy("app_key");
        bag.TryGetValue("app_key", out var defaultKey);
        var items = new List<ParamBag>(requests.GetArrayLength());
        foreach (var element in requests.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var item = ParamBag.FromJsonObject(element, maxJsonDepth);
            if (hasDefaultKey)
            {
                item.SetDefault("app_key", defaultKey with { FromQuery = false });
            }

            if (item.IsTruthy("app_key") && item.IsTruthy("device_id"))
            {
                items.Add(item);
            }
        }

        return new(items, null);
    }
}
