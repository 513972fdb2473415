using FsCheck;
using FsCheck.Fluent;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Sparse;

/// <summary>Property tests (FsCheck): one-hot data with Zipf-distributed levels, rare ones included, never makes the defaults diverge.</summary>
[TestClass]
public sealed class SparsePropertyTests
{
    /// <summary>A random one-hot table: 1–4 categorical columns of 2–400 levels drawn with Zipf exponent 0.8–2 (so some levels are
    /// seen once or never), an optional numeric column with a random scale, and labels of a random scale and offset.</summary>
    public sealed record Case(int Rows, int[] Levels, double Exponent, bool Numeric, float LabelScale, int Seed, int BatchSize)
    {
        public override string ToString() =>
            $"rows={Rows} levels=[{string.Join(",", Levels)}] exponent={Exponent:F2} numeric={Numeric} labelScale={LabelScale} seed={Seed} batch={BatchSize}";
    }

    private static readonly Arbitrary<Case> Cases =
        (from rows in Gen.Choose(20, 3000)
         from columns in Gen.Choose(1, 4)
         from levels in Gen.ArrayOf(Gen.Choose(2, 400), columns)
         from exponent in Gen.Choose(80, 200).Select(e => e / 100.0)
         from numeric in Gen.Elements(true, false)
         from labelScale in Gen.Elements(0.01f, 1f, 100f, 1e4f)
         from seed in Gen.Choose(0, 1_000_000)
         from batch in Gen.Elements(1, 8, 32, 256, 1024)
         select new Case(rows, levels, exponent, numeric, labelScale, seed, batch)).ToArbitrary();

    [TestMethod]
    public void ZipfOneHotDataNeverMakesTheDefaultsDiverge()
    {
        var property = Prop.ForAll(Cases, c =>
        {
            var dense = SparseData.OneHot(c.Rows, c.Levels, c.Exponent, c.Seed, c.Numeric);
            var labels = dense.Labels.Select(y => y * c.LabelScale).ToArray();
            var data = CsrDataset.FromDense(new DenseDataset(dense.Features, labels, dense.FeatureCount));
            data.ShuffleRows(c.Seed);
            var model = new LinearModel(data.FeatureCount);
            try
            {
                var history = new GradientDescentLoop(new GradientDescentSettings { BatchSize = c.BatchSize }).Run(data, model);
                return (model.IsFinite && history.Recoveries == 0).Label($"finite model, no recovery ({history.Epochs.Count} epochs)");
            }
            catch (TrainingDivergedException e)
            {
                return false.Label(e.Message);
            }
        });
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true), property);
    }
}
