// 03 — Matrix product vs element-wise product: m1.matmul(m2) and m1 * m2 (or m1.mul(m2)) differ.
#r "nuget: System.Numerics.Tensors, 11.0.0"
#load "lib/show.csx"
using System.Numerics.Tensors;

// System.Numerics.Tensors 11.0.0 has no matrix product, so build it from row · column dot products.
static Tensor<float> MatMul(Tensor<float> a, Tensor<float> b)
{
    int n = (int)a.Lengths[0], k = (int)a.Lengths[1], m = (int)b.Lengths[1];
    if (b.Lengths[0] != k)
        throw new ArgumentException($"Cannot multiply [{n}, {k}] by [{b.Lengths[0]}, {m}]: the inner lengths differ.");
    var product = new float[n * m];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            product[i * m + j] = Tensor.Dot<float>(Tensor.SqueezeDimension(a[i..(i + 1), ..], 0), Tensor.SqueezeDimension(b[.., j..(j + 1)], 1));
    return Tensor.Create(product, [n, m]);
}

// m1 = torch.FloatTensor([[1, 2], [3, 4]]); m2 = torch.FloatTensor([[1], [2]])
Tensor<float> m1 = Tensor.Create([1f, 2f, 3f, 4f], [2, 2]);
Tensor<float> m2 = Tensor.Create([1f, 2f], [2, 1]);
Console.WriteLine($"shape of m1: {Shape(m1)}, shape of m2: {Shape(m2)}");

// Matrix product: [2, 2] x [2, 1] -> [2, 1]; row i of m1 dotted with the column of m2.
Tensor<float> matmul = MatMul(m1, m2);
Console.WriteLine($"m1.matmul(m2) = {Show(matmul)}   shape {Shape(matmul)}");

// Element-wise product: m2 is broadcast to [[1, 1], [2, 2]] first.
Tensor<float> mul = Tensor.Multiply<float>(m1, m2);
Console.WriteLine($"m1 * m2       = {Show(mul)}   shape {Shape(mul)}");
