namespace Analytics.Frontend.Output;

/// <summary>
/// How Countly reads a period (its <c>isSpecialPeriod</c>/<c>activePeriod</c> split): special
/// periods are lists of days, the others are one year, month or day object of the time object
/// compared with the one before it.
/// </summary>
public enum PeriodKind
{
    /// <summary>A list of days (<c>Ndays</c>, <c>Nweeks</c>, <c>Nmonths</c>, <c>Nyears</c>, <c>Nhours</c>, <c>[from,to]</c>).</summary>
    Special,
    /// <summary>This year (<c>month</c>): the year object against last year's.</summary>
    Year,
    /// <summary>This month (<c>day</c>): the month object against last month's.</summary>
    Month,
    /// <summary>One day (<c>hour</c> = today, <c>yesterday</c>, <c>[t,t]</c>): the day object against the day before.</summary>
    Day,
}
