// 04 — Linear regression the PyTorch way: hours studied -> exam score, y = W x + b, trained by hand with SGD.
// The PyTorch tutorial's loop, line by line, with the MlNetGd core (LinearModel, MseLoss, Sgd).
#r "nuget: MlNetGd.Trainers, 0.1.0"
using System.Globalization;
using MlNetGd.Trainers.Core;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;   // print 0.123, not 0,123, everywhere

// x_train = torch.FloatTensor([[1], [2], [3]]); y_train = torch.FloatTensor([[2], [4], [6]])
var data = DenseDataset.FromRows([[1f], [2f], [3f]], [2f, 4f, 6f]);

// W = torch.zeros(1, requires_grad=True); b = torch.zeros(1, requires_grad=True)
// Parameters holds [W, b] in one vector, as optim.SGD([W, b]) sees them.
var model = new LinearModel(featureCount: 1);
var gradient = new float[model.Parameters.Length];

// optimizer = optim.SGD([W, b], lr=0.01)
var optimizer = new Sgd(learningRate: 0.01f);

int epochs = 1999;
for (int epoch = 0; epoch <= epochs; epoch++)
{
    // hypothesis = x_train * W + b; cost = torch.mean((hypothesis - y_train) ** 2); cost.backward()
    double cost = MseLoss.Gradient(model, data, gradient);

    // optimizer.step(): [W, b] -= lr * gradient
    optimizer.Step(model.Parameters, gradient);

    if (epoch % 100 == 0)
        Console.WriteLine($"Epoch {epoch,4}/{epochs} W: {model.Weights[0]:F3}, b: {model.Bias:F3} Cost: {cost:F6}");
}

// new_var = torch.FloatTensor([[4.0]]); pred_y = model(new_var)
float prediction = model.Predict([4f]);
Console.WriteLine($"Predicted score after 4 hours of study: {prediction:F4}");
