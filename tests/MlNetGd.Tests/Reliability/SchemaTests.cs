using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>Missing or mistyped label and feature columns at training, and a feature count that differs at prediction.</summary>
[TestClass]
public sealed class SchemaTests
{
    private sealed class TypedRow<TLabel, TFeatures>
    {
        public TLabel Label { get; set; } = default!;

        public TFeatures Features { get; set; } = default!;
    }

    private static IDataView View<TLabel, TFeatures>(TLabel label, TFeatures features, int? vectorSize = null, DataViewType? itemType = null)
        where TFeatures : notnull
    {
        var ml = new MLContext(1);
        var definition = SchemaDefinition.Create(typeof(TypedRow<TLabel, TFeatures>));
        if (vectorSize is int size)
            definition["Features"].ColumnType = new VectorDataViewType((PrimitiveDataViewType)(itemType ?? NumberDataViewType.Single), size);
        var rows = Enumerable.Range(0, 4).Select(_ => new TypedRow<TLabel, TFeatures> { Label = label, Features = features }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private static ArgumentException FitFails(IDataView data, Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>? configure = null) =>
        Assert.ThrowsExactly<ArgumentException>(() => Trainer(configure).Fit(data));

    [TestMethod]
    public void MissingLabelColumnListsTheColumnsThatExist()
    {
        var data = View(1f, new float[] { 1, 2 }, 2);
        var e = FitFails(data, o => o with { LabelColumnName = "Price" });
        AssertMessageContains(e, "'Price'", "not found", "'Label'", "'Features'");
        Assert.AreEqual("LabelColumnName", e.ParamName);
    }

    [TestMethod]
    public void DoubleLabelIsRejected() => AssertLabelRejected(View(1.0, new float[] { 1, 2 }, 2), "Double");

    [TestMethod]
    public void IntegerLabelIsRejected() => AssertLabelRejected(View(1, new float[] { 1, 2 }, 2), "Int32");

    [TestMethod]
    public void BooleanLabelIsRejected() => AssertLabelRejected(View(true, new float[] { 1, 2 }, 2), "Boolean");

    private static void AssertLabelRejected(IDataView data, string typeName)
    {
        var e = FitFails(data);
        AssertMessageContains(e, "'Label'", typeName, "Single");
        Assert.AreEqual("LabelColumnName", e.ParamName);
    }

    [TestMethod]
    public void MissingFeatureColumnListsTheColumnsThatExist()
    {
        var e = FitFails(View(1f, new float[] { 1, 2 }, 2), o => o with { FeatureColumnName = "X" });
        AssertMessageContains(e, "'X'", "not found", "'Features'");
        Assert.AreEqual("FeatureColumnName", e.ParamName);
    }

    [TestMethod]
    public void ScalarFeatureColumnIsRejected()
    {
        var e = FitFails(View(1f, 2f));
        AssertMessageContains(e, "'Features'", "vector of Single", "Concatenate");
        Assert.AreEqual("FeatureColumnName", e.ParamName);
    }

    [TestMethod]
    public void VectorOfDoubleFeatureColumnIsRejected()
    {
        var e = FitFails(View(1f, new double[] { 1, 2 }, 2, NumberDataViewType.Double));
        AssertMessageContains(e, "'Features'", "Double", "vector of Single");
        Assert.AreEqual("FeatureColumnName", e.ParamName);
    }

    [TestMethod]
    public void VariableLengthFeatureColumnIsRejected()
    {
        var e = FitFails(View(1f, new float[] { 1, 2 }));
        AssertMessageContains(e, "'Features'", "variable length");
        Assert.AreEqual("FeatureColumnName", e.ParamName);
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(4)]
    public void PredictionWithADifferentFeatureCountIsAClearError(int otherCount)
    {
        var ml = new MLContext(1);
        var model = Trainer().Fit(LinearView(ml, 50, 3));
        var other = LinearView(ml, 5, otherCount);

        // ML.NET's own transformer checks the type: "Incompatible features column type: 'Vector<Single, 4>' vs 'Vector<Single, 3>'".
        var transform = Assert.ThrowsExactly<InvalidOperationException>(() => model.Transform(other));
        AssertMessageContains(transform, "features column", $"Vector<Single, {otherCount}>", "Vector<Single, 3>");
        // Checking the schema first (as a CLI or service should) gives the column name too.
        var schema = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.GetOutputSchema(other.Schema));
        AssertMessageContains(schema, "'Features'", "expected Vector<Single, 3>", $"got Vector<Single, {otherCount}>");
        Assert.AreEqual("inputSchema", schema.ParamName);
    }

    [TestMethod]
    public void PredictionEngineWithADifferentFeatureCountIsAClearError()
    {
        var ml = new MLContext(1);
        var model = Trainer().Fit(LinearView(ml, 50, 3));
        var definition = SchemaDefinition.Create(typeof(Row));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 5);
        var e = Assert.ThrowsExactly<InvalidOperationException>(
            () => ml.Model.CreatePredictionEngine<Row, Prediction>(model, inputSchemaDefinition: definition));
        AssertMessageContains(e, "features column", "Vector<Single, 5>", "Vector<Single, 3>");
    }

    [TestMethod]
    public void WarmStartFromAModelWithADifferentFeatureCountIsAClearError()
    {
        var ml = new MLContext(1);
        var start = Trainer().Fit(LinearView(ml, 50, 3)).Model;
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(LinearView(ml, 50, 4), start));
        AssertMessageContains(e, "3 weights", "4 features");
        Assert.AreEqual("modelParameters", e.ParamName);
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}
