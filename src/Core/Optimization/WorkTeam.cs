namespace MlNetGd.Trainers.Core;

/// <summary>Work split into numbered units, each of which writes only its own outputs: what <see cref="WorkTeam"/> runs.</summary>
internal interface ITeamWork
{
    /// <summary>Does unit <paramref name="unit"/>; called once per unit, on any thread of the team.</summary>
    void Run(int unit);
}

/// <summary>The calling thread and up to <c>ThreadCount − 1</c> thread-pool helpers sharing the units of one piece of work: the one
/// way the core spreads a batch over cores (<see cref="BatchGradient"/>, <see cref="CsrBatchSplit"/>).</summary>
/// <remarks>
/// <para>Units are claimed one at a time from a shared counter, so which thread does a unit depends on timing; each unit writes only
/// its own outputs, and the caller combines them in unit order, so the result never depends on it. The calling thread claims units
/// too and never waits for a helper that has not started: a busy pool costs speed, never results.</para>
/// <para>A helper that has finished lingers for about <see cref="LingerSpins"/> spins for the next offer before it returns to the pool:
/// a fit offers work every few tens of microseconds, and a helper woken from the pool each time would arrive after the work is done.
/// Nothing is allocated per <see cref="Run"/>.</para>
/// <para>One <see cref="Run"/> at a time: a team serves one fit.</para>
/// </remarks>
internal sealed class WorkTeam
{
    /// <summary>How long a helper spins for the next offer after its work, in <see cref="SpinWait"/> iterations without sleeping.</summary>
    public const int LingerSpins = 2000;

    private readonly Helper[] _helpers;
    private ITeamWork? _work;
    private int _units;
    private int _next;
    private long _unitsByHelpers;

    /// <summary>Creates a team of <paramref name="threadCount"/> threads, the caller included (0: all cores).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> is negative.</exception>
    public WorkTeam(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threadCount);
        ThreadCount = threadCount == 0 ? Environment.ProcessorCount : threadCount;
        _helpers = new Helper[ThreadCount - 1];
        for (int i = 0; i < _helpers.Length; i++)
            _helpers[i] = new Helper(this);
    }

    /// <summary>Gets the number of threads, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>Gets how many units helper threads have done so far (diagnostics and tests).</summary>
    public long UnitsByHelpers => Interlocked.Read(ref _unitsByHelpers);

    /// <summary>Runs units 0 … <paramref name="units"/> − 1 of <paramref name="work"/>, on helpers too when <paramref name="parallel"/>;
    /// returns when every unit is done.</summary>
    public void Run(ITeamWork work, int units, bool parallel)
    {
        if (!parallel || units < 2 || _helpers.Length == 0)
        {
            for (int unit = 0; unit < units; unit++)
                work.Run(unit);
            return;
        }
        _work = work;
        _units = units;
        Volatile.Write(ref _next, 0);
        int helpers = Math.Min(_helpers.Length, units - 1);
        for (int h = 0; h < helpers; h++)
            _helpers[h].Offer();
        RunUnits();
        for (int h = 0; h < helpers; h++)
            _helpers[h].Withdraw();
        _work = null;
    }

    private int RunUnits()
    {
        var work = _work!;
        int done = 0, unit;
        while ((unit = Interlocked.Increment(ref _next) - 1) < _units)
        {
            work.Run(unit);
            done++;
        }
        return done;
    }

    /// <summary>One helper slot: a reusable thread-pool work item that joins the work on offer, if it starts in time.</summary>
    private sealed class Helper(WorkTeam owner) : IThreadPoolWorkItem
    {
        private const int Idle = 0, Offered = 1, Running = 2, Done = 3;
        private int _state;
        private int _active; // 1 while a work item is queued or running (lingering included)

        public void Offer()
        {
            Volatile.Write(ref _state, Offered);
            // A queued or lingering helper picks up this offer; queue one only when none is active.
            if (Interlocked.CompareExchange(ref _active, 1, 0) == 0)
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void Execute()
        {
            while (true)
            {
                if (Interlocked.CompareExchange(ref _state, Running, Offered) == Offered)
                {
                    Interlocked.Add(ref owner._unitsByHelpers, owner.RunUnits());
                    Volatile.Write(ref _state, Done);
                }
                var spinner = default(SpinWait);
                while (Volatile.Read(ref _state) != Offered && spinner.Count < LingerSpins)
                    spinner.SpinOnce(sleep1Threshold: -1);
                if (Volatile.Read(ref _state) == Offered)
                    continue;
                Interlocked.Exchange(ref _active, 0); // a full fence: the look at _state below cannot move before it
                // An offer made after the last look but before _active was cleared queued nothing: take it here.
                if (Volatile.Read(ref _state) != Offered || Interlocked.CompareExchange(ref _active, 1, 0) != 0)
                    return;
            }
        }

        public void Withdraw()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Offered) == Offered)
                return; // it never started; the caller has done its share
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _state) == Running)
                spinner.SpinOnce(sleep1Threshold: -1);
            Volatile.Write(ref _state, Idle);
        }
    }
}
