"""The console's customer value before any scoring run: the 360 page's Value block shows its
empty state, the value filters list nothing and say why, bad filters are refused."""

from __future__ import annotations

from sqlalchemy import Engine

from oms import customers
from oms.platform.unit_of_work import UnitOfWork
from tests.console.conftest import StaffFor


def test_an_unscored_customer_shows_the_empty_value_block(
    staff_for: StaffFor, engine: Engine
) -> None:
    customer = customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada Byron"), uow=UnitOfWork(engine)
    )
    page = staff_for("marketing").get(f"/console/customers/{customer.id}")
    assert page.status_code == 200
    block = page.text.split('id="value-heading"', 1)[1].split("</section>", 1)[0]
    assert "No lifetime value yet" in block


def test_value_filters_without_scores_list_nobody_and_bad_ones_are_refused(
    staff_for: StaffFor, engine: Engine
) -> None:
    customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada Byron"), uow=UnitOfWork(engine)
    )
    csr = staff_for("csr")
    plain = csr.get("/console/customers")
    assert "Ada Byron" in plain.text
    assert 'name="clv_min"' in plain.text
    assert 'name="churn_min"' in plain.text
    filtered = csr.get("/console/customers?clv_min=10&churn_min=50")
    assert filtered.status_code == 200
    assert "Ada Byron" not in filtered.text
    assert "No scored customer passes these filters" in filtered.text
    fragment = csr.htmx("/console/customers?churn_min=50")
    assert "No scored customer passes these filters" in fragment.text
    assert csr.get("/console/customers?clv_min=-5").status_code == 422
    assert csr.get("/console/customers?churn_min=abc").status_code == 422
    assert csr.get("/console/customers?churn_min=5&after=nonsense").status_code == 422
