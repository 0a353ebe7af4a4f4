"""Small jobs pay only for what they run (issue 17): a command that runs no kernel loads no Numba."""

from __future__ import annotations

import subprocess
import sys


def test_score_loads_no_numba(tmp_path):
    gold, pred = tmp_path / "gold.txt", tmp_path / "pred.txt"
    gold.write_text("中国 人民\n", encoding="utf-8")
    pred.write_text("中国人民\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "minent", "score", str(gold), str(pred)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert "f1\t0.0000" in done.stdout
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "minent.segment.score" in imported
    assert not any(name == "numba" or name.startswith("numba.") for name in imported)
