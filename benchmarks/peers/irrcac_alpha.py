"""Peer: pandas + irrCAC, Krippendorff's alpha per code with the level's weights.

    python irrcac_alpha.py LONG.csv CODEBOOK.json

Pivots each code to a units x coders table and calls ``irrCAC.raw.CAC(...).krippendorff()``
with identity weights (nominal), irrCAC's ordinal weights (ordinal), quadratic weights
(interval) and ratio weights (ratio). irrCAC's own "ratio" weights refuse 0 as a category,
so ratio codes get the ratio weight matrix built here, with distance 0 between 0 and 0
(Krippendorff's convention). ``digits=12`` keeps the value comparable (irrCAC rounds to 5
digits by default). Prints {"peer": ..., "codes": {id: {"alpha": x} | {"error": ...}}}.
"""

import json
import sys

import numpy as np
import pandas as pd
from irrCAC.raw import CAC

WEIGHTS = {"nominal": "identity", "ordinal": "ordinal", "interval": "quadratic"}


def ratio_weights(categories: list[float]) -> np.ndarray:
    c = np.asarray(categories, dtype=float)
    total = c[:, None] + c[None, :]
    d = np.divide(c[:, None] - c[None, :], total, out=np.zeros_like(total), where=total != 0)
    return 1 - d**2 / d.max() ** 2


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
        level, declared = code["level"], code["values"]
        numeric = declared is None or all(isinstance(v, int | float) for v in declared)
        values = pd.to_numeric(sub["value"]) if numeric else sub["value"]
        table = sub.assign(value=values).pivot(index=keys, columns="coder", values="value")
        try:
            if level == "ratio":
                categories = sorted(table.stack().unique().tolist())
                cac = CAC(
                    table, weights=ratio_weights(categories), categories=categories, digits=12
                )
            else:
                categories = list(declared) if declared is not None else None
                cac = CAC(table, weights=WEIGHTS[level], categories=categories, digits=12)
            est = cac.krippendorff()["est"]
            out[cid] = {"alpha": float(est["coefficient_value"])}
        except (MemoryError, ValueError) as e:
            out[cid] = {"error": f"{type(e).__name__}: {e}"[:300]}
    print(json.dumps({"peer": "irrCAC", "codes": out}))


if __name__ == "__main__":
    main()
