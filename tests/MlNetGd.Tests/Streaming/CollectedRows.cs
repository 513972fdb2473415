using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Streaming;

/// <summary>Copies row blocks (dense or CSR) as they come, to compare them after the blocks' buffers are gone.</summary>
internal sealed class CollectedRows(CacheFileSchema schema)
{
    private readonly List<float> _labels = [];
    private readonly List<float> _dense = [];
    private readonly List<int> _starts = [0];
    private readonly List<int> _indices = [];
    private readonly List<float> _values = [];

    public int RowCount => _labels.Count;

    public IReadOnlyList<float> Labels => _labels;

    public void Add(RowBlock block)
    {
        Assert.AreEqual(schema.FeatureCount, block.FeatureCount);
        Assert.AreEqual(schema.IsSparse, block.IsSparse);
        for (int i = 0; i < block.RowCount; i++)
        {
            _labels.Add(block.Labels[i]);
            if (block.IsSparse)
            {
                int start = block.RowStarts[i], end = block.RowEnds[i];
                _indices.AddRange(block.Indices[start..end].ToArray());
                _values.AddRange(block.Values[start..end].ToArray());
                _starts.Add(_indices.Count);
            }
            else
            {
                _dense.AddRange(block.DenseFeatures.Slice(i * block.FeatureCount, block.FeatureCount).ToArray());
            }
        }
    }

    public TrainingRows Dataset() => schema.IsSparse
        ? new CsrDataset([.. _starts], [.. _indices], [.. _values], [.. _labels], schema.FeatureCount)
        : new DenseDataset([.. _dense], [.. _labels], schema.FeatureCount);
}
