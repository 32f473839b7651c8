using Analytics.Frontend.Accounts;
using Analytics.Frontend.Events;
using Analytics.Frontend.Geo;
using Analytics.Frontend.Http;
using Analytics.Frontend.Ingest;
using Analytics.Grains;
using Analytics.Grains.Journal;
using Analytics.Grains.Storage;
using Microsoft.Extensions.Options;

namespace Analytics.Frontend.Handlers;

/// <summary>
/// The SDK write API <c>/i</c> and <c>/i/bulk</c> (spec §1): Countly's checks in its order,
/// normalisation into one <see cref="IngestRequest"/>, one device-grain call, and the answer
/// once the request is durable. It waits for that durability itself, so the device grain's turn
/// ends at the append (docs/write-path.md): in its own silo's journal when co-hosted
/// (<paramref name="journal"/>) and the device's grain is there too, through the other silo's
/// <see cref="IJournalWatch"/> otherwise, unless <see cref="StorageOptions.WaitOutsideGrain"/> is off.
/// </summary>
public sealed class WriteHandler(GrainRefs<IDeviceGrain> devices, AccountsCache accounts, GeoLocator geo, EventGate gate, AppRateLimiter limiter, IOptions<FrontendOptions> options, IOptions<StorageOptions> storage, RemoteJournalWaits remote, IngestJournal? journal = null)
{
    /// <summary>Most items one <c>/i/bulk</c> may carry.</summary>
    public const int MaxBulkItems = 10_000;

    /// <summary>Devices of one bulk processed at once.</summary>
    private const int BulkParallelism = 64;

    private const string DuplicateInfo = "Request ignored: Duplicate request";
    private readonly ClientAddress _clientAddress = ClientAddress.From(options.Value.TrustedProxies);
    private readonly bool _cityData = options.Value.CityData;

    // Off, every /i goes through IDeviceGrain.IngestAsync, which silos of versions before
    // JournalAsync also serve: the setting for a rolling upgrade across that change (docs/operations.md).
    private readonly bool _waitOutsideGrain = storage.Value.WaitOutsideGrain;
    private readonly TimeSpan _commitWait = TimeSpan.FromMilliseconds(storage.Value.JournalCommitWaitMs);

    /// <summary>Serves <c>/i</c>.</summary>
    public async Task IngestAsync(ApiContext api)
    {
        var (status, request) = await PrepareAsync(api.Params, api, signedAppId: null);
        if (request is null)
        {
            await Answer(api, status);
            return;
        }

        var device = devices.Get(DeviceKey(request));
        IngestResult result;
        if (!_waitOutsideGrain)
        {
            result = await device.IngestAsync(request);
        }
        else if (await device.JournalAsync(request) is var ack && IsOwnJournal(ack, journal))
        {
            // The co-hosted case, nearly every request: wait for the segment here, in this
            // method's own state machine, instead of through a task of the receipt's.
            var receipt = journal.ReceiptOf(ack.Ticket);
            result = receipt.Outcome(ack.Result, await receipt.Wait);
        }
        else
        {
            // Ticket 0 makes the result final; any other ticket is of another process's journal
            // (the device's grain is on another silo, or this is the separate frontend tier).
            result = ack.Ticket == 0 ? ack.Result : await SettleRemoteAsync(ack);
        }

        await Answer(api, Status.Of(result));
    }

    /// <summary>Whether <paramref name="ack"/> has a ticket of <paramref name="own"/>, this process's journal, to wait for.</summary>
    private static bool IsOwnJournal(IngestAck ack, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] IngestJournal? own) =>
        ack.Ticket != 0 && own is not null && string.Equals(ack.Journal, own.JournalId, StringComparison.Ordinal);

    /// <summary>Another process's journal: a ticket without a journal to ask never counts as durable.</summary>
    private async ValueTask<IngestResult> SettleRemoteAsync(IngestAck ack) =>
        ack.Journal is { } other && ack.Watch is { } watch && await remote.WaitAsync(other, watch, ack.Ticket, _commitWait)
            ? ack.Result
            : IngestResult.Pending;

    /// <summary>Serves <c>/i/bulk</c>.</summary>
    public async Task BulkAsync(ApiContext api)
    {
        var read = BulkRequests.Read(api.Params);
        if (read.Error is not null)
        {
            await api.MessageAsync(400, read.Error);
            return;
        }

        if (read.Items.Count > MaxBulkItems)
        {
            await api.MessageAsync(413, $"Too many requests in one bulk (limit {MaxBulkItems})");
            return;
        }

        // A salted app's checksum covers the whole bulk request (its items have no raw query),
        // so only items of the app named at the top level can be signed. A bulk that fails it
        // still carries the items of other, unsalted apps, which Countly (checking each item
        // against its own app) counts: they are applied, the salted app's items are skipped
        // (Prepare), and the answer reports the failure.
        string? signedAppId = null;
        string? checksumFailure = null;
        if (api.Params.GetString("app_key") is { } bulkKey && accounts.AppByKey(bulkKey) is { Salt.Length: > 0 } salted)
        {
            var verdict = Checksum.Verify(salted.Salt, api.Params.RawQuery, api.Params.RawBody, api.Params.GetString("checksum"), api.Params.GetString("checksum256"));
            if (verdict == ChecksumResult.Valid)
            {
                signedAppId = salted.Id;
            }
            else
            {
                checksumFailure = Checksum.MessageOf(verdict);
            }
        }

        // Items run in order per device; devices run side by side (counters are sums, so the
        // interleaving of different devices does not change any number).
        var perDevice = new Dictionary<string, List<IngestRequest>>(StringComparer.Ordinal);
        var perApp = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in read.Items)
        {
            var (_, request) = await PrepareAsync(item, api, signedAppId, rateLimited: false);
            if (request is null)
            {
                continue;
            }

            if (limiter.IsEnabled && accounts.AppById(request.AppId) is { } app)
            {
                perApp[app.Key] = perApp.GetValueOrDefault(app.Key) + 1;
            }

            var key = DeviceKey(request);
            if (!perDevice.TryGetValue(key, out var list))
            {
                perDevice[key] = list = [];
            }

            list.Add(request);
        }

        // The rate limit takes a bulk whole or not at all (AppRateLimiter.TryCharge); when one
        // app's budget refuses it, the apps charged before it get their requests back.
        var charged = 0;
        foreach (var (appKey, count) in perApp)
        {
            if (!limiter.TryCharge(appKey, count))
            {
                foreach (var (done, doneCount) in perApp.Take(charged))
                {
                    limiter.Refund(done, doneCount);
                }

                await Answer(api, Status.RateLimited);
                return;
            }

            charged++;
        }

        var overloaded = false;
        foreach (var phase in InMergeOrder(perDevice))
        {
            foreach (var chunk in phase.Chunk(BulkParallelism))
            {
                var results = await Task.WhenAll(chunk.Select(d => devices.Get(d.Key).IngestManyAsync([.. d.Value])));
                overloaded |= results.Any(r => r.Any(x => x is IngestResult.Overloaded or IngestResult.Pending));
            }
        }

        // Applied items are remembered by their fingerprints (and a device's large share of the
        // bulk by its mark, BulkResend), so the SDK's resend of the whole bulk after a 503 counts
        // only what was not applied.
        await Answer(api, overloaded ? Status.Busy : checksumFailure is null ? Status.Success : new Status(200, checksumFailure));
    }

    // Room for the device state a journal record carries beside the request (a few hundred bytes).
    private const int StateAllowance = 4096;

    private static string DeviceKey(IngestRequest r) => string.Concat(r.AppId, ":", r.DeviceId);

    /// <summary>
    /// The bulk's devices in the order their batches go out: the devices that another item of
    /// the bulk merges (<c>old_device_id</c>) in a first phase, so that the merge takes what the
    /// bulk wrote for them (Countly applies a bulk's items in order); the others after them.
    /// </summary>
    private static IEnumerable<IEnumerable<KeyValuePair<string, List<IngestRequest>>>> InMergeOrder(Dictionary<string, List<IngestRequest>> perDevice)
    {
        HashSet<string>? sources = null;
        foreach (var list in perDevice.Values)
        {
            foreach (var r in list)
            {
                if (r.MergeFrom is { } from && perDevice.ContainsKey(string.Concat(r.AppId, ":", from)))
                {
                    (sources ??= new(StringComparer.Ordinal)).Add(string.Concat(r.AppId, ":", from));
                }
            }
        }

        if (sources is null)
        {
            return [perDevice];
        }

        return [perDevice.Where(d => sources.Contains(d.Key)), perDevice.Where(d => !sources.Contains(d.Key))];
    }

    private async ValueTask<(Status Status, IngestRequest? Request)> PrepareAsync(ParamBag bag, ApiContext api, string? signedAppId, bool rateLimited = true)
    {
        var (status, request) = Prepare(bag, api, signedAppId, rateLimited);
        if (request is { Events.Count: > 0 })
        {
            // The gate hands back the same list when it keeps every event whole (the common case).
            var version = accounts.AppById(request.AppId)?.RegistryVersion ?? 0;
            var events = await gate.FilterAsync(request.AppId, version, request.Events);
            if (!ReferenceEquals(events, request.Events))
            {
                request = request with { Events = events };
            }
        }

        return (status, request);
    }

    /// <summary>
    /// Checks and normalises one request; <paramref name="signedAppId"/> is the app whose checksum
    /// the enclosing bulk request already passed; <paramref name="rateLimited"/> is false for bulk
    /// items, which the bulk charges together.
    /// </summary>
    private (Status Status, IngestRequest? Request) Prepare(ParamBag bag, ApiContext api, string? signedAppId, bool rateLimited)
    {
        var identity = SdkIdentity.Validate(bag);
        switch (identity.Outcome)
        {
            case IdentityOutcome.Missing:
                return (Status.Missing, null);
            case IdentityOutcome.IgnoredDevice:
                return (Status.IgnoredDevice, null);
            case IdentityOutcome.InvalidDeviceId:
                return (new Status(400, identity.Message ?? SdkIdentity.InvalidDeviceIdMessage), null);
            case IdentityOutcome.UnknownApp:
                return (Status.UnknownApp, null);
        }

        if (accounts.AppByKey(identity.AppKey!) is not { } app)
        {
            return (Status.UnknownApp, null);
        }

        if (app.Paused)
        {
            return (Status.Paused, null);
        }

        if (rateLimited && !limiter.TryTake(app.Key))
        {
            return (Status.RateLimited, null);
        }

        // A bulk item of another salted app has no raw text of its own to sign, so it fails here.
        if (app.Salt.Length > 0 && app.Id != signedAppId)
        {
            var verdict = Checksum.Verify(app.Salt, bag.RawQuery, bag.RawBody, bag.GetString("checksum"), bag.GetString("checksum256"));
            if (verdict != ChecksumResult.Valid)
            {
                return (new Status(200, Checksum.MessageOf(verdict)!), null);
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var timestamp = SdkValues.ResolveTimestampMs(bag, now);
        var begin = bag.IsTruthy("begin_session");
        var hasDuration = SdkValues.TryGetSessionDuration(bag, out var duration);
        var (country, city) = begin ? Locate(bag, api, app) : (GeoLocator.Unknown, GeoLocator.Unknown);
        var request = new IngestRequest
        {
            AppId = app.Id,
            DeviceId = identity.DeviceId!,
            Timestamp = timestamp,
            ReceivedAt = now,
            TimeZone = app.Timezone,
            Epoch = app.Epoch,
            BeginSession = begin,
            EndSession = bag.IsTruthy("end_session"),
            IgnoreCooldown = bag.IsTruthy("ignore_cooldown"),
            HasSessionDuration = hasDuration,
            HasUnusableSessionDuration = !hasDuration && bag.IsTruthy("session_duration"),
            SessionDuration = duration,
            Metrics = MetricNormalizer.Normalize(bag),
            Events = EventNormalizer.Normalize(bag, timestamp, now),
            Country = country,
            City = city,
            HasLocation = begin,
            Fingerprint = Fingerprint.Of(bag),
            MergeFrom = SdkIdentity.MergeFrom(bag, identity.DeviceId!),
        };

        // A request whose journal record could outgrow a storage transaction (crafted: thousands
        // of events, or events of 100 segments of the longest values) is refused, not journaled.
        // With at most the SDKs' batch of events a record takes at most its request's raw size
        // plus about 150 KB of framing (64 bytes an event, at most about 13 a segment), so only
        // a bulk item (its raw size unknown here), a raw request past half the bound or one with
        // more events is measured; the SDKs' requests, well inside /i's 1 MiB body, skip it.
        var raw = bag.RawQuery.Length + (bag.RawBody?.Length ?? 0);
        var measure = raw == 0 || raw > JournalEntry.MaxBytes / 2 || request.Events.Count > EventNormalizer.SdkBatch;
        return measure && JournalEntry.Estimate(request, StateAllowance) > JournalEntry.MaxBytes ? (Status.TooLarge, null) : (Status.Success, request);
    }

    private (string Country, string City) Locate(ParamBag bag, ApiContext api, AppRecord app)
    {
        if (bag.Has("location") && bag.GetString("location") is "")
        {
            // location= (empty) on begin_session is the SDK's location opt-out.
            return (GeoLocator.Unknown, GeoLocator.Unknown);
        }

        string country, city;
        if (bag.GetString("country_code") is { Length: 2 } cc && char.IsAsciiLetter(cc[0]) && char.IsAsciiLetter(cc[1]))
        {
            country = cc.ToUpperInvariant();
            city = bag.GetString("city") is { Length: > 0 and <= 128 } c ? MetricNormalizer.Escape(c) ?? GeoLocator.Unknown : GeoLocator.Unknown;
        }
        else
        {
            (country, city) = geo.Locate(_clientAddress.Of(api.Http, bag.GetString("ip_address")));
            city = MetricNormalizer.Escape(city) ?? GeoLocator.Unknown;
        }

        // Countly records cities only with city_data on and for users in the app's own country.
        if (!_cityData || !string.Equals(country, app.Country, StringComparison.OrdinalIgnoreCase))
        {
            city = GeoLocator.Unknown;
        }

        return (country, city);
    }

    private static Task Answer(ApiContext api, Status status)
    {
        if (status.Info is not null)
        {
            return api.MessageAsync(status.Code, status.Message, "info", status.Info);
        }

        if (status.Code is 503 or 429)
        {
            api.Http.Response.Headers.RetryAfter = status.Code == 429 ? "1" : "5";
        }

        return api.MessageAsync(status.Code, status.Message);
    }

    private sealed record Status(int Code, string Message, string? Info = null)
    {
        public static readonly Status Success = new(200, "Success");
        public static readonly Status Duplicate = new(200, "Success", DuplicateInfo);
        public static readonly Status Busy = new(503, "Server is busy, retry later");
        public static readonly Status Missing = new(400, SdkIdentity.MissingMessage);
        public static readonly Status IgnoredDevice = new(200, SdkIdentity.IgnoredDeviceMessage);
        public static readonly Status UnknownApp = new(400, SdkIdentity.UnknownAppMessage);
        public static readonly Status Paused = new(400, "App is currently not accepting data");
        public static readonly Status RateLimited = new(429, "Too many requests for this app, retry later");
        public static readonly Status TooLarge = new(413, "Request too large");

        public static Status Of(IngestResult result) => result switch
        {
            IngestResult.Success => Success,
            IngestResult.Duplicate => Duplicate,
            _ => Busy,
        };
    }
}
