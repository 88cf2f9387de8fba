"""Peer: pandas + pingouin, the six intraclass correlations per interval or ratio code.

    python pingouin_icc.py LONG.csv CODEBOOK.json

``pingouin.intraclass_corr`` takes the long table itself (one column for the unit, so the
unit keys are numbered with ``groupby(...).ngroup()``) and needs every coder to rate every
unit (``nan_policy="omit"`` drops units with a missing rating). Categorical codes are skipped
(ICC is for interval and ratio data). Prints {"peer": ..., "codes": {id: {"ICC1": x, ...,
"ICC3k": x} | {"skipped": ...} | {"error": ...}}}.
"""

import json
import sys

import pandas as pd
import pingouin as pg


def main() -> None:
    csv_path, book_path = sys.argv[1], sys.argv[2]
    with open(book_path, encoding="utf-8") as f:
        book = json.load(f)
    keys = book["keys"]
    codes = {c["id"]: c for c in book["codes"]}
    df = pd.read_csv(csv_path, dtype={"coder": str, "code": str, "value": str})
    out = {}
    for cid, sub in df.groupby("code", sort=False):
        if codes[cid]["level"] not in ("interval", "ratio"):
            out[cid] = {"skipped": "ICC is for interval and ratio codes"}
            continue
        data = sub.assign(unit=sub.groupby(keys).ngroup(), value=pd.to_numeric(sub["value"]))
        try:
            icc = pg.intraclass_corr(
                data=data, targets="unit", raters="coder", ratings="value", nan_policy="omit"
            )
            out[cid] = {t: float(v) for t, v in zip(icc["Type"], icc["ICC"], strict=True)}
        except (MemoryError, ValueError, AssertionError) as e:
            out[cid] = {"error": f"{type(e).__name__}: {e}"[:300]}
    print(json.dumps({"peer": "pingouin", "codes": out}))


if __name__ == "__main__":
    main()
