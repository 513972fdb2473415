// 02 — Broadcasting: tensors of different shapes are stretched to a common shape before element-wise operations.
// Needs System.Numerics.Tensors 11.0.0 or later (10.x broadcast [1,2] + [2,1] wrongly).
#r "nuget: System.Numerics.Tensors, 11.0.0"
#load "lib/show.csx"
using System.Numerics.Tensors;

// m1 = torch.FloatTensor([[1, 2]]); m2 = torch.FloatTensor([[3], [4]])   (shapes [1, 2] and [2, 1])
Tensor<float> m1 = Tensor.Create([1f, 2f], [1, 2]);
Tensor<float> m2 = Tensor.Create([3f, 4f], [2, 1]);
// Both become [2, 2]: [[1, 2], [1, 2]] + [[3, 3], [4, 4]].
Tensor<float> sum = Tensor.Add<float>(m1, m2);
Console.WriteLine($"{Show(m1)} + {Show(m2)} = {Show(sum)}   shape {Shape(sum)}");

// m2 = torch.FloatTensor([3]): a vector [3] is stretched to [[3, 3]].
Tensor<float> three = Tensor.Create([3f]);
Tensor<float> sumWithVector = Tensor.Add<float>(m1, three);
Console.WriteLine($"{Show(m1)} + {Show(three)} = {Show(sumWithVector)}   shape {Shape(sumWithVector)}");
