using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd;

/// <summary>Adds <c>ml.Regression.Trainers.GradientDescent(...)</c> beside ML.NET's built-in regression trainers.</summary>
public static class RegressionCatalogExtensions
{
    /// <summary>Creates a minibatch gradient-descent linear regression trainer.</summary>
    /// <param name="catalog">The regression trainer catalog.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="learningRate">The learning rate, or <see langword="null"/> (default) to choose it from the curvature of the data.</param>
    /// <param name="batchSize">Rows per minibatch; 1 is pure SGD, the row count or more is full batch.</param>
    /// <param name="numberOfEpochs">The maximum number of passes over the data.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; <c>ParamName</c> names the option.</exception>
    public static GradientDescentRegressionTrainer GradientDescent(
        this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = GradientDescentRegressionTrainer.Options.DefaultLabelColumnName,
        string featureColumnName = GradientDescentRegressionTrainer.Options.DefaultFeatureColumnName,
        float? learningRate = null,
        int batchSize = GradientDescentSettings.DefaultBatchSize,
        int numberOfEpochs = GradientDescentSettings.DefaultNumberOfEpochs)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            LearningRate = learningRate,
            BatchSize = batchSize,
            NumberOfEpochs = numberOfEpochs,
        });
    }

    /// <summary>Creates a minibatch gradient-descent linear regression trainer from full options.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <c>ParamName</c> names it.</exception>
    public static GradientDescentRegressionTrainer GradientDescent(
        this RegressionCatalog.RegressionTrainers catalog, GradientDescentRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new GradientDescentRegressionTrainer(options);
    }
}
