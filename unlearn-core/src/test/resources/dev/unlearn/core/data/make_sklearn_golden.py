"""Writes sklearn-splits.txt, the golden train/test row indices that SplitsTest compares with.

Made with Debian bookworm's python3-sklearn 1.2.1 and numpy 1.24.2 (the versions the peer
benchmarks in shared/peers use):  /usr/bin/python3 make_sklearn_golden.py > sklearn-splits.txt

Each case is a block of lines: "case NAME", "stratified true|false", "testFraction F",
"seed S", "labels digits" or "labels y0 y1 ...", "train i0 i1 ..." and "test j0 j1 ..."
(indices in the order sklearn returns them), then a blank line.
"""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def case(name, y, stratified, test_fraction, seed, labels_text=None):
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=test_fraction, random_state=seed,
                              stratify=y if stratified else None)
    print("case", name)
    print("stratified", "true" if stratified else "false")
    print("testFraction", repr(test_fraction))
    print("seed", seed)
    print("labels", labels_text if labels_text else " ".join(str(int(v)) for v in y))
    print("train", " ".join(str(int(v)) for v in tr))
    print("test", " ".join(str(int(v)) for v in te))
    print()


_, digits_y = load_digits(return_X_y=True)
case("digits-stratified-0.2-seed0", digits_y, True, 0.2, 0, "digits")
case("digits-stratified-0.2-seed4000000000", digits_y, True, 0.2, 4000000000, "digits")
case("digits-random-0.2-seed0", digits_y, False, 0.2, 0, "digits")
ties = np.repeat([0, 1, 2, 3, 4], [7, 7, 7, 4, 5])[np.random.RandomState(123).permutation(30)]
case("ties-stratified-0.25-seed7", ties, True, 0.25, 7)
small = np.random.RandomState(1).randint(0, 6, size=50)
case("small-stratified-0.3-seed12345", small, True, 0.3, 12345)
case("small-random-0.3-seed12345", small, False, 0.3, 12345)
