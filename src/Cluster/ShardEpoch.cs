using System.Diagnostics;
using System.Runtime.CompilerServices;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>One worker's local epoch: from given parameters in the standardized space, at a given rate, every batch of its shard's
/// <see cref="IBatchSource"/> through plain SGD (with the optional L2 decay), returning the last iterate, the epoch's averaged
/// iterate, the cost sum, the rows and the batches.</summary>
/// <remarks>
/// <para>Stands in for the step engine of issue 18 until the core has one: <c>TrainingSession</c> runs a whole fit with its own stopping
/// and keeps its last iterate private, while a round of local SGD needs exactly one epoch from a given start and both iterates. The
/// steps are the session's own, with the same core parts: dense batches through <see cref="BatchGradient"/>, the chain rule of
/// <see cref="FeatureStandardization"/> and the optimizer's <c>Step</c>, averaged as the session averages; CSR batches through the
/// session's O(nonzeros) <c>LazySparseSgd</c>. A batch whose cost is not finite or above the request's limit stops the epoch and is
/// reported: the coordinator's divergence guard decides on it. Buffers are made once per fit; an epoch allocates only its result.</para>
/// </remarks>
internal sealed class ShardEpoch
{
    private readonly int _d;
    private readonly FeatureStandardization? _standardization;
    private readonly float _l2;
    private readonly BatchGradient _batchGradient;
    private readonly float[] _raw, _gradient, _thetaGradient;
    private LazySparseSgd? _lazy;

    public ShardEpoch(int featureCount, FeatureStandardization? standardization, float l2Regularization, int threads)
    {
        _d = featureCount;
        _standardization = standardization;
        _l2 = l2Regularization;
        int p = featureCount + 1;
        _batchGradient = new BatchGradient(p, threads);
        _raw = new float[p];
        _gradient = new float[p];
        _thetaGradient = standardization is null ? _gradient : new float[p];
    }

    /// <summary>Runs epoch <c>request.Epoch</c> of <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a worker's first rounds would otherwise run at tier 0
    public RoundResult Run(IBatchSource source, bool sparse, RoundRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int p = _d + 1;
        var theta = Vector.FromBytes(request.Start);
        if (theta.Length != p)
            throw new ArgumentException($"The round's start has {theta.Length} parameters; the shard has {_d} features, so {p} are needed.", nameof(request));
        var average = new float[p];
        double costSum = 0, divergedCost = double.NaN;
        long rows = 0;
        int batches = 0;
        bool diverged = false;
        if (sparse)
        {
            _lazy ??= new LazySparseSgd(_d, _standardization);
            _lazy.Load(theta);
        }
        IOptimizer optimizer = _l2 == 0 ? new Sgd(request.LearningRate) : new MomentumSgd(request.LearningRate, weightDecay: 2 * _l2);
        source.BeginEpoch(request.Epoch);
        while (source.TryGetBatch(out RowBlock batch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            double cost = sparse ? _lazy!.Step(in batch, request.LearningRate, 2 * _l2) : DenseStep(in batch, theta, optimizer);
            if (!double.IsFinite(cost) || cost > request.DivergenceCost)
            {
                diverged = true;
                divergedCost = cost;
                break;
            }
            costSum += cost * batch.RowCount;
            rows += batch.RowCount;
            batches++;
            if (!sparse)
            {
                float inverse = 1f / batches;
                for (int j = 0; j < p; j++)
                    average[j] += (theta[j] - average[j]) * inverse;
            }
        }
        source.EndEpoch(request.Epoch); // also after a divergence: it only waits for the block being read ahead
        if (sparse)
            _lazy!.Store(theta, average);
        return new RoundResult
        {
            Last = Vector.ToBytes(theta), Average = Vector.ToBytes(batches > 0 ? average : theta), CostSum = costSum, Rows = rows, Batches = batches,
            Diverged = diverged, DivergedCost = divergedCost, Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    // TrainingSession.TrainBatch's dense step: the gradient on the raw rows at the raw parameters, mapped to the standardized space.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double DenseStep(in RowBlock batch, float[] theta, IOptimizer optimizer)
    {
        if (_standardization is null)
            theta.CopyTo(_raw, 0);
        else
            _standardization.ToRaw(theta, _raw);
        double cost = _batchGradient.Compute(_raw, in batch, _gradient);
        if (!double.IsFinite(cost))
            return cost;
        _standardization?.GradientToStandardized(_gradient, _thetaGradient);
        optimizer.Step(theta, _thetaGradient);
        return cost;
    }
}
