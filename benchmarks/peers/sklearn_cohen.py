"""Peer: pandas + scikit-learn, Cohen's kappa for every pair of coders, per code.

    python sklearn_cohen.py LONG.csv CODEBOOK.json

Pivots each code to a units x coders table and, for every pair of coders, calls
``cohen_kappa_score`` on the units both rated: unweighted for nominal codes, linear weights
for ordinal codes, quadratic weights for interval and ratio codes (scikit-learn weights by
the position of a value in ``labels``: the declared values, the whole integer range of a
ranged integer code, else the values observed). Continuous codes (interval or ratio, not
integer) are skipped: scikit-learn refuses float labels ("continuous is not supported").
Reports the mean over pairs (Light's kappa for nominal codes) and the number of pairs. Prints
{"peer": ..., "codes": {id: {"mean_kappa": x, "pairs": n} | {"skipped": ...} | {"error": ...}}}.
"""

import itertools
import json
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

WEIGHTS = {"nominal": None, "ordinal": "linear", "interval": "quadratic", "ratio": "quadratic"}


def main() -> None:
    csv_path, book_path = sys.argv[1], sys.argv[2]
    with open(book_path, encoding="utf-8") as f:
        book = json.load(f)
    keys = book["keys"]
    codes = {c["id"]: c for c in book["codes"]}
    df = pd.read_csv(csv_path, dtype={"coder": str, "code": str, "value": str})
    out = {}
    for cid, sub in df.groupby("code", sort=False):
        code = codes[cid]
        if code["level"] in ("interval", "ratio") and not code.get("integer"):
            out[cid] = {"skipped": "continuous values: Cohen's kappa needs categories"}
            continue
        declared = code["values"]
        numeric = declared is None or all(isinstance(v, int | float) for v in declared)
        values = pd.to_numeric(sub["value"]) if numeric else sub["value"]
        if declared is not None:
            labels = list(declared)
        elif code.get("integer") and code.get("range"):
            labels = list(range(int(code["range"][0]), int(code["range"][1]) + 1))
        else:
            labels = None
        table = sub.assign(value=values).pivot(index=keys, columns="coder", values="value")
        kappas = []
        try:
            for a, b in itertools.combinations(table.columns, 2):
                pair = table[[a, b]].dropna()
                if len(pair) < 2:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 when one value only
                    kappas.append(
                        cohen_kappa_score(
                            pair[a], pair[b], labels=labels, weights=WEIGHTS[code["level"]]
                        )
                    )
            out[cid] = {"mean_kappa": float(np.nanmean(kappas)), "pairs": len(kappas)}
        except (MemoryError, ValueError) as e:
            out[cid] = {"error": f"{type(e).__name__}: {e}"[:300]}
    print(json.dumps({"peer": "scikit-learn", "codes": out}))


if __name__ == "__main__":
    main()
