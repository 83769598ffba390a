"""The tagger lessons (pos_tagger, char_lstm_tagger) beyond their printed output
(their --dump: test_dump.py; bad flags: tests/robustness/robustness_table.py).

  test_taggers.py tutorial-page DEMO
      pos_tagger --tutorial prints the tag scores before and after training
      that PyTorch's tutorial page shows (quoted below); without --tutorial
      it does not (the lesson seeds the tagger on its own).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from checks import check, finish, run


# What https://pytorch.org/tutorials/beginner/nlp/sequence_models_tutorial.html
# prints under "Example: An LSTM for Part-of-Speech Tagging", seed 1, after
# the LSTM example above it: the scores before training, then after 300 epochs.
PAGE_BEFORE = """tensor([[-1.1389, -1.2024, -0.9693],
        [-1.1065, -1.2200, -0.9834],
        [-1.1286, -1.2093, -0.9726],
        [-1.1190, -1.1960, -0.9916],
        [-1.0137, -1.2642, -1.0366]])
"""
PAGE_AFTER = """tensor([[-0.0462, -4.0106, -3.6096],
        [-4.8205, -0.0286, -3.9045],
        [-3.7876, -4.1355, -0.0394],
        [-0.0185, -4.7874, -4.6013],
        [-5.7881, -0.0186, -4.1778]])
"""


def test_tutorial_page(demo):
    rc, out, err = run([demo, "--tutorial"])
    check("--tutorial: the program runs", rc == 0 and err == "", err)
    before = out.find(PAGE_BEFORE)
    after = out.find(PAGE_AFTER)
    check("--tutorial: the page's scores before training", before >= 0, out)
    check("--tutorial: the page's scores after training, printed after those before",
          after > before >= 0, out)
    rc, out, err = run([demo])
    check("default: other numbers than the page (the tagger seeded on its own)",
          rc == 0 and PAGE_BEFORE not in out and PAGE_AFTER not in out, out)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "tutorial-page":
        test_tutorial_page(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return finish()


if __name__ == "__main__":
    sys.exit(main())
