using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.OneWayIn;

/// <summary>One way in: the same rows through every <see cref="RowSource"/> end the same way — the same exception naming the same row
/// in the same words, or, without shuffling, the same model bit for bit.</summary>
[TestClass]
public sealed class RowSourceAgreementTests
{
    private const int Rows = 2000;
    private const int Bad = 37;

    private static readonly RowSource[] Sources = [RowSource.Copy, RowSource.InPlace, RowSource.CacheFile];

    public static IEnumerable<object[]> Cases()
    {
        yield return ["clean rows", (Action<Row[]>)(_ => { }), null!];
        yield return ["NaN feature", (Action<Row[]>)(r => r[Bad].Values[1] = float.NaN), "Row 37: feature slot 1 of column 'Features' is NaN"];
        yield return ["+Inf feature", (Action<Row[]>)(r => r[Bad].Values[2] = float.PositiveInfinity), "Row 37: feature slot 2 of column 'Features' is Infinity"];
        yield return ["-Inf label", (Action<Row[]>)(r => r[Bad].Label = float.NegativeInfinity), "Row 37: the label column 'Label' is -Infinity"];
        yield return ["NaN label", (Action<Row[]>)(r => r[Bad].Label = float.NaN), "Row 37: the label column 'Label' is NaN"];
        yield return ["3e19 feature", (Action<Row[]>)(r => r[Bad].Values[0] = 3e19f), "Row 37: feature slot 0 of column 'Features' is 3E+19; the features are too large"];
        yield return ["1e30 label", (Action<Row[]>)(r => r[Bad].Label = 1e30f), null!];
        yield return ["subnormal value", (Action<Row[]>)(r => r[Bad].Values[1] = 1e-42f), null!];
        yield return ["wrong-length vector", (Action<Row[]>)(r => r[Bad].Values = [1f, 2f]), "Row 37: the feature column 'Features' has 2 values; it must have 3."];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void DenseRowsEndTheSameWayOnEverySource(string name, Action<Row[]> spoil, string? error)
    {
        var outcomes = Sources.Select(source =>
        {
            var rows = DenseRows();
            spoil(rows);
            return Fit(rows, 3, source);
        }).ToArray();
        AssertAgree(name, error, outcomes);
    }

    [TestMethod]
    public void SparseRowsWithAnEmptyRowEndTheSameWayOnEverySource()
    {
        var outcomes = Sources.Select(source =>
        {
            var rows = SparseRows();
            rows[Bad].Values = new float[rows[Bad].Values.Length]; // no nonzero at all
            return Fit(rows, SparseWidth, source);
        }).ToArray();
        AssertAgree("empty sparse row", null, outcomes);
        Assert.IsTrue(outcomes.All(o => o.History!.Epochs.Count > 0));
    }

    [TestMethod]
    public void SkippedRowsAreLeftOutTheSameWayByACopyAndACacheFile()
    {
        var fits = new[] { RowSource.Copy, RowSource.CacheFile }.Select(source =>
        {
            var rows = DenseRows();
            rows[Bad].Values[1] = float.NaN;
            rows[Bad + 1].Label = float.PositiveInfinity;
            return Fit(rows, 3, source, skipNonFinite: true);
        }).ToArray();
        foreach (var fit in fits)
        {
            Assert.IsNull(fit.Error, fit.Error?.Message);
            Assert.AreEqual(2, fit.History!.SkippedRowCount);
        }
        CollectionAssert.AreEqual(fits[0].Parameters, fits[1].Parameters, "the same rows left, the same model");
    }

    private static void AssertAgree(string name, string? error, Outcome[] outcomes)
    {
        for (int k = 0; k < outcomes.Length; k++)
        {
            var outcome = outcomes[k];
            string what = $"{name}, RowSource = {Sources[k]}";
            if (error is not null)
            {
                Assert.IsNotNull(outcome.Error, $"{what}: expected an error, got a model");
                Assert.AreEqual(typeof(ArgumentException), outcome.Error.GetType(), what);
                StringAssert.Contains(outcome.Error.Message, error, what);
                Assert.AreEqual(outcomes[0].Error!.Message, outcome.Error.Message, $"{what}: the same words as the copy");
                continue;
            }
            Assert.IsNull(outcome.Error, $"{what}: {outcome.Error}");
            Assert.AreEqual(Sources[k], outcome.History!.RowSource, what);
            CollectionAssert.AreEqual(outcomes[0].Parameters, outcome.Parameters, $"{what}: the copy's model bit for bit");
            Assert.IsTrue(outcome.Parameters!.All(float.IsFinite), what);
        }
    }

    private sealed record Outcome(float[]? Parameters, TrainingHistory? History, Exception? Error);

    private static Outcome Fit(Row[] rows, int width, RowSource source, bool skipNonFinite = false)
    {
        var ml = new MLContext(1);
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var data = ml.Data.LoadFromEnumerable(rows, definition);
        var trainer = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options
        {
            RowSource = source, Shuffle = false, NumberOfEpochs = 4, Tolerance = 0, BatchSize = 64, SkipNonFiniteRows = skipNonFinite,
        });
        try
        {
            var model = trainer.Fit(data).Model;
            return new Outcome([.. model.Weights, model.Bias], trainer.LastHistory, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new Outcome(null, null, e);
        }
    }

    private static Row[] DenseRows()
    {
        var random = new Random(5);
        return Enumerable.Range(0, Rows).Select(_ =>
        {
            float[] x = [(float)random.NextDouble(), (float)random.NextDouble() * 10, (float)random.NextDouble() - 0.5f];
            return new Row { Label = 2 * x[0] - 0.5f * x[1] + 3 * x[2] + 1 + (float)random.NextDouble() * 0.1f, Values = x };
        }).ToArray();
    }

    private const int SparseWidth = 40;

    // One-hot rows: 40 levels, one 1 a row (VBuffers as ML.NET's one-hot encoding makes them, sparse).
    private static Row[] SparseRows()
    {
        var random = new Random(6);
        return Enumerable.Range(0, Rows).Select(_ =>
        {
            var x = new float[SparseWidth];
            int level = random.Next(SparseWidth);
            x[level] = 1;
            return new Row { Label = level % 7 + (float)random.NextDouble() * 0.1f, Values = x };
        }).ToArray();
    }

    /// <summary>A row as ML.NET reads it: the features as a sparse vector of the declared size (whatever length the values have).</summary>
    public sealed class Row
    {
        public float Label { get; set; }

        [NoColumn]
        public float[] Values { get; set; } = [];

        public VBuffer<float> Features
        {
            get
            {
                int[] indices = Enumerable.Range(0, Values.Length).Where(j => Values[j] != 0).ToArray();
                return new VBuffer<float>(Values.Length, indices.Length, indices.Select(j => Values[j]).ToArray(), indices);
            }
            set { }
        }
    }
}
