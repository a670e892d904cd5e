"""Proportion of patients with asthma recorded, month by month."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

OUTPUT = Path("output")

measures = pd.read_csv(OUTPUT / "measures.csv", parse_dates=["interval_start"])
by_month = measures.groupby("interval_start")[["numerator", "denominator"]].sum()
(100 * by_month["numerator"] / by_month["denominator"]).plot()
plt.ylabel("Patients with an asthma code (%)")
plt.tight_layout()
plt.savefig(OUTPUT / "asthma_over_time.png", dpi=150)
