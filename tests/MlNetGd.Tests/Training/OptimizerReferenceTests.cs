using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>Each optimizer against the update rule of PyTorch's documentation, written out here in double for a few steps.</summary>
[TestClass]
public sealed class OptimizerReferenceTests
{
    private static readonly float[] Start = [0.5f, -1.5f, 2f, 0.25f]; // last entry is the bias
    private static readonly float[][] Gradients =
    [
        [0.3f, -0.2f, 1.0f, 0.5f],
        [-0.1f, 0.4f, 0.2f, -0.3f],
        [0.05f, 0.1f, -0.6f, 0.2f],
        [0.2f, -0.3f, 0.1f, 0.1f],
    ];

    [TestMethod]
    [DataRow(0f, 0f, false, 0f)]
    [DataRow(0.9f, 0f, false, 0f)]
    [DataRow(0.9f, 0.3f, false, 0f)]
    [DataRow(0.8f, 0f, true, 0f)]
    [DataRow(0.9f, 0f, false, 0.1f)]
    [DataRow(0.7f, 0f, true, 0.2f)]
    public void MomentumSgdFollowsTorchOptimSgd(float momentum, float dampening, bool nesterov, float weightDecay)
    {
        const double lr = 0.1;
        var optimizer = new MomentumSgd((float)lr, momentum, dampening, nesterov, weightDecay);
        float[] parameters = (float[])Start.Clone();
        double[] theta = Array.ConvertAll(Start, v => (double)v);
        var buffer = new double[theta.Length];
        for (int t = 1; t <= Gradients.Length; t++)
        {
            optimizer.Step(parameters, Gradients[t - 1]);
            for (int j = 0; j < theta.Length; j++)
            {
                double g = Gradients[t - 1][j];
                if (weightDecay != 0 && j != theta.Length - 1)
                    g += weightDecay * theta[j];
                if (momentum != 0)
                {
                    buffer[j] = t == 1 ? g : momentum * buffer[j] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buffer[j] : buffer[j];
                }
                theta[j] -= lr * g;
            }
            AssertClose(theta, parameters, $"step {t}");
        }
    }

    [TestMethod]
    [DataRow(0f, false)]
    [DataRow(0.1f, false)]
    [DataRow(0.1f, true)]
    public void AdamFollowsTorchOptimAdamAndAdamW(float weightDecay, bool decoupled)
    {
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var optimizer = new Adam((float)lr, weightDecay: weightDecay, decoupledWeightDecay: decoupled);
        float[] parameters = (float[])Start.Clone();
        double[] theta = Array.ConvertAll(Start, v => (double)v);
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        for (int t = 1; t <= Gradients.Length; t++)
        {
            optimizer.Step(parameters, Gradients[t - 1]);
            for (int j = 0; j < theta.Length; j++)
            {
                double g = Gradients[t - 1][j];
                bool decays = weightDecay != 0 && j != theta.Length - 1;
                if (decays && decoupled)
                    theta[j] -= lr * weightDecay * theta[j];
                else if (decays)
                    g += weightDecay * theta[j];
                m[j] = beta1 * m[j] + (1 - beta1) * g;
                v[j] = beta2 * v[j] + (1 - beta2) * g * g;
                double mHat = m[j] / (1 - Math.Pow(beta1, t));
                double vHat = v[j] / (1 - Math.Pow(beta2, t));
                theta[j] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            AssertClose(theta, parameters, $"step {t}");
        }
    }

    [TestMethod]
    public void FirstAdamStepMovesEveryParameterByTheLearningRate()
    {
        // Hand computation: at t = 1, m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g).
        var optimizer = new Adam(0.01f);
        float[] parameters = [1f, 1f, 1f];
        optimizer.Step(parameters, [3f, -0.002f, 50f]);
        CollectionAssert.AreEqual(new[] { 0.99f, 1.01f, 0.99f }, parameters, new Tolerance(1e-6f));
    }

    [TestMethod]
    public void WeightDecayNeverTouchesTheBias()
    {
        foreach (IOptimizer optimizer in new IOptimizer[]
                 { new MomentumSgd(0.1f, weightDecay: 1f), new Adam(0.1f, weightDecay: 1f), new Adam(0.1f, weightDecay: 1f, decoupledWeightDecay: true) })
        {
            float[] parameters = [2f, 2f];
            optimizer.Step(parameters, [0f, 0f]);
            Assert.AreEqual(2f, parameters[1], $"{optimizer.GetType().Name}: the bias must not decay");
            Assert.IsTrue(parameters[0] < 2f, $"{optimizer.GetType().Name}: the weight must decay");
        }
    }

    [TestMethod]
    public void ResetForgetsTheStateSoTheSequenceRepeats()
    {
        foreach (IOptimizer optimizer in new IOptimizer[] { new MomentumSgd(0.1f, 0.9f, nesterov: true), new Adam(0.1f) })
        {
            float[] first = (float[])Start.Clone(), second = (float[])Start.Clone();
            foreach (var g in Gradients)
                optimizer.Step(first, g);
            optimizer.Reset(Start.Length);
            foreach (var g in Gradients)
                optimizer.Step(second, g);
            CollectionAssert.AreEqual(first, second, optimizer.GetType().Name);
        }
    }

    [TestMethod]
    public void StepAllocatesNothing()
    {
        var gradient = new float[65];
        var parameters = new float[65];
        gradient.AsSpan().Fill(0.01f);
        foreach (IOptimizer optimizer in new IOptimizer[]
                 { new Sgd(0.1f), new MomentumSgd(0.1f, 0.9f, weightDecay: 0.1f), new MomentumSgd(0.1f, 0.9f, nesterov: true), new Adam(0.1f), new Adam(0.1f, weightDecay: 0.1f, decoupledWeightDecay: true) })
        {
            optimizer.Reset(parameters.Length);
            optimizer.Step(parameters, gradient);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
                optimizer.Step(parameters, gradient);
            Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before, optimizer.GetType().Name);
        }
    }

    [TestMethod]
    [DataRow("momentum", -0.1f)]
    [DataRow("momentum", 1f)]
    [DataRow("dampening", 1.5f)]
    [DataRow("weightDecay", -1f)]
    public void MomentumSgdRejectsOutOfRangeArguments(string name, float value)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = name switch
        {
            "momentum" => new MomentumSgd(0.1f, momentum: value),
            "dampening" => new MomentumSgd(0.1f, 0.9f, dampening: value),
            _ => new MomentumSgd(0.1f, weightDecay: value),
        });
        Assert.AreEqual(name, ex.ParamName);
    }

    [TestMethod]
    [DataRow("beta1", 1f)]
    [DataRow("beta2", -0.5f)]
    [DataRow("epsilon", 0f)]
    [DataRow("weightDecay", float.NaN)]
    public void AdamRejectsOutOfRangeArguments(string name, float value)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = name switch
        {
            "beta1" => new Adam(0.1f, beta1: value),
            "beta2" => new Adam(0.1f, beta2: value),
            "epsilon" => new Adam(0.1f, epsilon: value),
            _ => new Adam(0.1f, weightDecay: value),
        });
        Assert.AreEqual(name, ex.ParamName);
    }

    [TestMethod]
    public void NesterovWithoutMomentumIsRejected() =>
        Assert.ThrowsExactly<ArgumentException>(() => new MomentumSgd(0.1f, momentum: 0, nesterov: true));

    private static void AssertClose(double[] expected, float[] actual, string message)
    {
        for (int j = 0; j < expected.Length; j++)
            Assert.AreEqual(expected[j], actual[j], 1e-5 * Math.Max(1, Math.Abs(expected[j])), $"{message}, parameter {j}");
    }

    private sealed class Tolerance(float tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= tolerance ? 0 : 1;
    }
}
