#!/usr/bin/python3
"""Baseline for `npm run eval:interference`: scikit-learn's HistGradientBoostingRegressor on the
same co-location rows as our interference model.

Usage: /usr/bin/python3 bench/baselines/interference_baselines.py DATA_DIR
DATA_DIR holds train.csv, val.csv and test_<seed>.csv written by eval/interference.ts: a header of
feature names then `y`, one row per sample, values as JavaScript prints them (exact doubles).

Protocol, matching ours: squared error, depth 6 (at most 64 leaves), learning rate 0.05,
min_samples_leaf 10, l2 1.0, 255 bins, up to 800 iterations without internal early stopping; the
iteration count is the best validation RMSE over staged predictions on val.csv, and the model is
refitted with that many iterations (deterministic: no subsampling). The caller sets
OMP_NUM_THREADS (eval/interference.ts: 1, so fit and predict times compare with ours on one
thread). Prints one JSON object.
"""
import glob
import json
import os
import sys
import time

import numpy as np


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return header, data[:, :-1], data[:, -1]


def metrics(y, p):
    res = y - p
    ss_res = float(np.sum(res * res))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return {"r2": 1 - ss_res / ss_tot if ss_tot > 0 else 0.0, "mae": float(np.mean(np.abs(res))), "rmse": float(np.sqrt(np.mean(res * res)))}


def main(d):
    import sklearn
    from sklearn.ensemble import HistGradientBoostingRegressor

    _, Xtr, ytr = load(os.path.join(d, "train.csv"))
    _, Xva, yva = load(os.path.join(d, "val.csv"))
    params = dict(loss="squared_error", learning_rate=0.05, max_depth=6, max_leaf_nodes=None, min_samples_leaf=10, l2_regularization=1.0, max_bins=255, early_stopping=False, random_state=1)
    t0 = time.perf_counter()
    full = HistGradientBoostingRegressor(max_iter=800, **params).fit(Xtr, ytr)
    full_fit_s = time.perf_counter() - t0
    val_rmse = [float(np.sqrt(np.mean((yva - p) ** 2))) for p in full.staged_predict(Xva)]
    best = int(np.argmin(val_rmse)) + 1
    t0 = time.perf_counter()
    model = HistGradientBoostingRegressor(max_iter=best, **params).fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    tests = {}
    pooled_y, pooled_p = [], []
    for path in sorted(glob.glob(os.path.join(d, "test_*.csv"))):
        seed = os.path.basename(path)[len("test_") : -len(".csv")]
        _, Xte, yte = load(path)
        p = np.clip(model.predict(Xte), 0.0, 1.0)
        tests[seed] = metrics(yte, p)
        pooled_y.append(yte)
        pooled_p.append(p)
    # Prediction time: the first 20,000 test rows, median of 5 (all rows would take minutes).
    _, Xt, _ = load(sorted(glob.glob(os.path.join(d, "test_*.csv")))[0])
    Xt = Xt[:20000]
    model.predict(Xt[:1000])
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        model.predict(Xt)
        times.append(time.perf_counter() - t0)
    return {
        "library": "scikit-learn " + sklearn.__version__,
        "iterations": best,
        "full_fit_s": full_fit_s,
        "fit_s": fit_s,
        "predict_us_per_row": float(np.median(times)) / len(Xt) * 1e6,
        "predict_rows": int(len(Xt)),
        "tests": tests,
        "pooled": metrics(np.concatenate(pooled_y), np.concatenate(pooled_p)),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
