"""The holdout check on a sample of the real retail dataset's customers: fit BG/NBD +
Gamma-Gamma on their first nine months, predict the last three, compare with the baseline."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from oms.customer_value.domain import model
from oms.customer_value.domain.purchases import Purchase, summarise
from oms.customer_value.repository.purchases import from_retail_file
from oms.customer_value.services import check, periods_of

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "online_retail.csv.xz"
SAMPLE = 800


@pytest.fixture(scope="module")
def sample() -> list[Purchase]:
    if not DATA.is_file():
        pytest.skip(f"the real dataset is not at {DATA} (see ../shared/data/README.md)")
    purchases = from_retail_file(DATA)
    customers = sorted({p.customer for p in purchases})
    chosen = set(random.Random(14).sample(customers, SAMPLE))
    return [p for p in purchases if p.customer in chosen]


def test_the_calibration_is_the_first_nine_months_of_the_dataset(sample: list[Purchase]) -> None:
    period = periods_of(sample)
    assert (period.start.date().isoformat(), period.cutoff.date().isoformat()) == (
        "2010-12-01",
        "2011-09-01",
    )
    assert period.end.date().isoformat() == "2011-12-10"


def test_model_and_baseline_are_checked_on_what_customers_did(sample: list[Purchase]) -> None:
    (report,) = check(sample)
    assert report.currency == "GBP"
    assert 0 < report.customers <= SAMPLE
    assert report.purchases_actual > 0
    assert report.spend_actual_minor > 0
    # A model that knows nothing would be off by orders of magnitude: a sane band, not a score.
    assert 0.25 * report.purchases_actual < report.model.purchases_predicted
    assert report.model.purchases_predicted < 4 * report.purchases_actual
    assert report.model.purchases_correlation > 0
    assert sum(b.customers for b in report.alive) == report.customers
    print(  # noqa: T201 -- the scores are reported, not asserted (no tuned thresholds)
        f"\nholdout on {report.customers} customers: purchases MAE model "
        f"{report.model.purchases_mae:.3f} vs baseline {report.baseline.purchases_mae:.3f}; "
        f"spend MAE model {report.model.spend_mae_minor} vs baseline "
        f"{report.baseline.spend_mae_minor} (minor units)"
    )


def test_scores_are_probabilities_and_non_negative_money(sample: list[Purchase]) -> None:
    summaries = summarise(sample, end=periods_of(sample).end)
    scores = model.fit(summaries).score(
        summaries, weeks=90 / 7, horizon_months=12, monthly_discount=0.01
    )
    assert np.all((scores.probability_alive >= 0) & (scores.probability_alive <= 1))
    assert np.all(scores.expected_purchases >= 0)
    assert np.all(scores.clv_minor >= 0)
    assert np.all(scores.expected_order_value_minor > 0)
