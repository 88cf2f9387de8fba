"""Peer: pandas + statsmodels, Fleiss' kappa per categorical code.

    python statsmodels_fleiss.py LONG.csv CODEBOOK.json

``statsmodels.stats.inter_rater`` offers Fleiss' kappa (nominal, any number of raters, the
same number per unit) and nothing for interval or ratio data, so nominal and ordinal codes
get ``fleiss_kappa(aggregate_raters(x)[0])`` (ordinal treated as nominal) and interval and
ratio codes are skipped with that reason. Fleiss' kappa does not use who rated: each unit's
ratings go to columns 0..k-1 (``cumcount``), and units with fewer than k ratings are dropped
(``dropna``), as the statistic requires. Prints {"peer": ..., "codes": {id: {"fleiss_kappa":
x} | {"skipped": ...} | {"error": ...}}}.
"""

import json
import sys

import pandas as pd
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa


def main() -> None:
    csv_path, book_path = sys.argv[1], sys.argv[2]
    with open(book_path, encoding="utf-8") as f:
        book = json.load(f)
    keys = book["keys"]
    codes = {c["id"]: c for c in book["codes"]}
    df = pd.read_csv(csv_path, dtype={"coder": str, "code": str, "value": str})
    out = {}
    for cid, sub in df.groupby("code", sort=False):
        if codes[cid]["level"] not in ("nominal", "ordinal"):
            out[cid] = {"skipped": "statsmodels has no interval/ratio agreement coefficient"}
            continue
        slots = sub.assign(slot=sub.groupby(keys).cumcount())
        table = slots.pivot(index=keys, columns="slot", values="value").dropna()
        try:
            counts, _ = aggregate_raters(table.to_numpy())
            out[cid] = {"fleiss_kappa": float(fleiss_kappa(counts, method="fleiss"))}
        except (MemoryError, ValueError, AssertionError) as e:
            out[cid] = {"error": f"{type(e).__name__}: {e}"[:300]}
    print(json.dumps({"peer": "statsmodels", "codes": out}))


if __name__ == "__main__":
    main()
