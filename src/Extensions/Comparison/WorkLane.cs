namespace MlNetGd.Comparison;

/// <summary>The comparison's untimed work (the next fold's featurization and optimum, GradientDescent's cost-curve fit), run in turn on
/// a second thread while a single-threaded ML.NET trainer fits, or on the calling thread when the lane is off or nothing is fitting.</summary>
/// <remarks>ML.NET's trainers are given one thread each, so the machine's other cores idle while they fit: the untimed work goes there.
/// It never runs beside GradientDescent's timed fits (which may use every core); the caller <see cref="Wait"/>s before them. Each work
/// item writes its own results; <see cref="Wait"/> and <see cref="Finish"/> make them visible to the caller (Task.Wait is a barrier).</remarks>
internal sealed class WorkLane(bool enabled) : IDisposable
{
    [ThreadStatic]
    private static bool t_onLane;

    private readonly List<Action> _pending = [];
    private Task? _running;

    /// <summary>Gets whether the calling code runs on a lane's thread (beside the fits), for status lines that say so.</summary>
    public static bool OnLane => t_onLane;

    /// <summary>Queues work; it runs at the next <see cref="Start"/> or <see cref="Finish"/>, in the order queued.</summary>
    public void Add(Action work) => _pending.Add(work);

    /// <summary>Starts the queued work on a thread-pool thread, unless the lane is off, busy or empty.</summary>
    public void Start()
    {
        if (!enabled || _running is not null || _pending.Count == 0)
            return;
        var items = _pending.ToArray();
        _pending.Clear();
        _running = Task.Factory.StartNew(() =>
        {
            t_onLane = true;
            foreach (var item in items)
                item();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits for the running work, rethrowing its exception as thrown.</summary>
    public void Wait()
    {
        if (_running is not { } running)
            return;
        _running = null;
        running.GetAwaiter().GetResult();
    }

    /// <summary>Waits for the running work, then runs what is still queued on the calling thread.</summary>
    public void Finish()
    {
        Wait();
        var items = _pending.ToArray();
        _pending.Clear();
        foreach (var item in items)
            item();
    }

    /// <summary>Waits for running work without rethrowing (the caller is already leaving with an exception of its own).</summary>
    public void Dispose()
    {
        _pending.Clear();
        if (_running is { } running)
        {
            _running = null;
            try
            {
                running.Wait();
            }
            catch (AggregateException)
            {
                // The caller's own exception is the one to report.
            }
        }
    }
}
