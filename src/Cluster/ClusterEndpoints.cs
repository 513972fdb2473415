using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MlNetGd.Cluster;

/// <summary>Parses the <c>HOST:PORT</c> endpoints the tool and the options take.</summary>
public static class ClusterEndpoints
{
    /// <summary>Parses <c>HOST:PORT</c> (a name is resolved, IPv4 first; <c>[::1]:PORT</c> for IPv6).</summary>
    /// <exception cref="ArgumentException">The text is not HOST:PORT with a port in [1, 65535], or the host cannot be resolved; the message names <paramref name="option"/>.</exception>
    public static IPEndPoint Parse(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"{option} '{text}' is not HOST:PORT with a port in [1, 65535] (e.g. 127.0.0.1:30000).", option);
        string host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, port);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null
                ? throw new ArgumentException($"{option} '{text}': the host '{host}' has no address.", option)
                : new IPEndPoint(chosen, port);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"{option} '{text}': the host '{host}' cannot be resolved ({e.Message}).", option, e);
        }
    }

    /// <summary>Parses a comma-separated list of <c>HOST:PORT</c>.</summary>
    /// <exception cref="ArgumentException">The list is empty or an item is not HOST:PORT.</exception>
    public static IPEndPoint[] ParseList(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length == 0
            ? throw new ArgumentException($"{option} is empty; give HOST:PORT[,HOST:PORT...].", option)
            : items.Select(i => Parse(i, option)).ToArray();
    }
}
