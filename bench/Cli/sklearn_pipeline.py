"""The pandas + scikit-learn side of bench/Cli: the same job as `mlnetgd train` on a CSV.

    python3 sklearn_pipeline.py DATA.csv LABEL sgd|ridge [TEST.csv]

read_csv, then a ColumnTransformer (OneHotEncoder on the string columns, StandardScaler on the numeric ones) and SGDRegressor
(5 epochs, no tolerance stop) or Ridge(solver="sparse_cg"). With TEST.csv the fitted pipeline scores it and prints its RMSE.
Prints one line: the seconds spent reading and fitting."""
import sys
import time

start = time.perf_counter()
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

path, label, model = sys.argv[1], sys.argv[2], sys.argv[3]
frame = pd.read_csv(path)
read = time.perf_counter()
y = frame.pop(label).to_numpy(dtype="float64")
categorical = [c for c in frame.columns if frame[c].dtype == object]
numeric = [c for c in frame.columns if c not in categorical]
features = ColumnTransformer([("categorical", OneHotEncoder(handle_unknown="ignore"), categorical), ("numeric", StandardScaler(), numeric)])
regressor = SGDRegressor(max_iter=5, tol=None, random_state=0) if model == "sgd" else Ridge(solver="sparse_cg")
pipeline = make_pipeline(features, regressor)
pipeline.fit(frame, y)
fitted = time.perf_counter()
print(f"read {read - start:.2f} s, fit {fitted - read:.2f} s")
if len(sys.argv) > 4:
    test = pd.read_csv(sys.argv[4])
    y_test = test.pop(label).to_numpy(dtype="float64")
    rmse = float(np.sqrt(np.mean((pipeline.predict(test) - y_test) ** 2)))
    print(f"test RMSE {rmse:.6f}")
