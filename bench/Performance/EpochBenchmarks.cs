using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench;

/// <summary>BenchmarkDotNet micro-benchmarks of one epoch's arithmetic over a 1M x 64 matrix, against one Sum pass (the memory floor).</summary>
/// <remarks>Each operation reads the whole matrix once, in consecutive batches, so the ratios are the epoch-time ratios without the loop around them.</remarks>
/// <remarks>In process (no generated project to build on a shared machine), 2 warm-up and 9 measured iterations.</remarks>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
public class EpochBenchmarks
{
    /// <summary>The in-process job.</summary>
    public sealed class InProcessConfig : ManualConfig
    {
        /// <summary>Creates it.</summary>
        public InProcessConfig() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(9));
    }

    private const int Rows = 1_000_000, Features = 64;
    private float[] _x = [], _y = [], _parameters = [], _gradient = [];
    private BatchGradient _one = null!, _two = null!;
    private Sgd _sgd = null!;

    /// <summary>Gets or sets the rows per batch.</summary>
    [Params(32, 256, 4096)]
    public int BatchRows { get; set; }

    /// <summary>Makes the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new SplitMix64(1);
        _x = new float[Rows * Features];
        for (int i = 0; i < _x.Length; i++)
            _x[i] = (float)(rng.NextDouble() - 0.5);
        _y = new float[Rows];
        for (int i = 0; i < _y.Length; i++)
            _y[i] = (float)rng.NextDouble();
        _parameters = new float[Features + 1];
        _gradient = new float[Features + 1];
        _one = new BatchGradient(Features + 1, 1);
        _two = new BatchGradient(Features + 1, 2);
        _sgd = new Sgd(1e-6f);
    }

    /// <summary>One TensorPrimitives.Sum pass: the memory floor.</summary>
    [Benchmark(Baseline = true)]
    public float SumPass() => TensorPrimitives.Sum<float>(_x);

    /// <summary>The plain kernel: TensorPrimitives.Dot and MultiplyAdd per row.</summary>
    [Benchmark]
    public double RowByRowKernel()
    {
        double total = 0;
        var w = _parameters.AsSpan(0, Features);
        for (int start = 0; start < Rows; start += BatchRows)
        {
            int rows = Math.Min(BatchRows, Rows - start);
            total += GradientKernel.AccumulateRowByRow(w, 0, _x.AsSpan(start * Features, rows * Features), _y.AsSpan(start, rows), _gradient.AsSpan(0, Features)).SumSquares;
        }
        return total;
    }

    /// <summary>The four-row fused kernel alone.</summary>
    [Benchmark]
    public double FusedKernel()
    {
        double total = 0;
        var w = _parameters.AsSpan(0, Features);
        for (int start = 0; start < Rows; start += BatchRows)
        {
            int rows = Math.Min(BatchRows, Rows - start);
            total += GradientKernel.Accumulate(w, 0, _x.AsSpan(start * Features, rows * Features), _y.AsSpan(start, rows), _gradient.AsSpan(0, Features)).SumSquares;
        }
        return total;
    }

    /// <summary>What TrainingSession.TrainBatch does per batch (gradient on one thread, then the SGD step).</summary>
    [Benchmark]
    public double TrainStepsOneThread() => Steps(_one);

    /// <summary>The same with the gradient spread over two threads (only batches of 2048 rows or more are split).</summary>
    [Benchmark]
    public double TrainStepsTwoThreads() => Steps(_two);

    private double Steps(BatchGradient kernel)
    {
        double total = 0;
        Array.Clear(_parameters);
        for (int start = 0; start < Rows; start += BatchRows)
        {
            int rows = Math.Min(BatchRows, Rows - start);
            total += kernel.Compute(_parameters, _x.AsSpan(start * Features, rows * Features), _y.AsSpan(start, rows), _gradient);
            _sgd.Step(_parameters, _gradient);
        }
        return total;
    }
}
