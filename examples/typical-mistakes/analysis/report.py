"""Asthma by age band: a table and a figure, safe to release after output checking.

Reads the dataset written by the `generate_dataset` action. Counts are rounded to the
nearest 5 and counts of 7 or fewer are suppressed, following OpenSAFELY's guidance on
statistical disclosure control, before anything is written to a moderately_sensitive file.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on the server
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

OUTPUT = Path("output")
SUPPRESS_AT_OR_BELOW = 7


def round_and_suppress(count):
    if count <= SUPPRESS_AT_OR_BELOW:
        return None
    return int(5 * round(count / 5))


def main():
    dataset = pd.read_csv(OUTPUT / "dataset.csv.gz")
    # ehrQL writes booleans as T and F.
    has_asthma = dataset["has_asthma"] == "T"

    grouped = has_asthma.groupby(dataset["age_group"])  # MISTAKE: the dataset definition names it age_band
    table = pd.DataFrame(
        {
            "patients": grouped.size().map(round_and_suppress),
            "with_asthma": grouped.sum().map(round_and_suppress),
        }
    )
    table["percent_with_asthma"] = (100 * table["with_asthma"] / table["patients"]).round(1)
    table.to_csv(OUTPUT / "asthma_by_age_band.csv")

    axes = table["percent_with_asthma"].plot.bar(rot=0)
    axes.set_xlabel("Age band")
    axes.set_ylabel("Patients with asthma recorded (%)")
    axes.set_title("Recorded asthma by age band (counts rounded)")
    plt.tight_layout()
    plt.savefig(OUTPUT / "asthma_by_age_band.png", dpi=150)  # MISTAKE: no output pattern keeps the figure


if __name__ == "__main__":
    main()
