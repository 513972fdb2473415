// 01 — Tensors: the tutorial's first steps with torch.FloatTensor, done with System.Numerics.Tensors 11.0.0.
// Run: mlnetgd script scripts/01-tensors.csx   (or: dotnet script scripts/01-tensors.csx)
#r "nuget: System.Numerics.Tensors, 11.0.0"
#load "lib/show.csx"
using System.Numerics.Tensors;

// t = torch.FloatTensor([0., 1., 2., 3., 4., 5., 6.])
Tensor<float> t = Tensor.Create([0f, 1f, 2f, 3f, 4f, 5f, 6f]);
Console.WriteLine($"t = {Show(t)}");
Console.WriteLine($"rank  (t.dim())  = {t.Rank}");
Console.WriteLine($"shape (t.shape)  = {Shape(t)}");
Console.WriteLine($"t[0] = {t[0]}, t[^1] = {t[^1]}");       // t[0], t[-1]
Console.WriteLine($"t[2..5]  = {Show(t[2..5])}");             // t[2:5]
Console.WriteLine($"t[4..^1] = {Show(t[4..^1])}");            // t[4:-1]

// t = torch.FloatTensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.], [10., 11., 12.]])
Tensor<float> m = Tensor.Create([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f], [4, 3]);
Console.WriteLine();
Console.WriteLine($"m = {Show(m)}");
Console.WriteLine($"rank  (m.dim())  = {m.Rank}");
Console.WriteLine($"shape (m.shape)  = {Shape(m)}");

// m[:, 1]: take column 1 as a 4x1 slice, then drop the length-1 dimension to get shape [4].
Tensor<float> column = Tensor.SqueezeDimension(m[.., 1..2], 1);
Console.WriteLine($"m[:, 1] = {Show(column)}, shape {Shape(column)}");
