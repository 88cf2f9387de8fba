"""Peer: pandas + krippendorff.alpha, one alpha per code at the code's level.

    python krippendorff_alpha.py LONG.csv CODEBOOK.json

Reads the long export (session,segment,coder,code,value) with pandas, pivots each code to a
units x coders table and calls ``krippendorff.alpha`` with the code's level of measurement
(nominal text categories are numbered first: the package needs numbers or an ordered domain).
Prints {"peer": ..., "codes": {id: {"alpha": x} | {"error": "..."}}} as JSON. A code the
package cannot compute (e.g. a MemoryError) is reported as an error and the loop goes on.
"""

import json
import sys

import krippendorff
import pandas as pd


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
        domain = None
        if declared is not None and not all(isinstance(v, int | float) for v in declared):
            index = {str(v): i for i, v in enumerate(declared)}
            values = sub["value"].map(index)
            domain = list(range(len(declared)))
        else:
            values = pd.to_numeric(sub["value"])
            domain = declared
        table = sub.assign(value=values).pivot(index=keys, columns="coder", values="value")
        try:
            a = krippendorff.alpha(
                reliability_data=table.to_numpy(dtype=float).T,
                level_of_measurement=level,
                value_domain=domain,
            )
            out[cid] = {"alpha": float(a)}
        except (MemoryError, ValueError) as e:
            out[cid] = {"error": f"{type(e).__name__}: {e}"[:300]}
    print(json.dumps({"peer": "krippendorff", "codes": out}))


if __name__ == "__main__":
    main()
