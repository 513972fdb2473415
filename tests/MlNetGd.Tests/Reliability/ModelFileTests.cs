using Microsoft.ML;
using Microsoft.ML.Data;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary><see cref="ModelFiles"/>: a truncated or corrupted model.zip is a clear error naming the file; saves are atomic.</summary>
[TestClass]
public sealed class ModelFileTests
{
    private string NewDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnetgd-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static (MLContext Ml, ITransformer Model, IDataView Data) Trained()
    {
        var ml = new MLContext(1);
        var data = LinearView(ml, 100, 3);
        return (ml, Trainer().Fit(data), data);
    }

    private static float[] Scores(MLContext ml, ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<float>("Score").ToArray();

    [TestMethod]
    public void SaveThenLoadGivesIdenticalScoresAndLeavesNoTemporaryFile()
    {
        string directory = NewDirectory();
        try
        {
            var (ml, model, data) = Trained();
            string path = Path.Combine(directory, "model.zip");
            ModelFiles.Save(ml, model, data.Schema, path);
            var loaded = ModelFiles.Load(new MLContext(), path, out var schema);

            Assert.IsNotNull(schema.GetColumnOrNull("Features"));
            CollectionAssert.AreEqual(Bits(Scores(ml, model, data)), Bits(Scores(ml, loaded, data)));
            CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(directory).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    [DataRow(0.5)]
    [DataRow(0.9)]
    [DataRow(0.0)]
    public void TruncatedModelIsAnInvalidDataExceptionNamingTheFile(double keptFraction)
    {
        string directory = NewDirectory();
        try
        {
            var (ml, model, data) = Trained();
            string path = Path.Combine(directory, "model.zip");
            ModelFiles.Save(ml, model, data.Schema, path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keptFraction)]);

            var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelFiles.Load(new MLContext(), path));
            AssertMessageContains(e, path, "truncated, corrupted or not an ML.NET model");
            Assert.IsNotNull(e.InnerException);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void CorruptedModelIsAnInvalidDataExceptionNamingTheFile()
    {
        string directory = NewDirectory();
        try
        {
            var (ml, model, data) = Trained();
            string path = Path.Combine(directory, "model.zip");
            ModelFiles.Save(ml, model, data.Schema, path);
            var bytes = File.ReadAllBytes(path);
            var rng = new Random(3);
            for (int i = 0; i < bytes.Length; i += 7)
                bytes[i] = (byte)rng.Next(256); // scribble over the whole file, including the zip directory
            File.WriteAllBytes(path, bytes);

            var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelFiles.Load(new MLContext(), path));
            AssertMessageContains(e, path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("garble")]
    [DataRow("truncate")]
    [DataRow("delete")]
    public void ValidZipWithCorruptedModelEntriesIsAnInvalidDataExceptionNamingTheFile(string damage)
    {
        string directory = NewDirectory();
        try
        {
            var (ml, model, data) = Trained();
            string path = Path.Combine(directory, "model.zip");
            ModelFiles.Save(ml, model, data.Schema, path);
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            {
                // Damage every entry of the model (the zip directory itself stays valid).
                foreach (var entry in zip.Entries.Where(e => e.Length > 0).ToArray())
                {
                    byte[] content;
                    using (var read = entry.Open())
                    using (var copy = new MemoryStream())
                    {
                        read.CopyTo(copy);
                        content = copy.ToArray();
                    }
                    string name = entry.FullName;
                    entry.Delete();
                    if (damage == "delete")
                        continue;
                    byte[] damaged = damage == "truncate" ? content[..(content.Length / 2)] : content.Select((b, i) => (byte)(b ^ (i * 31 + 7))).ToArray();
                    using var write = zip.CreateEntry(name).Open();
                    write.Write(damaged);
                }
            }

            var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelFiles.Load(new MLContext(), path));
            AssertMessageContains(e, path);
            Assert.IsNotNull(e.InnerException);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void NonModelFileIsAnInvalidDataExceptionNamingTheFile()
    {
        string directory = NewDirectory();
        try
        {
            string path = Path.Combine(directory, "data.csv");
            File.WriteAllText(path, "x,y\n1,2\n");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => ModelFiles.Load(new MLContext(), path));
            AssertMessageContains(e, path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void MissingModelFileIsAFileNotFoundExceptionNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnetgd-tests", Guid.NewGuid().ToString("N"), "model.zip");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ModelFiles.Load(new MLContext(), path));
        Assert.AreEqual(path, e.FileName);
        AssertMessageContains(e, path);
    }

    [TestMethod]
    public void SaveIntoAMissingDirectoryNamesIt()
    {
        var (ml, model, data) = Trained();
        string missing = Path.Combine(Path.GetTempPath(), "mlnetgd-tests", Guid.NewGuid().ToString("N"));
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => ModelFiles.Save(ml, model, data.Schema, Path.Combine(missing, "model.zip")));
        AssertMessageContains(e, missing);
        Assert.IsFalse(Directory.Exists(missing));
    }

    /// <summary>A transformer ML.NET cannot save: <c>Model.Save</c> throws part-way, after the stream was opened.</summary>
    private sealed class UnsavableTransformer : ITransformer
    {
        public bool IsRowToRowMapper => true;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public void Save(ModelSaveContext ctx) => throw new NotSupportedException("This transformer cannot be saved.");

        public IDataView Transform(IDataView input) => input;
    }

    [TestMethod]
    public void FailedSaveLeavesThePreviousFileIntactAndNoTemporaryFile()
    {
        string directory = NewDirectory();
        try
        {
            var (ml, model, data) = Trained();
            string path = Path.Combine(directory, "model.zip");
            ModelFiles.Save(ml, model, data.Schema, path);
            var before = File.ReadAllBytes(path);

            Assert.Throws<Exception>(() => ModelFiles.Save(ml, new UnsavableTransformer(), data.Schema, path));

            CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
            CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(directory).Select(Path.GetFileName).ToArray());
            CollectionAssert.AreEqual(Bits(Scores(ml, model, data)), Bits(Scores(ml, ModelFiles.Load(new MLContext(), path), data)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void ArgumentsAreChecked()
    {
        var ml = new MLContext();
        Assert.ThrowsExactly<ArgumentNullException>(() => ModelFiles.Load(null!, "model.zip"));
        Assert.ThrowsExactly<ArgumentException>(() => ModelFiles.Load(ml, " "));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ModelFiles.Load(ml, Path.GetTempPath()));
        AssertMessageContains(e, "directory");
    }
}
