using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;
using MlNetGd.Data;
using MlNetGd.Tests.Comparison;
using MlNetGd.Trainers;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.DataFiles;

/// <summary>Issue 22's data path: the file is read once into memory, the featurization fits in a fixed number of passes whatever the
/// column count, and it gives the features one step per column gave.</summary>
[TestClass]
public sealed class DataPathTests
{
    /// <summary>Numbers (every 3rd column with empty cells), a categorical, a boolean and a text column, label y.</summary>
    private static string MixedCsv(int numericColumns, int rows = 120)
    {
        var text = new StringBuilder("y," + string.Join(',', Enumerable.Range(1, numericColumns).Select(j => $"x{j}")) + ",city,member,note\n");
        string[] cities = ["Oslo", "Bergen", "Tromsø", "Bodø"];
        for (int i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 13 + 0.5 * (i % 4)}");
            for (int j = 1; j <= numericColumns; j++)
                text.Append(',').Append(j % 3 == 0 && (i + j) % 11 == 0 ? "" : ((i * j) % 17 * 0.25).ToString(CultureInfo.InvariantCulture));
            text.Append(CultureInfo.InvariantCulture, $",{cities[i % 4]},{(i % 2 == 0 ? "yes" : "no")},the {cities[(i + 1) % 4]} order number {i % 40}\n");
        }
        return text.ToString();
    }

    private static (DelimitedFile File, FeaturizationPlan Plan) Read(TempDirectory dir, string csv)
    {
        File.WriteAllText(dir.File("data.csv"), csv);
        var file = DelimitedFile.Read(dir.File("data.csv"));
        return (file, ColumnInference.Infer(file, "y"));
    }

    [TestMethod]
    public void TheFileIsReadOnceAndTheModelIsTrainedFromMemory()
    {
        using var dir = new TempDirectory();
        var (file, plan) = Read(dir, MixedCsv(5));
        File.Move(dir.File("data.csv"), dir.File("elsewhere.csv"));   // nothing after Read may open the file again
        var ml = new MLContext(0);
        var data = plan.Load(ml, file);
        var model = plan.CreatePipeline(ml).Append(new GradientDescentRegressionTrainer(new() { LabelColumnName = "y" })).Fit(data);
        var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
        Assert.AreEqual(120, scores.Length);
        Assert.IsTrue(scores.All(float.IsFinite));
        Assert.AreEqual(TimeSpan.Zero, file.RereadTime);
    }

    [TestMethod]
    public void FittingTheFeaturizationReadsTheDataAFixedNumberOfTimesWhateverTheColumnCount()
    {
        int Cursors(int columns)
        {
            using var dir = new TempDirectory();
            var (file, plan) = Read(dir, MixedCsv(columns));
            var ml = new MLContext(0);
            var counting = new CountingView(plan.Load(ml, file));
            plan.CreatePipeline(ml).Fit(counting);
            return counting.Cursors;
        }
        int few = Cursors(6), many = Cursors(120);
        Assert.AreEqual(few, many, "one step per kind, not per column (one per column made the fit cubic in the columns)");
    }

    [TestMethod]
    public void MultiColumnStepsGiveTheFeaturesOneStepPerColumnGave()
    {
        using var dir = new TempDirectory();
        var (file, plan) = Read(dir, MixedCsv(7));
        var ml = new MLContext(0);
        var data = plan.Load(ml, file);
        var actual = plan.CreatePipeline(ml).Fit(data).Transform(data).GetColumn<VBuffer<float>>("Features").ToArray();
        var expected = OneStepPerColumn(ml, plan).Fit(data).Transform(data).GetColumn<VBuffer<float>>("Features").ToArray();
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i].DenseValues().ToArray(), actual[i].DenseValues().ToArray(), $"row {i}");
    }

    [TestMethod]
    public void FittingOnTheFileGivesThePipelinesFeaturesAndAModelThatScoresRawRows()
    {
        using var dir = new TempDirectory();
        // Rows 0 and 5 have no label; 'Narvik' occurs only in row 0, so the fitted dictionary must not hold it.
        var lines = MixedCsv(4).Split('\n').ToList();
        lines[1] = "," + lines[1][(lines[1].IndexOf(',') + 1)..].Replace("Oslo", "Narvik");
        lines[6] = "," + lines[6][(lines[6].IndexOf(',') + 1)..];
        var (file, plan) = Read(dir, string.Join('\n', lines));
        var ml = new MLContext(0);
        var featurizer = plan.Fit(ml, file, out var featurized);
        var data = plan.Load(ml, file);
        var expected = plan.CreatePipeline(ml).Fit(data).Transform(data);
        var slots = (VectorDataViewType)expected.Schema["Features"].Type;
        Assert.AreEqual(slots, featurized.Schema["Features"].Type);
        VBuffer<ReadOnlyMemory<char>> expectedNames = default, actualNames = default;
        expected.Schema["Features"].GetSlotNames(ref expectedNames);
        featurized.Schema["Features"].GetSlotNames(ref actualNames);
        CollectionAssert.AreEqual(expectedNames.DenseValues().Select(n => n.ToString()).ToArray(), actualNames.DenseValues().Select(n => n.ToString()).ToArray());
        Assert.IsFalse(actualNames.DenseValues().Any(n => n.ToString().Contains("Narvik", StringComparison.Ordinal)));
        var want = expected.GetColumn<VBuffer<float>>("Features").ToArray();
        var got = featurized.GetColumn<VBuffer<float>>("Features").ToArray();
        Assert.AreEqual(118, got.Length);
        for (int i = 0; i < want.Length; i++)
            CollectionAssert.AreEqual(want[i].DenseValues().ToArray(), got[i].DenseValues().ToArray(), $"row {i}");
        // The fitted featurization maps the raw columns, as a saved model must.
        var raw = featurizer.Transform(data).GetColumn<VBuffer<float>>("Features").ToArray();
        for (int i = 0; i < want.Length; i++)
            CollectionAssert.AreEqual(want[i].DenseValues().ToArray(), raw[i].DenseValues().ToArray(), $"row {i}, raw");
    }

    /// <summary>The featurization as it was built before issue 22: one estimator per column, in file order.</summary>
    private static IEstimator<ITransformer> OneStepPerColumn(MLContext ml, FeaturizationPlan plan)
    {
        var t = ml.Transforms;
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var outputs = new List<string>();
        foreach (var c in plan.Columns.Where(c => c.IsUsed))
        {
            switch (c.Kind)
            {
                case ColumnKind.Numeric:
                    if (c.MissingCount > 0)
                    {
                        string indicator = FeaturizationPlan.MissingIndicatorName(c.Name);
                        chain = chain.Append(t.IndicateMissingValues(indicator, c.Name)).Append(t.Conversion.ConvertType(indicator, indicator, DataKind.Single));
                        outputs.Add(indicator);
                    }
                    chain = chain.Append(t.ReplaceMissingValues(c.Name, c.Name, MissingValueReplacingEstimator.ReplacementMode.Mean));
                    break;
                case ColumnKind.Text:
                    chain = chain.Append(t.Text.FeaturizeText(c.Name, new TextFeaturizingEstimator.Options
                    {
                        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, UseAllLengths = false },
                        CharFeatureExtractor = null,
                        Norm = TextFeaturizingEstimator.NormFunction.L2,
                    }, c.Name));
                    break;
                default:
                    chain = c.IsHashed
                        ? chain.Append(t.Categorical.OneHotHashEncoding(c.Name, c.Name, numberOfBits: FeaturizationPlan.HashBits))
                        : chain.Append(t.Categorical.OneHotEncoding(c.Name, c.Name));
                    break;
            }
            outputs.Add(c.Name);
        }
        return chain.Append(t.Concatenate(plan.FeatureColumnName, outputs.ToArray())).Append(t.NormalizeMeanVariance(plan.FeatureColumnName));
    }

    [TestMethod]
    public void AColumnOfNumbersThatTurnsToStringsAfterTheSampleIsReadAgainAsStrings()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("grade,y\n");
        int rows = FileScan.SampleRows + 3000;
        for (int i = 0; i < rows; i++)
            text.Append(CultureInfo.InvariantCulture, $"{(i < FileScan.SampleRows ? (i % 5).ToString(CultureInfo.InvariantCulture) : i % 2 == 0 ? "A" : "B")},{i % 9}\n");
        var (file, plan) = Read(dir, text.ToString());
        Assert.IsTrue(file.RereadTime > TimeSpan.Zero);
        var grade = plan.Columns.Single();
        Assert.AreEqual(ColumnKind.Categorical, grade.Kind, "77% numbers: categorical, with all seven levels");
        Assert.AreEqual(7, grade.DistinctCount);
        var ml = new MLContext(0);
        var levels = plan.Load(ml, file).GetColumn<ReadOnlyMemory<char>>("grade").Select(m => m.ToString()).Distinct().Order().ToArray();
        CollectionAssert.AreEqual(new[] { "0", "1", "2", "3", "4", "A", "B" }, levels);
    }

    [TestMethod]
    public void VerboseTrainSaysWhereTheTimeGoes()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), MixedCsv(4));
        var (code, _, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "--verbose", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        foreach (string step in new[] { "[train] read '", "header and a sample of the first rows", "one pass over every row", "[train] inference: ",
            "[train] featurize (fit the featurization): ", "[train] fit: ", "[train] training RMSE: ", "[train] save: " })
            StringAssert.Contains(error, step);
    }

    /// <summary>Counts the cursors opened on a view: each is one pass over (some of) its rows.</summary>
    private sealed class CountingView(IDataView inner) : IDataView
    {
        public int Cursors { get; private set; }

        public bool CanShuffle => inner.CanShuffle;

        public DataViewSchema Schema => inner.Schema;

        public long? GetRowCount() => inner.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            Cursors++;
            return inner.GetRowCursor(columnsNeeded, rand);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        {
            Cursors++;
            return inner.GetRowCursorSet(columnsNeeded, n, rand);
        }
    }
}
