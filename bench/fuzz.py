"""Fuzz papercite's readers (and the exporters behind them) with mutated inputs.

For each reader (listing, bibtex, csljson, ris), seed inputs (the fixture in
that format, plus hand-made oddities) are mutated at random — bytes flipped,
inserted, deleted, duplicated, spliced between seeds, replaced by characters
that matter to the format (braces, quotes, ``@``, ``ER  -``, ``\\``), cut
short — and read exactly as the command line reads a file: decoded line by
line, then parsed. Every record that comes out is written in every format.
A failure is any exception other than papercite's own reports, or an input
that takes longer than the time limit; each is saved under
``bench/out/fuzz/`` to become a regression test.

    python bench/fuzz.py                 # 100,000 inputs per reader
    python bench/fuzz.py --n 2000        # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import signal
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
READERS = ("listing", "bibtex", "csljson", "ris")
EXPORTERS = ("bibtex", "biblatex", "csljson", "ris", "jsonl")
SPECIAL = [b"{", b"}", b"\\", b'"', b"@", b",", b"=", b"\n", b"\r", b"$", b"%", b"#", b"[", b"]", b":",
           b"ER  - ", b"TY  - JOUR\n", b"@misc{x,", b"\\input{/etc/passwd}", b"\\x", b"\xc3\xa9", b"\xff",
           b"\x00", b"et al.", b" and ", b"{\"id\":", b"Jan 1, 2020", b"CLMar 18, 2021Code\n", b"\xe2\x80\xa8"]


def seeds() -> dict[str, list[bytes]]:
    """The fixture in every format, cut into inputs of a few records, and some oddities."""
    sys.path.insert(0, str(ROOT))
    from papercite.api import export, read

    records = read(ROOT / "fixtures" / "glm-listing.txt", as_of=dt.date(2026, 11, 27))
    listing = (ROOT / "fixtures" / "glm-listing.txt").read_bytes().splitlines(keepends=True)
    out: dict[str, list[bytes]] = {
        "listing": [b"".join(listing[i : i + 9]) for i in range(0, len(listing), 9)],
    }
    for fmt in ("bibtex", "csljson", "ris"):
        out[fmt] = [export(records[i : i + 3], fmt).encode() for i in range(0, len(records), 3)]
    out["bibtex"].append(
        b'@string{x = "A"}\n@article{k, title = x # {B}, author = {{Team} and Doe, J.}, year = 2020}\n'
    )
    out["csljson"].append(b'[{"id": "a", "type": "article", "title": "T", "issued": {"date-parts": [["2020"]]}}]')
    out["ris"].append(b"TY  - JOUR\r\nTI  - T\r\nAU  - Doe, J.\r\nPY  - 2020///\r\nER  - \r\n")
    # The hostile shapes of bench/hostile.py, small: mutations grow and splice them.
    sys.path.insert(0, str(HERE))
    from hostile import SHAPES

    by_suffix = {".txt": "listing", ".bib": "bibtex", ".json": "csljson", ".ris": "ris"}
    for make, _ in SHAPES.values():
        suffix, text = make(2_000)
        out[by_suffix[suffix]].append(text.encode())
    return out


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(8)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # insert something that matters to a format
            buf[pos:pos] = rng.choice(SPECIAL)
        elif op == 2 and buf:  # delete a run
            del buf[pos : pos + rng.randint(1, 40)]
        elif op == 3 and buf:  # duplicate a run
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start : start + rng.randint(1, 200)]
        elif op == 4:  # splice in part of another seed
            other = rng.choice(pool)
            start = rng.randrange(len(other) + 1)
            buf[pos:pos] = other[start : start + rng.randint(1, 300)]
        elif op == 5:  # cut short
            del buf[pos:]
        elif op == 6:  # random Unicode
            buf[pos:pos] = "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 8))).encode(
                "utf-8", "surrogatepass"
            )
        else:  # a long run of one special
            buf[pos:pos] = rng.choice(SPECIAL) * rng.randint(2, 500)
    return bytes(buf)


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def run_one(data: bytes, fmt: str | None) -> None:
    """Read ``data`` as the command line reads a file, and write what comes out in every format."""
    from papercite.api import registry
    from papercite.diagnostics import Diagnostics
    from papercite.files import iter_lines
    from papercite.pipeline import read_records
    from papercite.plugins.types import ExportContext

    reg = registry()
    diagnostics = Diagnostics()
    records = list(
        read_records(["-"], lambda path: iter_lines(path, io.BufferedReader(io.BytesIO(data))), reg, diagnostics,
                     as_of=dt.date(2026, 11, 27), fmt=fmt)
    )
    for name in EXPORTERS:
        reg.exporter(name).write(records, io.StringIO(), ExportContext(diagnostics))


def worker(args: tuple[str, int, int, int, float]) -> tuple[str, int, list[str]]:
    reader, count, seed, _, limit = args
    rng = random.Random(seed)
    pool = seeds()
    inputs = pool[reader]
    everything = [s for group in pool.values() for s in group]
    failures: list[str] = []
    signal.signal(signal.SIGALRM, _alarm)
    out = HERE / "out" / "fuzz"
    for i in range(count):
        data = mutate(rng, rng.choice(inputs), everything)
        fmt = reader if rng.random() < 0.8 else None  # sometimes let papercite detect the format
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            run_one(data, fmt)
        except _Timeout:
            failures.append(_save(out, reader, seed, i, data, f"took longer than {limit} s"))
        except Exception:
            failures.append(_save(out, reader, seed, i, data, traceback.format_exc()))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return reader, count, failures


def _save(out: Path, reader: str, seed: int, i: int, data: bytes, why: str) -> str:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{reader}-{seed}-{i}"
    path.with_suffix(".in").write_bytes(data)
    path.with_suffix(".txt").write_text(why)
    return f"{path}.in: {why.strip().splitlines()[-1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="inputs per reader")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds an input may take")
    args = parser.parse_args()
    parts = max(1, args.jobs)
    tasks = []
    for k, reader in enumerate(READERS):
        per = [args.n // parts + (1 if j < args.n % parts else 0) for j in range(parts)]
        tasks += [(reader, n, args.seed + 1000 * k + j, j, args.time_limit) for j, n in enumerate(per) if n]
    start = time.perf_counter()
    totals: dict[str, int] = dict.fromkeys(READERS, 0)
    failures: list[str] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for reader, count, failed in pool.map(worker, tasks):
            totals[reader] += count
            failures += failed
    seconds = time.perf_counter() - start
    print(f"seed {args.seed}, {seconds:.0f} s, {args.jobs} processes, time limit {args.time_limit} s per input\n")
    print("| reader | inputs tried | failures |")
    print("|---|---:|---:|")
    for reader in READERS:
        print(f"| {reader} | {totals[reader]:,} | {sum(f.split('/')[-1].startswith(reader) for f in failures)} |")
    for failure in failures[:20]:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
