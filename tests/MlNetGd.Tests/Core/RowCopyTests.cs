using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Core;

/// <summary>A fit's in-memory rows (<see cref="TrainingRowsBuilder"/>) and a block of rows (<see cref="RowBlockBuffer"/>) store a row
/// the same way (<see cref="RowCopy"/>): the same dense values, or the same nonzeros at the same columns, as a plain loop written here.</summary>
[TestClass]
public sealed class RowCopyTests
{
    private const int D = 7;

    // Rows as the readers hand them on: dense (all d values, some zero), sparse (columns and values, one of them zero), and empty.
    private static readonly (float Label, int[] Indices, float[] Values)[] Given =
    [
        (1f, [], [0f, 2f, 0f, 0f, -3f, 0.5f, 0f]),
        (2f, [1, 4, 6], [4f, 0f, -1f]),
        (3f, [], []),
        (4f, [0, 6], [9f, 8f]),
        (5f, [], [1f, 1f, 1f, 1f, 1f, 1f, 1f]),
    ];

    [TestMethod]
    [DataRow(false, DisplayName = "dense storage")]
    [DataRow(true, DisplayName = "CSR storage")]
    public void TheBuilderAndTheBufferStoreEachRowAsAPlainLoopDoes(bool sparse)
    {
        var builder = new TrainingRowsBuilder(D, sparse, density: 0.5, expectedRows: null);
        var buffer = new RowBlockBuffer(D, sparse, rows: 1, storedValues: 1);
        buffer.Begin(Given.Length);
        for (int i = 0; i < Given.Length; i++)
        {
            builder.Add(Given[i].Label, Given[i].Indices, Given[i].Values);
            int slot = Given.Length - 1 - i; // slots in any order
            buffer.Put(slot, Given[i].Label, Given[i].Indices, Given[i].Values);
        }
        RowBlock built = builder.Build().Rows(), held = buffer.View();
        for (int i = 0; i < Given.Length; i++)
        {
            var (label, expected) = Plain(Given[i]);
            Assert.AreEqual(label, built.Labels[i]);
            Assert.AreEqual(label, held.Labels[Given.Length - 1 - i]);
            CollectionAssert.AreEqual(expected, Row(built, i, sparse), $"builder, row {i}");
            CollectionAssert.AreEqual(expected, Row(held, Given.Length - 1 - i, sparse), $"buffer, row {i}");
        }
    }

    // The row's d values, written out by hand.
    private static (float Label, float[] Values) Plain((float Label, int[] Indices, float[] Values) row)
    {
        var values = new float[D];
        if (row.Indices.Length == 0 && row.Values.Length == D)
            row.Values.CopyTo(values, 0);
        for (int k = 0; k < row.Indices.Length; k++)
            values[row.Indices[k]] = row.Values[k];
        return (row.Label, values);
    }

    // A stored row back as d values; CSR must hold no zero.
    private static float[] Row(RowBlock rows, int i, bool sparse)
    {
        if (!sparse)
            return rows.DenseFeatures.Slice(i * D, D).ToArray();
        var values = new float[D];
        for (int k = rows.RowStarts[i]; k < rows.RowEnds[i]; k++)
        {
            Assert.AreNotEqual(0f, rows.Values[k], "CSR storage keeps nonzeros only");
            values[rows.Indices[k]] = rows.Values[k];
        }
        return values;
    }
}
