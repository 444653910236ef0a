"""The MLflow reference for bench/serve.ts: a pyfunc model with the same k-means scoring
as threatlab's cluster component (log-compressed, standardised features; distance to the
nearest centroid over that cluster's scale) plus a prevalence-style surprisal over the
count columns, calibrated with the same piecewise-linear table. Saved with
mlflow.pyfunc.save_model so `mlflow models serve` can serve it.

    python mlflow_pyfunc.py CLUSTER_JSON CALIBRATION_JSON FEATURE_NAMES_JSON OUT_DIR
"""
import json
import sys

import mlflow.pyfunc
import numpy as np


class ThreatScore(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        with open(context.artifacts["cluster"]) as f:
            p = json.load(f)
        with open(context.artifacts["calibration"]) as f:
            self.cal = json.load(f)
        with open(context.artifacts["features"]) as f:
            self.names = json.load(f)
        self.mean = np.array(p["scaler"]["mean"])
        std = np.array(p["scaler"]["std"])
        self.inv = np.where(std > 0, 1 / np.where(std > 0, std, 1), 0)
        self.centroids = np.array(p["centroids"])
        self.scales = np.array(p["scales"])
        self.count_cols = [i for i, n in enumerate(self.names) if n.endswith("_count")]

    def predict(self, context, model_input, params=None):
        x = model_input[self.names].to_numpy(dtype=float)
        c = np.sign(x) * np.log1p(np.abs(x))
        z = np.clip((c - self.mean) * self.inv, -12, 12)
        d = np.sqrt(((z[:, None, :] - self.centroids[None, :, :]) ** 2).sum(axis=2)) / self.scales[None, :]
        raw = d.min(axis=1)
        if self.count_cols:
            counts = x[:, self.count_cols]
            raw = np.maximum(raw, (-np.log2((counts + 1) / (counts.sum(axis=1, keepdims=True) + 10))).max(axis=1) / 10)
        score = np.interp(raw, self.cal["values"], self.cal["probs"], left=0.0, right=1.0)
        return [{"score": float(s), "alert": bool(s >= 0.99)} for s in score]


if __name__ == "__main__":
    cluster, calibration, features, out = sys.argv[1:5]
    mlflow.pyfunc.save_model(out, python_model=ThreatScore(), artifacts={"cluster": cluster, "calibration": calibration, "features": features})
