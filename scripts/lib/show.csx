// Shared helper, pulled in with #load: prints a tensor as nested lists, like PyTorch's tensor([[1., 2.], ...]).
#r "nuget: System.Numerics.Tensors, 11.0.0"
using System.Globalization;
using System.Numerics.Tensors;

/// <summary>Formats a tensor of any rank as nested lists: [[4, 5], [5, 6]].</summary>
static string Show(Tensor<float> tensor)
{
    float[] values = [.. tensor];                  // the elements in row-major order (slices included)
    nint[] lengths = tensor.Lengths.ToArray();
    int next = 0;
    string Format(int dimension) => dimension == lengths.Length
        ? values[next++].ToString(CultureInfo.InvariantCulture)
        : "[" + string.Join(", ", Enumerable.Range(0, (int)lengths[dimension]).Select(_ => Format(dimension + 1))) + "]";
    return Format(0);
}

/// <summary>Formats a tensor's shape: [4, 3].</summary>
static string Shape(Tensor<float> tensor) => "[" + string.Join(", ", tensor.Lengths.ToArray()) + "]";
