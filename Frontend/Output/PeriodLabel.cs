namespace Analytics.Frontend.Output;

/// <summary>Countly's <c>dateString</c> of a period: how its range and chart points are labelled.</summary>
public enum PeriodLabel
{
    /// <summary><c>D MMM</c> ("15 Oct").</summary>
    DayMonth,
    /// <summary><c>MMM</c> ("Oct").</summary>
    Month,
    /// <summary><c>HH:mm</c> ("13:00"), for today.</summary>
    HourMinute,
    /// <summary><c>D MMM, HH:mm</c> ("14 Oct, 13:00"), for a past single day.</summary>
    DayMonthHourMinute,
}
