#!/usr/bin/python3
"""Baselines for `npm run bench:ml`: the same task on the same files with XGBoost / scikit-learn.

Usage: /usr/bin/python3 bench/baselines/ml_baselines.py TASK DATA_DIR
Prints one JSON object: timings in seconds, quality metrics, peak RSS, library versions.
Reads X.f32 (rows x cols, float32, row-major), y.f32 and meta.json written by bench/ml/datasets.ts.
"""
import json
import os
import resource
import sys
import time

import numpy as np


def load(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    X = np.fromfile(os.path.join(d, "X.f32"), dtype="<f4").reshape(meta["rows"], meta["cols"])
    y = np.fromfile(os.path.join(d, "y.f32"), dtype="<f4")
    t = meta["trainRows"]
    return meta, X[:t], y[:t], X[t:], y[t:], X, y


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def gbdt(d, rounds=200):
    import xgboost as xgb
    from sklearn.metrics import roc_auc_score, accuracy_score

    meta, Xtr, ytr, Xte, yte, _, _ = load(d)
    model = xgb.XGBClassifier(tree_method="hist", n_estimators=rounds, max_depth=6, max_bin=256, learning_rate=0.1, nthread=2, random_state=1)
    t0 = time.perf_counter()
    model.fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    booster = model.get_booster()
    batch = Xte[:50000] if len(Xte) >= 50000 else np.tile(Xte, (50000 // len(Xte) + 1, 1))[:50000]
    booster.inplace_predict(batch[:100])
    batch_times = []
    for _ in range(5):  # median of 5, as our side measures it
        t0 = time.perf_counter()
        booster.inplace_predict(batch)
        batch_times.append(time.perf_counter() - t0)
    batch_s = float(np.median(batch_times))
    # Single-row latency through the fastest public path (inplace_predict on one row).
    lat = []
    for i in range(2000):
        row = Xte[i : i + 1]
        t = time.perf_counter()
        booster.inplace_predict(row)
        lat.append(time.perf_counter() - t)
    p = model.predict_proba(Xte)[:, 1]
    return {
        "library": "xgboost " + xgb.__version__,
        "fit_s": fit_s,
        "batch50k_s": batch_s,
        "row_p99_us": float(np.percentile(lat, 99) * 1e6),
        "auc": float(roc_auc_score(yte, p)),
        "accuracy": float(accuracy_score(yte, p >= 0.5)),
    }


def rf(d):
    import sklearn
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score, roc_auc_score

    meta, Xtr, ytr, Xte, yte, _, _ = load(d)
    model = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=1)
    t0 = time.perf_counter()
    model.fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    p = model.predict_proba(Xte)[:, 1]
    pred_s = time.perf_counter() - t0
    return {"library": "scikit-learn " + sklearn.__version__, "fit_s": fit_s, "predict_s": pred_s, "accuracy": float(accuracy_score(yte, p >= 0.5)), "auc": float(roc_auc_score(yte, p))}


def iforest(d):
    import sklearn
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score

    meta, _, _, _, _, X, y = load(d)
    model = IsolationForest(n_estimators=100, max_samples=256, n_jobs=2, random_state=1)
    t0 = time.perf_counter()
    model.fit(X)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    s = -model.score_samples(X)
    score_s = time.perf_counter() - t0
    return {"library": "scikit-learn " + sklearn.__version__, "fit_s": fit_s, "score_s": score_s, "total_s": fit_s + score_s, "auc": float(roc_auc_score(y, s))}


def lof(d):
    import sklearn
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.metrics import roc_auc_score

    meta, _, _, _, _, X, y = load(d)
    model = LocalOutlierFactor(n_neighbors=20, n_jobs=2)
    t0 = time.perf_counter()
    model.fit(X)
    s = -model.negative_outlier_factor_
    total = time.perf_counter() - t0
    return {"library": "scikit-learn " + sklearn.__version__, "total_s": total, "auc": float(roc_auc_score(y, s))}


def ocsvm(d):
    import sklearn
    from sklearn.svm import OneClassSVM
    from sklearn.metrics import roc_auc_score

    meta, _, _, _, _, X, y = load(d)
    model = OneClassSVM(kernel="rbf", gamma="scale", nu=0.05)
    t0 = time.perf_counter()
    model.fit(X)
    s = -model.decision_function(X)
    total = time.perf_counter() - t0
    return {"library": "scikit-learn " + sklearn.__version__, "total_s": total, "auc": float(roc_auc_score(y, s))}


def backblaze(d):
    import xgboost as xgb
    from sklearn.metrics import roc_auc_score

    meta, Xtr, ytr, Xte, yte, _, _ = load(d)
    model = xgb.XGBClassifier(tree_method="hist", n_estimators=200, max_depth=4, learning_rate=0.05, nthread=2, random_state=1)
    t0 = time.perf_counter()
    model.fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    p = model.predict_proba(Xte)[:, 1]
    return {"library": "xgboost " + xgb.__version__, "fit_s": fit_s, "auc": float(roc_auc_score(yte, p))}


TASKS = {"gbdt": gbdt, "rf": rf, "iforest": iforest, "lof": lof, "ocsvm": ocsvm, "backblaze": backblaze}

if __name__ == "__main__":
    task, data_dir = sys.argv[1], sys.argv[2]
    out = TASKS[task](data_dir)
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))
