"""Write the synthetic example study for the socialization-to-the-model scheme.

Run ``python examples/generate.py`` from anywhere: it rewrites every data file in
``examples/`` deterministically (fixed seed) and, if the ``krippendorff`` package is
installed, reads the written files back and prints per-code reliability. Use
``--no-check`` to skip that part.

The study is invented. It imitates the design of Daniels & Wearden (2011): 43 patients
from the active arm of the FINE trial, a few taped sessions each, cut into 5-minute
segments and coded by a primary coder (alice), with a reliability subsample of sessions
double- or triple-coded by ben and chloe. Latent "true" values carry the paper's
direction of association (more goal agreement: more concordance, fewer incongruent
principles, less resistance); each coder's rating is the latent value plus noise. The
noise is tuned so that, on the reliability subsample, concordance is clearly reliable,
resistance borderline (chloe rates it about one point higher than the others),
incongruent_principles poor, and explains_model / links_symptoms_to_model are often
confused. See examples/README.md for the achieved values and for the deliberately
flawed export in examples/flawed/dana.csv.

Only numpy and the standard library are needed to write the files.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

SEED = 20110301
HERE = Path(__file__).resolve().parent

N_PATIENTS = 43
COURSE_LENGTH = 10  # sessions in the course of pragmatic rehabilitation
SEGMENT_MINUTES = 5
RELIABILITY_SHARE = 0.23  # share of sessions that a second (and third) coder also codes

PRIMARY = "alice"
SECOND = "ben"
THIRD = "chloe"
CODERS = (PRIMARY, SECOND, THIRD)

SEGMENT_CODES = ("concordance", "incongruent_principles", "resistance", "therapist_model_work")
SESSION_CODES = ("goal_agreement", "model_presentation")
WIDE_HEADER = ("session", "segment", *SEGMENT_CODES, *SESSION_CODES)
LONG_HEADER = ("session", "segment", "coder", "code", "value")

CATEGORIES = (
    "explains_model",
    "links_symptoms_to_model",
    "sets_activity_plan",
    "reviews_homework",
    "none",
)
CONFUSED_PAIR = ("explains_model", "links_symptoms_to_model")

# Coder noise, tuned so that the targets in examples/README.md hold.
CONCORDANCE_NOISE = 0.32  # sd added to the true 0-3 code before rounding
RESISTANCE_NOISE = 0.34  # sd added to the true 1-5 code before rounding
RESISTANCE_BIAS = {PRIMARY: 0.0, SECOND: 0.0, THIRD: 1.0}  # chloe rates about +1
INSTANCE_MISS = 0.22  # chance that a coder misses one true incongruent instance
SPURIOUS_RATE = 0.22  # Poisson mean of instances a coder counts that are not there
CATEGORY_SLIP = 0.07  # chance of an arbitrary wrong category
PAIR_SWAP = 0.17  # chance that a coder swaps explains_model <-> links_symptoms_to_model
GOAL_NOISE = 0.55  # sd added to the true 1-5 goal agreement before rounding
PRESENTATION_FLIP = 0.04  # chance that a coder flips yes/no
MISSING_CELL = 0.006  # chance that a coder leaves a segment-level cell uncoded


@dataclass
class Session:
    """One taped session with its latent (true) values."""

    patient: str
    number: int
    mode: str  # "home" or "telephone": a design variable, not a code
    minutes: int
    goal: float  # latent goal agreement, standardised
    segments: int = 0
    truth: dict[str, list[float | int | str]] = field(default_factory=dict)
    session_truth: dict[str, int | str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.patient}-S{self.number:02d}"


Ratings = dict[tuple[str, str], str]  # (segment or "", code) -> cell text


def clip_round(x: float, low: int, high: int) -> int:
    return int(min(high, max(low, math.floor(x + 0.5))))


def choose(rng: np.random.Generator, options: Sequence[str], p: Sequence[float]) -> str:
    weights = np.asarray(p, dtype=float)
    return str(options[int(rng.choice(len(options), p=weights / weights.sum()))])


def true_category(rng: np.random.Generator, session_number: int, position: float) -> str:
    """The therapist's main model-related activity, by session and place in the session."""
    #          explains links  sets  reviews none
    if session_number == 1:
        p = (0.40, 0.20, 0.20, 0.00, 0.20)
    elif position < 0.3:
        p = (0.08, 0.20, 0.10, 0.47, 0.15)
    elif position < 0.7:
        p = (0.17, 0.30, 0.25, 0.13, 0.15)
    else:
        p = (0.10, 0.15, 0.50, 0.05, 0.20)
    return choose(rng, CATEGORIES, p)


def build_sessions(rng: np.random.Generator) -> list[Session]:
    sessions: list[Session] = []
    for p in range(1, N_PATIENTS + 1):
        patient = f"P{p:02d}"
        trait = float(rng.normal())  # the patient's general agreement about goals
        taped = int(rng.choice([3, 4]))
        numbers = sorted(int(n) for n in rng.choice(COURSE_LENGTH, taped, replace=False) + 1)
        for number in numbers:
            home = number == 1 or rng.random() < 0.3
            minutes = int(rng.integers(60, 91)) if home else int(rng.integers(25, 36))
            goal = trait + 0.06 * (number - 5) + float(rng.normal(0, 0.5))
            sessions.append(
                Session(patient, number, "home" if home else "telephone", minutes, goal)
            )
    for s in sessions:
        fill_truth(rng, s)
    return sessions


def fill_truth(rng: np.random.Generator, s: Session) -> None:
    """True per-segment codes; more goal agreement -> better socialization."""
    whole, rest = divmod(s.minutes, SEGMENT_MINUTES)
    s.segments = whole + (1 if rest >= 1 else 0)  # a stretch under a minute is merged
    conc: list[float | int | str] = []
    res: list[float | int | str] = []
    inc: list[float | int | str] = []
    cat: list[float | int | str] = []
    drift = 0.0
    for k in range(s.segments):
        drift = 0.6 * drift + float(rng.normal(0, 0.35))  # segments of a session hang together
        latent = 1.55 + 0.7 * s.goal + 0.05 * (s.number - 5) + drift
        conc.append(clip_round(latent, 0, 3))
        latent = 2.2 - 0.75 * s.goal - 0.5 * drift + float(rng.normal(0, 0.55))
        res.append(clip_round(latent, 1, 5))
        rate = math.exp(-0.25 - 0.6 * s.goal - 0.05 * (s.number - 5) - 0.5 * drift)
        inc.append(int(rng.poisson(rate)))
        cat.append(true_category(rng, s.number, k / s.segments))
    s.truth = {
        "concordance": conc,
        "resistance": res,
        "incongruent_principles": inc,
        "therapist_model_work": cat,
    }
    model_talk = sum(c in CONFUSED_PAIR for c in cat)
    s.session_truth = {
        "goal_agreement": clip_round(3.2 + 0.9 * s.goal, 1, 5),
        "model_presentation": "yes" if model_talk >= 2 else "no",
    }


Streams = dict[str, np.random.Generator]  # one random stream per code


def streams(*key: int) -> Streams:
    """Independent, fixed random streams per code, so tuning one code leaves the others."""
    codes = (*SEGMENT_CODES, *SESSION_CODES)
    return {c: np.random.default_rng([SEED, *key, i]) for i, c in enumerate(codes)}


def poisson_from_uniform(u: float, mean: float) -> int:
    """Inverse-CDF Poisson draw: one uniform per draw, whatever the mean."""
    k, term = 0, math.exp(-mean)
    total = term
    while u > total and k < 100:
        k += 1
        term *= mean / k
        total += term
    return k


def observe_category(rng: np.random.Generator, true: str) -> str:
    slip, pick, swap = rng.random(3)
    value = true
    if slip < CATEGORY_SLIP:
        others = [c for c in CATEGORIES if c != true]
        value = others[int(pick * len(others))]
    if value in CONFUSED_PAIR and swap < PAIR_SWAP:
        value = CONFUSED_PAIR[1 - CONFUSED_PAIR.index(value)]
    return value


def rate_session(noise: Streams, s: Session, coder: str) -> Ratings:
    """One coder's ratings of one session: text cells keyed by (segment, code)."""
    out: Ratings = {}
    bias = RESISTANCE_BIAS.get(coder, 0.0)
    for k in range(s.segments):
        seg = str(k + 1)
        conc = int(s.truth["concordance"][k]) + noise["concordance"].normal(0, CONCORDANCE_NOISE)
        out[seg, "concordance"] = str(clip_round(conc, 0, 3))
        res = int(s.truth["resistance"][k]) + bias + noise["resistance"].normal(0, RESISTANCE_NOISE)
        out[seg, "resistance"] = str(clip_round(res, 1, 5))
        true_count = int(s.truth["incongruent_principles"][k])
        draws = noise["incongruent_principles"].random(true_count + 1)
        seen = int((draws[:true_count] >= INSTANCE_MISS).sum())
        seen += poisson_from_uniform(float(draws[-1]), SPURIOUS_RATE)
        out[seg, "incongruent_principles"] = str(min(seen, 30))
        category = str(s.truth["therapist_model_work"][k])
        out[seg, "therapist_model_work"] = observe_category(noise["therapist_model_work"], category)
    goal = int(s.session_truth["goal_agreement"]) + noise["goal_agreement"].normal(0, GOAL_NOISE)
    out["", "goal_agreement"] = str(clip_round(goal, 1, 5))
    shown = str(s.session_truth["model_presentation"])
    if noise["model_presentation"].random() < PRESENTATION_FLIP:
        shown = "no" if shown == "yes" else "yes"
    out["", "model_presentation"] = shown
    return out


def blank_some(rng: np.random.Generator, ratings: Ratings, marker: str) -> None:
    """A coder leaves a few segment-level cells uncoded, as real data has."""
    for key in sorted(ratings):
        if key[0] and rng.random() < MISSING_CELL:
            ratings[key] = marker


@dataclass
class Study:
    sessions: list[Session]
    ratings: dict[str, dict[str, Ratings]]  # coder -> session id -> ratings
    skipped: dict[str, list[tuple[str, str]]]  # coder -> (session, segment) rows left out


def build_study(rng: np.random.Generator) -> Study:
    sessions = build_sessions(rng)
    n_rel = round(RELIABILITY_SHARE * len(sessions))
    rel = sorted(int(i) for i in rng.choice(len(sessions), n_rel, replace=False))
    ratings: dict[str, dict[str, Ratings]] = {c: {} for c in CODERS}
    extra: dict[int, tuple[str, ...]] = {}
    for i in rel:  # about 40% alice+ben, 25% alice+chloe, 35% all three
        u = rng.random()
        extra[i] = (SECOND,) if u < 0.40 else (THIRD,) if u < 0.65 else (SECOND, THIRD)
    noise = {coder: streams(n) for n, coder in enumerate(CODERS, start=1)}
    for i, s in enumerate(sessions):
        for coder in (PRIMARY, *extra.get(i, ())):
            ratings[coder][s.id] = rate_session(noise[coder], s, coder)
    markers = {PRIMARY: "", SECOND: "NA", THIRD: "NA"}
    for n, (coder, by_session) in enumerate(ratings.items(), start=1):
        gaps = np.random.default_rng([SEED, n, 99])
        for sid in sorted(by_session):
            blank_some(gaps, by_session[sid], markers[coder])
    # A few deliberate gaps that real exports have: a skipped segment row (ben), a code row
    # left out of a long file (chloe) and a "." typed for "not coded" (alice).
    skipped: dict[str, list[tuple[str, str]]] = {c: [] for c in CODERS}
    for coder in (SECOND, THIRD):
        mine = [s for s in sessions if s.id in ratings[coder] and s.segments > 6]
        s = mine[len(mine) // 2]
        skipped[coder].append((s.id, str(s.segments - 2)))
    alice_rel = [s for s in sessions if s.id in ratings[SECOND]]
    ratings[PRIMARY][alice_rel[1].id]["3", "resistance"] = "."
    return Study(sessions, ratings, skipped)


# --------------------------------------------------------------------------- writing


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            count += 1
    return count


def wide_rows(study: Study, coder: str) -> list[list[str]]:
    rows: list[list[str]] = []
    skipped = set(study.skipped[coder])
    for s in study.sessions:
        r = study.ratings[coder].get(s.id)
        if r is None:
            continue
        for k in range(1, s.segments + 1):
            seg = str(k)
            if (s.id, seg) in skipped:
                continue
            first = k == 1
            session_cells = [r["", c] if first else "" for c in SESSION_CODES]
            rows.append([s.id, seg, *(r[seg, c] for c in SEGMENT_CODES), *session_cells])
    return rows


def long_rows(study: Study, coder: str) -> list[list[str]]:
    rows: list[list[str]] = []
    skipped = set(study.skipped[coder])
    for s in study.sessions:
        r = study.ratings[coder].get(s.id)
        if r is None:
            continue
        for k in range(1, s.segments + 1):
            seg = str(k)
            for c in SEGMENT_CODES:
                if (s.id, seg) in skipped and c == "therapist_model_work":
                    continue  # one code row missing from the long file
                rows.append([s.id, seg, coder, c, r[seg, c]])
        rows.extend([s.id, "", coder, c, r["", c]] for c in SESSION_CODES)
    return rows


@dataclass(frozen=True)
class Flaw:
    line: int  # 1-based line in the file; line 1 is the header
    column: int | None  # 1-based column, None for the whole row
    what: str


def dana_rows(study: Study) -> tuple[list[str], list[list[str]], list[Flaw]]:
    """A deliberately flawed wide export by a fourth coder, and the list of its flaws."""
    header = [*WIDE_HEADER, "empathy"]
    rel = [s for s in study.sessions if s.id in study.ratings[SECOND]]
    a = next(s for s in rel if s.mode == "telephone" and s.segments >= 6)
    b = next(s for s in rel if s is not a and s.segments >= 6)
    rng = np.random.default_rng([SEED, 4])
    noise = streams(4)

    def row(s: Session, k: int, first: bool = False, **cells: str) -> list[str]:
        r = rate_session(noise, s, "dana")
        seg = str(k)
        out = {
            "session": s.id,
            "segment": seg,
            **{c: r[seg, c] for c in SEGMENT_CODES},
            **{c: (r["", c] if first else "") for c in SESSION_CODES},
            "empathy": str(int(rng.integers(3, 6))),
        }
        out.update(cells)
        return [out[h] for h in header]

    col = {h: i + 1 for i, h in enumerate(header)}
    rows: list[list[str]] = []
    flaws: list[Flaw] = [Flaw(1, col["empathy"], "unknown code column `empathy`")]

    def add(r: list[str], *found: Flaw) -> None:
        rows.append(r)
        flaws.extend(found)

    def at(code: str, what: str) -> Flaw:
        return Flaw(len(rows) + 2, col[code], what)

    add(row(a, 1, first=True, goal_agreement="4", model_presentation="yes"))
    add(
        row(a, 2, therapist_model_work="explain_model"),
        at("therapist_model_work", "`explain_model` is not among the code's values"),
    )
    add(
        row(a, 3, incongruent_principles="45"),
        at("incongruent_principles", "45 is out of range (max 30)"),
    )
    add(
        row(a, 4, incongruent_principles="several"),
        at("incongruent_principles", "text `several` where a number is required"),
    )
    add(
        row(a, 5, incongruent_principles="1.5"),
        at("incongruent_principles", "1.5 where an integer is required"),
    )
    add(row(a, 6, session=""), at("session", "missing unit key: empty `session`"))
    ragged = [*row(a, 6), "tape unclear from 27:40"]
    add(
        ragged,
        Flaw(len(rows) + 2, None, f"ragged row: {len(ragged)} cells, header has {len(header)}"),
    )
    first_b = len(rows) + 2
    add(row(b, 1, first=True, goal_agreement="3", model_presentation="no"))
    add(
        row(b, 2, goal_agreement="2"),
        at(
            "goal_agreement",
            f"session-level code rated twice for {b.id}: 3 (line {first_b}) vs 2",
        ),
    )
    once = len(rows) + 2
    third = row(b, 3, concordance="2")
    add(third)
    conflict = list(third)
    conflict[col["concordance"] - 1] = "3"
    add(
        conflict,
        at("concordance", f"{b.id} segment 3 rated twice, conflicting: 2 (line {once}) vs 3"),
    )
    once = len(rows) + 2
    fourth = row(b, 4)
    add(fourth)
    add(
        list(fourth),
        Flaw(len(rows) + 2, None, f"{b.id} segment 4 rated twice, identical (line {once})"),
    )
    add(row(b, 5, incongruent_principles="2.0"))  # not a flaw: 2.0 is the integer 2
    add(row(b, 6, concordance="NA"))  # not a flaw: NA is declared "not coded"
    return header, rows, flaws


def write_all(study: Study) -> list[Flaw]:
    for coder in (PRIMARY, SECOND):
        write_csv(HERE / f"{coder}.csv", WIDE_HEADER, wide_rows(study, coder))
    write_csv(HERE / f"{THIRD}.csv", LONG_HEADER, long_rows(study, THIRD))
    units = [[s.id, str(k)] for s in study.sessions for k in range(1, s.segments + 1)]
    write_csv(HERE / "units.csv", ("session", "segment"), units)
    write_csv(
        HERE / "sessions.csv",
        ("session", "patient", "session_number", "mode", "minutes", "segments"),
        (
            [s.id, s.patient, str(s.number), s.mode, str(s.minutes), str(s.segments)]
            for s in study.sessions
        ),
    )
    header, rows, flaws = dana_rows(study)
    write_csv(HERE / "flawed" / "dana.csv", header, rows)
    return flaws


# --------------------------------------------------------------------------- check


def read_back() -> dict[str, dict[tuple[str, str, str], str]]:
    """coder -> (session, segment or "", code) -> cell text, from the files on disk."""
    data: dict[str, dict[tuple[str, str, str], str]] = {}
    for coder in (PRIMARY, SECOND):
        cells: dict[tuple[str, str, str], str] = {}
        with (HERE / f"{coder}.csv").open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh):
                for c in SEGMENT_CODES:
                    cells[rec["session"], rec["segment"], c] = rec[c]
                if rec["segment"] == "1":
                    for c in SESSION_CODES:
                        cells[rec["session"], "", c] = rec[c]
        data[coder] = cells
    with (HERE / f"{THIRD}.csv").open(encoding="utf-8", newline="") as fh:
        data[THIRD] = {
            (rec["session"], rec["segment"], rec["code"]): rec["value"]
            for rec in csv.DictReader(fh)
        }
    return data


def check(flaws: Sequence[Flaw]) -> None:
    """Per-code Krippendorff's alpha on the files just written (needs ``krippendorff``)."""
    try:
        import krippendorff
    except ImportError:
        print("krippendorff is not installed: skipping the reliability check")
        return
    missing = {"", "NA", "N/A", "."}
    data = read_back()
    Level = Literal["nominal", "ordinal", "interval", "ratio"]
    levels: dict[str, tuple[Level, list[int] | None]] = {
        "concordance": ("ordinal", [0, 1, 2, 3]),
        "incongruent_principles": ("ratio", None),
        "resistance": ("ordinal", [1, 2, 3, 4, 5]),
        "therapist_model_work": ("nominal", list(range(len(CATEGORIES)))),
        "goal_agreement": ("ordinal", [1, 2, 3, 4, 5]),
        "model_presentation": ("nominal", [0, 1]),
    }

    def number(code: str, text: str) -> float:
        if text in missing:
            return np.nan
        if code == "therapist_model_work":
            return float(CATEGORIES.index(text))
        if code == "model_presentation":
            return float(text == "yes")
        return float(text)

    def matrix(code: str, coders: Sequence[str]) -> npt.NDArray[np.float64]:
        units = sorted(
            {k[:2] for k in data[SECOND] if k[2] == code}
            | {k[:2] for k in data[THIRD] if k[2] == code}
        )
        return np.array(
            [[number(code, data[c].get((*u, code), "")) for u in units] for c in coders]
        )

    def alpha(code: str, coders: Sequence[str] = CODERS) -> float:
        level, domain = levels[code]
        m = matrix(code, coders)
        return float(
            krippendorff.alpha(reliability_data=m, level_of_measurement=level, value_domain=domain)
        )

    def agreement(m: npt.NDArray[np.float64]) -> float:
        """Share of pairable coder pairs (within units) that give the same value."""
        same = total = 0
        for i, j in ((0, 1), (0, 2), (1, 2)):
            ok = ~np.isnan(m[i]) & ~np.isnan(m[j])
            same += int((m[i, ok] == m[j, ok]).sum())
            total += int(ok.sum())
        return same / total

    print(
        f"{'code':24} {'units':>5} {'pairable':>8} {'agree':>6} {'alpha':>6}"
        f" {'alice+ben':>9} {'alice+chloe':>11}"
    )
    for code in levels:
        m = matrix(code, CODERS)
        pairable = int(((~np.isnan(m)).sum(axis=0) >= 2).sum())
        print(
            f"{code:24} {m.shape[1]:5d} {pairable:8d} {agreement(m):6.0%} {alpha(code):6.3f}"
            f" {alpha(code, (PRIMARY, SECOND)):9.3f} {alpha(code, (PRIMARY, THIRD)):11.3f}"
        )
    m = matrix("resistance", CODERS)
    both = ~np.isnan(m[0]) & ~np.isnan(m[2])
    print(f"resistance: mean chloe - alice = {np.mean(m[2, both] - m[0, both]):+.2f}")
    m = matrix("therapist_model_work", CODERS)
    pair = {CATEGORIES.index(c) for c in CONFUSED_PAIR}
    within = swapped = 0
    for i, j in ((0, 1), (0, 2), (1, 2)):
        for x, y in zip(m[i], m[j], strict=True):
            if x in pair and y in pair:
                within += 1
                swapped += x != y
    print(
        f"therapist_model_work: pairs where both say explains/links: {within}, "
        f"of which one says explains and the other links: {swapped / within:.0%}"
    )
    m = matrix("model_presentation", CODERS)
    a, b = m[0], m[1]
    ok = ~np.isnan(a) & ~np.isnan(b)
    print(
        f"model_presentation: alice-ben agreement {np.mean(a[ok] == b[ok]):.0%} "
        f"on {ok.sum()} sessions, share 'yes' {np.nanmean(m):.0%}"
    )
    print("flawed/dana.csv:")
    for f in flaws:
        print(f"  line {f.line}, column {f.column or '-'}: {f.what}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-check", action="store_true", help="do not compute reliability")
    args = parser.parse_args(argv)
    study = build_study(np.random.default_rng(SEED))
    flaws = write_all(study)
    n_units = sum(s.segments for s in study.sessions)
    n_rel = sum(1 for s in study.sessions if s.id in study.ratings[SECOND] | study.ratings[THIRD])
    print(
        f"{len(study.sessions)} sessions, {n_units} segments; reliability subsample: "
        f"{n_rel} sessions ({n_rel / len(study.sessions):.0%})"
    )
    for coder, gaps in study.skipped.items():
        for sid, seg in gaps:
            what = "segment row" if coder == SECOND else "therapist_model_work row"
            print(f"{coder}: left out the {what} of {sid} segment {seg}")
    if not args.no_check:
        check(flaws)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
