namespace Analytics.Frontend;

/// <summary>Whether the server behind the Frontend is ready to serve (<c>/o/ping</c>).</summary>
public interface IServerReadiness
{
    /// <summary>True once storage and the cluster are ready.</summary>
    bool IsReady { get; }
}
