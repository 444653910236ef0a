"""IsolationForest baseline for bench/quality.ts (scikit-learn, run with the bench venv).

usage: isolation_forest.py TRAIN.f32 TEST.f32 DIM OUT.f32
Reads row-major float32 feature matrices (the same features threatlab's models see),
fits on the training rows, writes one anomaly score per test row (higher = more
anomalous: the negated score_samples), float32. Prints the fit/score seconds as JSON.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest


def main() -> None:
    train_path, test_path, dim, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    train = np.nan_to_num(np.fromfile(train_path, dtype=np.float32).reshape(-1, dim), nan=0.0, posinf=1e6, neginf=-1e6)
    test = np.nan_to_num(np.fromfile(test_path, dtype=np.float32).reshape(-1, dim), nan=0.0, posinf=1e6, neginf=-1e6)
    t0 = time.time()
    forest = IsolationForest(n_estimators=200, max_samples=256, random_state=0, n_jobs=1).fit(train)
    t1 = time.time()
    scores = (-forest.score_samples(test)).astype(np.float32)
    train_scores = (-forest.score_samples(train)).astype(np.float32)
    t2 = time.time()
    scores.tofile(out_path)
    train_scores.tofile(out_path + ".train")
    print(json.dumps({"fitSeconds": round(t1 - t0, 3), "scoreSeconds": round(t2 - t1, 3), "trainRows": int(train.shape[0]), "testRows": int(test.shape[0])}))


if __name__ == "__main__":
    main()
