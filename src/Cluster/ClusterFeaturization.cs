using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.IO;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The featurization of a distributed fit on CSV/TSV shards, fitted once by the coordinator: the workers send a seeded
/// sample of their files' lines, the coordinator infers the columns' kinds on it as <c>mlnetgd train</c> does
/// (<see cref="ColumnInference"/>), fits the plan's pipeline on it, and ships the fitted transformer to every worker
/// (<see cref="ShardFormat"/>), so every shard has the same one-hot vocabulary and slot order.</summary>
public sealed class ClusterFeaturization
{
    /// <summary>The default number of sampled lines the featurization is fitted on (all shards together).</summary>
    public const int DefaultSampleLines = 100_000;

    private ClusterFeaturization(FeaturizationPlan plan, ITransformer featurizer, DataViewSchema inputSchema, ShardFormat format)
    {
        Plan = plan;
        Featurizer = featurizer;
        InputSchema = inputSchema;
        Format = format;
    }

    /// <summary>Gets the plan inferred on the sample (its row counts are the sample's).</summary>
    public FeaturizationPlan Plan { get; }

    /// <summary>Gets the fitted featurizer.</summary>
    public ITransformer Featurizer { get; }

    /// <summary>Gets the schema a saved model records: the used columns without the label.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>Gets what the workers are sent.</summary>
    public ShardFormat Format { get; }

    /// <summary>Samples the shards through their workers and fits the featurization on the sample.</summary>
    /// <param name="client">A client connected to the cluster.</param>
    /// <param name="shards">The shard files (paths on their workers); shard <c>i</c> goes to worker <c>i mod k</c>.</param>
    /// <param name="label">The label column.</param>
    /// <param name="overrides">Column kinds given by the user, or <see langword="null"/>.</param>
    /// <param name="separator">The separator, or <see langword="null"/> to infer it from the first file's extension.</param>
    /// <param name="options">The fit's options (seed, workers, fault timeout).</param>
    /// <param name="sampleLines">How many lines, over all shards, the featurization is fitted on.</param>
    /// <exception cref="ShardDataException">A shard file is missing or unreadable on its worker.</exception>
    /// <exception cref="DataFileException">The sample cannot be featurized (the label is not a number, no usable column, …).</exception>
    /// <exception cref="WorkerLostException">A worker was lost.</exception>
    public static async Task<ClusterFeaturization> FitAsync(IClusterClient client, IReadOnlyList<string> shards, string label, ColumnOverrides? overrides,
        char? separator, DistributedOptions options, int sampleLines = DefaultSampleLines)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        char sep = separator ?? DelimitedFile.InferSeparator(shards[0]);
        var lines = await DistributedGradientDescent.SampleLinesAsync(client, shards, options, Math.Max(1, sampleLines / Math.Max(1, shards.Count)), sep);
        string header = lines[0][0];
        for (int i = 1; i < lines.Count; i++)
        {
            if (lines[i][0] != header)
                throw new ShardDataException(shards[i], $"The shard '{shards[i]}' has the header \"{lines[i][0]}\", unlike the first shard '{shards[0]}' (\"{header}\"); every shard must have the same columns.");
        }
        string sample = Path.Combine(Path.GetTempPath(), $"mlnetgd-sample-{Guid.NewGuid():N}{(sep == '\t' ? ".tsv" : ".csv")}");
        using var tracked = Temporaries.Track(sample);
        try
        {
            File.WriteAllLines(sample, [header, .. lines.SelectMany(l => l.Skip(1))]);
            var file = DelimitedFile.Read(sample, sep);
            var plan = ColumnInference.Infer(file, label, overrides);
            var ml = new MLContext(options.Seed);
            var data = plan.Load(ml, file);
            var featurizer = plan.CreatePipeline(ml).Fit(data);
            var loaded = file.Load(ml, plan.InputColumns(includeLabel: true));
            var format = CreateFormat(ml, featurizer, loaded.Schema, plan.InputColumns(includeLabel: true).Select(c => new ShardColumn { Name = c.Name, IsNumber = c.Kind == DataKind.Single }).ToArray(),
                sep, label, plan.FeatureColumnName);
            return new ClusterFeaturization(plan, featurizer, plan.InputSchema(ml, file), format);
        }
        finally
        {
            File.Delete(sample);
        }
    }

    /// <summary>Describes a featurizer for the workers: its bytes, and the feature count and slot names every shard must reproduce.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="featurizer">The fitted featurizer; it reads <paramref name="inputSchema"/> and produces <paramref name="featureColumn"/>.</param>
    /// <param name="inputSchema">The schema of the loaded shard columns (the label among them).</param>
    /// <param name="columns">The columns each worker loads, in the order of <paramref name="inputSchema"/>.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="label">The label column.</param>
    /// <param name="featureColumn">The feature column the featurizer produces.</param>
    /// <exception cref="ArgumentException">The featurizer does not produce a known-size vector of Single named <paramref name="featureColumn"/>.</exception>
    public static ShardFormat CreateFormat(MLContext mlContext, ITransformer featurizer, DataViewSchema inputSchema, ShardColumn[] columns, char separator,
        string label, string featureColumn)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(featurizer);
        var output = featurizer.GetOutputSchema(inputSchema);
        var found = DataViewColumns.Find(output, label, featureColumn);
        using var bytes = new MemoryStream();
        mlContext.Model.Save(featurizer, inputSchema, bytes);
        return new ShardFormat
        {
            Separator = separator, Columns = columns, LabelColumnName = label, FeatureColumnName = featureColumn, Featurizer = bytes.ToArray(),
            FeatureCount = found.FeatureCount, SlotNameHash = CacheFileSchema.HashSlotNames(found.AllSlotNames()),
        };
    }
}
