// pytorch_intro.ipynb in C++, cell by cell: the first page of PyTorch's
// "Deep Learning for NLP" series. Tensors made from lists, indexed, drawn at
// random, added, concatenated and reshaped; then the computation graph:
// grad_fn, backward() and .grad, requires_grad_(), detach() and no_grad.
//
// Each cell is a member function between "// %% In [n]" and "// %% end"
// markers (the walk-through README is generated from them). Notebook
// variables are members, named as in Python.
#include <ATen/ATen.h>
#include <torch/csrc/autograd/generated/variable_factories.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cstdint>
#include <vector>

#include "lesson/param.hpp"
#include "lesson/program.hpp"
#include "pyrepr/pyrepr.hpp"

namespace {

using torch::Tensor;

class PytorchIntro : public lesson::Notebook {
 public:
  std::vector<lesson::Cell> cells() override {
    return {
        {[this] { return cell1(); }},  {[this] { return cell2(); }},  {[this] { return cell3(); }},
        {[this] { return cell4(); }},  {[this] { return cell5(); }},  {[this] { return cell6(); }},
        {[this] { return cell7(); }},  {[this] { return cell8(); }},  {[this] { return cell9(); }},
        {[this] { return cell10(); }}, {[this] { return cell11(); }}, {[this] { return cell12(); }},
    };
  }

 private:
  lesson::Shown cell1() {
    // %% In [1]
    // import torch: #include <ATen/ATen.h> (top of file)
    // SEED: declared once, as a member (the flag --seed)
    torch::manual_seed(SEED);
    return {};
    // %% end
  }

  lesson::Shown cell2() {
    // %% In [2]
    // A nested Python list is a nested initializer list. torch::tensor makes
    // floating-point values the default dtype, float32, as Python does.
    vector = torch::tensor({1., 2., 3.});  // 一维 (1-D)
    print(vector);
    matrix = torch::tensor({{1., 2., 3.}, {4., 5., 6.}});  // 二维 (2-D)
    print(matrix);
    cube = torch::tensor({{{1., 2.}, {3., 4.}},    //
                          {{5., 6.}, {7., 8.}}});  // 三维 (3-D)
    print(cube);
    return {};
    // %% end
  }

  lesson::Shown cell3() {
    // %% In [3]
    print(vector[0]);  // 标量 (a scalar)
    print(matrix[0]);  // 第一行 (the first row)
    print(cube[0]);    // 第一个矩阵 (the first matrix)
    return {};
    // %% end
  }

  lesson::Shown cell4() {
    // %% In [4]
    noise = torch::randn({3, 4, 5});
    print(noise);
    return {};
    // %% end
  }

  lesson::Shown cell5() {
    // %% In [5]
    a = torch::tensor({1., 2., 3.});
    b = torch::tensor({4., 5., 6.});
    print(a + b);
    return {};
    // %% end
  }

  lesson::Shown cell6() {
    // %% In [6]
    // 按行拼接：2 行和 3 行得到 5 行 (rows: 2 and 3 make 5)
    top = torch::randn({2, 5});
    bottom = torch::randn({3, 5});
    print(torch::cat({top, bottom}));

    // 按列拼接：3 列和 5 列得到 8 列 (columns: 3 and 5 make 8)
    left = torch::randn({2, 3});
    right = torch::randn({2, 5});
    print(torch::cat({left, right}, 1));
    return {};
    // %% end
  }

  lesson::Shown cell7() {
    // %% In [7]
    batch = torch::randn({2, 3, 4});
    print(batch);
    print(batch.view({2, 12}));  // 2 行 12 列 (2 rows of 12)
    print(batch.view({2, -1}));  // 同上，12 由其余维推出 (the same: 12 is inferred)
    return {};
    // %% end
  }

  lesson::Shown cell8() {
    // %% In [8]
    p = torch::tensor({1., 2., 3.}, torch::requires_grad());
    q = torch::tensor({4., 5., 6.}, torch::requires_grad());
    r = p + q;
    print(r);            // grad_fn=<AddBackward0>
    print(r.grad_fn());  // 产生 r 的运算 (the operation that made r)
    return {};
    // %% end
  }

  lesson::Shown cell9() {
    // %% In [9]
    total = r.sum();
    print(total);
    print(total.grad_fn());
    return {};
    // %% end
  }

  lesson::Shown cell10() {
    // %% In [10]
    // total = p0 + q0 + p1 + q1 + p2 + q2，所以对 p 的每个分量的导数都是 1
    // (total is the sum of every p_i and q_i, so its derivative by each p_i is 1)
    total.backward();
    print(p.grad());
    return {};
    // %% end
  }

  lesson::Shown cell11() {
    // %% In [11]
    u = torch::randn({2, 2});
    w = torch::randn({2, 2});
    print(u.requires_grad(), w.requires_grad());  // 默认不记录 (off by default)
    print((u + w).grad_fn());                     // 没有历史 (no history: None)

    u = u.requires_grad_();
    w = w.requires_grad_();
    sum_uw = u + w;
    print(sum_uw.grad_fn());  // 现在有了 (now there is one)
    print(sum_uw.requires_grad());

    detached = sum_uw.detach();  // 同样的数据，没有历史 (same data, no history)
    print(detached.grad_fn());
    return {};
    // %% end
  }

  lesson::Shown cell12() {
    // %% In [12]
    print(u.requires_grad());
    print(u.pow(2).requires_grad());
    {
      torch::NoGradGuard no_grad;  // with torch.no_grad(): 块内不记录 (nothing recorded inside)
      print(u.pow(2).requires_grad());
    }
    return {};
    // %% end
  }

  // Parameters (the first code cell).
  lesson::Seed SEED{this, 1};

  // The notebook's variables.
  Tensor vector, matrix, cube, noise, a, b, top, bottom, left, right, batch;
  Tensor p, q, r, total, u, w, sum_uw, detached;
};

}  // namespace

int lesson_main(int argc, char** argv, const char* /*scenario*/) {
  lesson::Program program("demo_pytorch_intro",
                          "Tensors and autograd, the first page of PyTorch's NLP series, printed "
                          "as its Python prints it.");
  PytorchIntro notebook;
  if (int rc = program.parse(argc, argv, notebook); rc >= 0) return rc;
  return program.run(notebook);
}
