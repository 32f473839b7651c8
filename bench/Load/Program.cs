using Analytics.Bench.Load;

// The benchmark's helper tool (bench/run.sh drives it); see bench/README.md.
//   setup | gen | drive | finish | tally | verify | monitor | gcevents | report  [--option value ...]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Analytics.Bench.Load setup|gen|drive|finish|tally|verify|monitor|gcevents|report [--option value ...]");
    return 2;
}

var cl = new CommandLine(args.Skip(1));
try
{
    return args[0] switch
    {
        "setup" => await SetupCommand.RunAsync(cl),
        "gen" => GenCommand.Run(cl),
        "drive" => await DriveCommand.RunAsync(cl),
        "finish" => await FinishCommand.RunAsync(cl),
        "tally" => TallyCommand.Run(cl),
        "verify" => await VerifyCommand.RunAsync(cl),
        "monitor" => await MonitorCommand.RunAsync(cl),
        "gcevents" => await GcEventsCommand.RunAsync(cl),
        "report" => ReportCommand.Run(cl),
        _ => throw new ArgumentException($"unknown command '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or InvalidDataException or HttpRequestException or IOException)
{
    // 1 is reserved for "verify found a mismatch".
    Console.Error.WriteLine($"{args[0]} failed: {e.Message}");
    return 2;
}
