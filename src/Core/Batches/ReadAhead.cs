using System.Runtime.ExceptionServices;

namespace MlNetGd.Trainers.Core;

/// <summary>One background thread that runs <c>prepare(position)</c> for one requested position at a time while the caller works:
/// the double buffering of <see cref="CacheFileBatchSource"/> and <see cref="PassBatches"/>. Allocates nothing per request; a failure
/// is rethrown to the caller by
/// <see cref="Wait"/>.</summary>
internal sealed class ReadAhead : IDisposable
{
    private readonly Action<int> _prepare;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _request = new(0);
    private readonly SemaphoreSlim _ready = new(0);
    private ExceptionDispatchInfo? _failure;
    private int _position;
    private volatile bool _stopping;

    public ReadAhead(Action<int> prepare, string name)
    {
        _prepare = prepare;
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Gets whether a request has not been waited for yet.</summary>
    public bool InFlight { get; private set; }

    /// <summary>Starts preparing <paramref name="position"/> on the background thread.</summary>
    public void Request(int position)
    {
        _position = position;
        InFlight = true;
        _request.Release();
    }

    /// <summary>Waits for the request to finish and rethrows its failure.</summary>
    public void Wait()
    {
        _ready.Wait();
        InFlight = false;
        var failure = _failure;
        _failure = null;
        failure?.Throw();
    }

    /// <summary>Waits for a request nobody needs any more (an epoch that ended early); its failure, if any, is dropped and recurs
    /// when the position is prepared again.</summary>
    public void Drain()
    {
        if (!InFlight)
            return;
        _ready.Wait();
        InFlight = false;
        _failure = null;
    }

    public void Dispose()
    {
        if (_stopping)
            return;
        Drain();
        _stopping = true;
        _request.Release();
        _thread.Join();
        _request.Dispose();
        _ready.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _request.Wait();
            if (_stopping)
                return;
            try
            {
                _prepare(_position);
            }
            catch (Exception error)
            {
                _failure = ExceptionDispatchInfo.Capture(error);
            }
            _ready.Release();
        }
    }
}
