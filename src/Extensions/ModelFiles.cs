using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.IO;

namespace MlNetGd;

/// <summary>Saves and loads ML.NET model files safely: writes are atomic, and an unreadable file is a clear error naming it.</summary>
/// <remarks>
/// <para><c>ml.Model.Load</c> reports a truncated or corrupted model.zip with whatever low-level exception the zip reader or a
/// model loader happens to throw (<c>InvalidDataException</c>, <c>FormatException</c>, <c>InvalidOperationException</c>, …), without the
/// file name. <see cref="Load(MLContext, string, out DataViewSchema)"/> turns every such failure into one
/// <see cref="InvalidDataException"/> that names the file and keeps the original as its inner exception.</para>
/// <para><see cref="Save"/> writes through <see cref="AtomicFile"/>: to a temporary file in the target's directory, renamed over the target
/// only once the model is complete, so an interrupted or failed save leaves the previous file (or none), never half a model.</para>
/// </remarks>
public static class ModelFiles
{
    /// <summary>Loads a model saved by <c>ml.Model.Save</c> (or <see cref="Save"/>).</summary>
    /// <param name="mlContext">The context to load into.</param>
    /// <param name="path">The model file.</param>
    /// <param name="inputSchema">Receives the schema of the data the model was trained on.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    /// <exception cref="InvalidDataException">The file is not a readable ML.NET model: truncated, corrupted or another kind of file.
    /// The message names the file; <see cref="Exception.InnerException"/> holds ML.NET's own error.</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
            throw new ArgumentException($"'{path}' is a directory; a model file (model.zip) is needed.", nameof(path));
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        try
        {
            return mlContext.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or UnauthorizedAccessException
                                              or FileNotFoundException or DirectoryNotFoundException)
                                  && e.GetType() != typeof(IOException)) // a plain IOException (e.g. the file is locked) names the file itself
        {
            throw new InvalidDataException(
                $"The model file '{path}' could not be read: it is truncated, corrupted or not an ML.NET model ({e.GetType().Name}: {e.Message}). " +
                "Save the model again.", e);
        }
    }

    /// <summary>Loads a model saved by <c>ml.Model.Save</c> (or <see cref="Save"/>), discarding its input schema.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable ML.NET model; the message names it.</exception>
    public static ITransformer Load(MLContext mlContext, string path) => Load(mlContext, path, out _);

    /// <summary>Loads a model and checks that it predicts a regression score: its last step is a regression predictor
    /// (<see cref="RegressionPredictionTransformer{TModel}"/>), as in models saved by <c>mlnetgd train</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable ML.NET model, or it ends in something other than a
    /// regression predictor (a classifier, a ranker, a clustering model, or only data transforms); the message names the file and what it ends in.</exception>
    public static ITransformer LoadRegression(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        var model = Load(mlContext, path, out inputSchema);
        var last = LastStep(model);
        if (last is null || !IsGeneric(last.GetType(), typeof(RegressionPredictionTransformer<>)))
            throw new InvalidDataException($"The model file '{path}' does not predict a regression score: it ends in {Describe(last)}. " +
                "Give a regression model, such as one saved by 'mlnetgd train'.");
        return model;
    }

    /// <summary>The last step of a model, looking inside nested chains; <see langword="null"/> for an empty chain.</summary>
    private static ITransformer? LastStep(ITransformer model)
    {
        while (model is IEnumerable<ITransformer> chain)
        {
            var last = chain.LastOrDefault();
            if (last is null)
                return null;
            model = last;
        }
        return model;
    }

    private static string Describe(ITransformer? last)
    {
        if (last is null)
            return "nothing (an empty chain of transforms)";
        var type = last.GetType();
        string kind = type.IsGenericType ? type.GetGenericTypeDefinition().Name switch
        {
            "BinaryPredictionTransformer`1" => "a binary-classification predictor",
            "MulticlassPredictionTransformer`1" => "a multiclass-classification predictor",
            "RankingPredictionTransformer`1" => "a ranking predictor",
            "ClusteringPredictionTransformer`1" => "a clustering predictor",
            "AnomalyPredictionTransformer`1" => "an anomaly-detection predictor",
            _ => "a step that is not a regression predictor",
        } : last is ISingleFeaturePredictionTransformer<object> ? "a predictor that is not a regression predictor" : "a data transform, with no predictor after it";
        return $"{Name(type)} ({kind})";
    }

    private static string Name(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>" : type.Name;

    private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    /// <summary>Saves a model atomically: to a temporary file beside <paramref name="path"/>, then renamed over it.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="model">The model.</param>
    /// <param name="inputSchema">The schema of the data the model takes (usually the training data's).</param>
    /// <param name="path">The model file to write or replace.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist (the message names it).</exception>
    /// <remarks>If saving fails, the temporary file is deleted and an existing file at <paramref name="path"/> is left unchanged.</remarks>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // AtomicFile.Write refuses a directory, or a directory that is missing, naming the path: the one check of an output path.
        AtomicFile.Write(path, stream => mlContext.Model.Save(model, inputSchema, stream));
    }
}
