using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Sparse;

/// <summary>Issue 22's question for the hashed case: does another method reach a good error on new rows in fewer passes than the
/// default fit? Each method prints the RMSE on unseen rows after each pass over the training rows: the fit's held-out rows for the
/// trainer's own variants (16,384 rows, as a default fit holds out), the 20,000 test rows for the hand-written ones. Research code:
/// AdaGrad and CGLS are written here, plainly, only to measure them; nothing of them is in the product. <c>rate2</c> is twice the
/// hashed case's automatic rate (0.0821), so it means something for that case only.</summary>
internal static class MethodProbe
{
    public static void Run(IDataView train, IDataView test, string label, string method)
    {
        var rows = DataViewReader.ReadRows(train, label, "Features", false, out _);
        var testRows = DataViewReader.ReadRows(test, label, "Features", false, out _);
        var clock = Stopwatch.StartNew();
        void Report(int pass, double rmse) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {method} | {pass} | {rmse:G4} | {clock.Elapsed.TotalSeconds:F1} s |"));
        Console.WriteLine("| method | pass | RMSE on unseen rows | time |");
        Console.WriteLine("|---|---|---|---|");
        switch (method)
        {
            case "default":
            case "rate2":
            case "nesterov":
                var settings = new GradientDescentSettings
                {
                    NumberOfEpochs = 12,
                    LearningRate = method == "rate2" ? 2 * 0.0821f : method == "nesterov" ? 0.2f : null,
                    Optimizer = method == "nesterov" ? OptimizerKind.Nesterov : OptimizerKind.Sgd,
                    BatchSize = method == "nesterov" ? 4096 : GradientDescentSettings.DefaultBatchSize,
                    EpochCompleted = e => Report(e.Epoch, Math.Sqrt(e.ValidationCost)),
                };
                new GradientDescentLoop(settings).Run(rows, new LinearModel(rows.FeatureCount));
                break;
            case "adagrad":
                AdaGrad(rows, testRows, 0.5, 12, Report);
                break;
            case "cgls":
                Cgls(rows, testRows, 12, Report);
                break;
            default:
                throw new ArgumentException($"Unknown method '{method}': use default, rate2, nesterov, adagrad or cgls.");
        }
    }

    // Per-row AdaGrad on the raw features (each feature divided by its largest magnitude, as Vowpal Wabbit's --normalized), from 0.
    private static void AdaGrad(TrainingRows data, TrainingRows test, double eta, int passes, Action<int, double> report)
    {
        var (starts, indices, values, labels) = Arrays(data);
        int d = data.FeatureCount, n = data.RowCount;
        var w = new double[d];
        var squares = new double[d];
        var scale = new double[d];
        for (int e = 0; e < values.Length; e++)
            scale[indices[e]] = Math.Max(scale[indices[e]], Math.Abs(values[e]));
        for (int j = 0; j < d; j++)
            scale[j] = scale[j] > 0 ? 1 / scale[j] : 0;
        double bias = 0, biasSquares = 0;
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(1);
        for (int pass = 1; pass <= passes; pass++)
        {
            random.Shuffle(order);
            foreach (int i in order)
            {
                double r = bias - labels[i];
                for (int e = starts[i]; e < starts[i + 1]; e++)
                    r += w[indices[e]] * values[e] * scale[indices[e]];
                for (int e = starts[i]; e < starts[i + 1]; e++)
                {
                    int j = indices[e];
                    double g = r * values[e] * scale[j];
                    squares[j] += g * g;
                    w[j] -= eta * g / Math.Sqrt(squares[j] + 1e-12);
                }
                biasSquares += r * r;
                bias -= eta * r / Math.Sqrt(biasSquares + 1e-12);
            }
            report(pass, Rmse(test, j => w[j] * scale[j], bias));
        }
    }

    // CGLS (conjugate gradients on the normal equations, without forming them) on [X 1]·θ = y, from 0: one pass of X and one of Xᵀ
    // an iteration, reported as one pass.
    private static void Cgls(TrainingRows data, TrainingRows test, int iterations, Action<int, double> report)
    {
        var (starts, indices, values, labels) = Arrays(data);
        int d = data.FeatureCount, n = data.RowCount;
        var theta = new double[d + 1];
        var residual = labels.Select(y => (double)y).ToArray();
        var s = new double[d + 1];
        var p = new double[d + 1];
        var q = new double[n];
        void Transposed(double[] v, double[] result)
        {
            Array.Clear(result);
            for (int i = 0; i < n; i++)
            {
                for (int e = starts[i]; e < starts[i + 1]; e++)
                    result[indices[e]] += values[e] * v[i];
                result[d] += v[i];
            }
        }
        Transposed(residual, s);
        Array.Copy(s, p, d + 1);
        double gamma = s.Sum(v => v * v);
        for (int iteration = 1; iteration <= iterations; iteration++)
        {
            for (int i = 0; i < n; i++)
            {
                double t = p[d];
                for (int e = starts[i]; e < starts[i + 1]; e++)
                    t += values[e] * p[indices[e]];
                q[i] = t;
            }
            double alpha = gamma / q.Sum(v => v * v);
            for (int j = 0; j <= d; j++)
                theta[j] += alpha * p[j];
            for (int i = 0; i < n; i++)
                residual[i] -= alpha * q[i];
            Transposed(residual, s);
            double next = s.Sum(v => v * v);
            for (int j = 0; j <= d; j++)
                p[j] = s[j] + next / gamma * p[j];
            gamma = next;
            report(iteration, Rmse(test, j => theta[j], theta[d]));
        }
    }

    private static (int[] Starts, int[] Indices, float[] Values, float[] Labels) Arrays(TrainingRows data)
    {
        var block = data.Rows();
        var starts = new int[data.RowCount + 1];
        for (int i = 0; i < data.RowCount; i++)
            starts[i + 1] = starts[i] + block.RowEnds[i] - block.RowStarts[i];
        var indices = new int[starts[^1]];
        var values = new float[starts[^1]];
        for (int i = 0; i < data.RowCount; i++)
        {
            block.Indices[block.RowStarts[i]..block.RowEnds[i]].CopyTo(indices.AsSpan(starts[i]));
            block.Values[block.RowStarts[i]..block.RowEnds[i]].CopyTo(values.AsSpan(starts[i]));
        }
        return (starts, indices, values, block.Labels.ToArray());
    }

    private static double Rmse(TrainingRows test, Func<int, double> weight, double bias)
    {
        var block = test.Rows();
        double sum = 0;
        for (int i = 0; i < test.RowCount; i++)
        {
            double prediction = bias;
            for (int e = block.RowStarts[i]; e < block.RowEnds[i]; e++)
                prediction += weight(block.Indices[e]) * block.Values[e];
            double r = prediction - block.Labels[i];
            sum += r * r;
        }
        return Math.Sqrt(sum / test.RowCount);
    }
}
