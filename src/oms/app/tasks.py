"""A process's background work: relay events to publishers and consumers (the dedicated ones,
such as the broker publisher, each in a loop of its own), keep house, release holds that are
due, release pre-orders whose day has come, settle payment transactions left pending. Embedded
mode runs it inside `oms serve`; server mode in `oms worker`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from oms import customer_value, notifications, orders, payments, reports
from oms import demand as demand_jobs
from oms.app import event_registry
from oms.history import handlers as history_jobs
from oms.history import services as history_services
from oms.platform import background, jobs, outbox
from oms.platform.housekeeping import Housekeeper
from oms.platform.relay import Relay
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock, SystemClock

HOLD_TIMER_SECONDS = 30.0
JOBS_POLL_SECONDS = 5.0
FORECAST_SCHEDULE_SECONDS = 600.0
"""How often the worker checks whether a scheduled forecast run is due."""
PREORDER_TIMER_SECONDS = 300.0
"""How often pre-orders are checked for their release day (a day's granularity needs no more)."""


def relay(engine: Engine, clock: Clock | None = None, settings: Settings | None = None) -> Relay:
    """The relay with the log publisher and every consumer of this deployment (the broker's
    when ``settings`` name one)."""
    clock = clock or SystemClock()
    return Relay(
        engine,
        registry=event_registry.registry(),
        subscriptions=event_registry.subscriptions(settings),
        publishers=[outbox.LogPublisher()],
        unit_of_work=lambda: UnitOfWork(engine, clock),
        clock=clock,
    )


def payments_sweeper(engine: Engine, settings: Settings, clock: Clock) -> background.Periodic:
    """Settle payment transactions a dead process left pending, by asking their providers,
    then apply the Stripe notifications that were waiting for them (an event that arrived
    before its tender was recorded). The worker builds its own providers; each pass its own
    units of work."""

    def sweep() -> int:
        uow = UnitOfWork(engine, clock)
        providers = payments.build_providers(settings, UnitOfWork(engine, clock))
        settled = payments.settle_pending(uow=uow, providers=providers)
        return settled + payments.replay_stripe_notifications(uow=uow, providers=providers)

    return background.Periodic("payments-sweeper", sweep)


def job_handlers(engine: Engine, clock: Clock) -> dict[str, jobs.Handler]:
    """Every kind of background job this deployment runs, by kind."""
    return {
        demand_jobs.FORECAST_RUN: demand_jobs.forecast_run_handler(engine, clock),
        history_services.IMPORT: history_jobs.import_handler(engine, clock),
        customer_value.SCORE_RUN: customer_value.score_run_handler(engine, clock),
    }


def forecast_schedule(engine: Engine, settings: Settings, clock: Clock) -> background.Periodic:
    """Queue a forecast run when the latest is older than ``forecast_interval_hours``."""
    every = timedelta(hours=settings.forecast_interval_hours)
    return background.Periodic(
        "forecast-schedule", lambda: demand_jobs.schedule_due(engine, clock, every)
    )


def customer_value_schedule(
    engine: Engine, settings: Settings, clock: Clock
) -> background.Periodic:
    """Queue a customer scoring run when the latest is older than
    ``customer_value_interval_hours``."""
    every = timedelta(hours=settings.customer_value_interval_hours)
    discount = settings.customer_value_monthly_discount
    return background.Periodic(
        "customer-value-schedule",
        lambda: customer_value.schedule_due(engine, clock, every, monthly_discount=discount),
    )


def start(
    engine: Engine, settings: Settings, clock: Clock | None = None, *, with_relay: bool = True
) -> list[Callable[[], None]]:
    """Start the loops in threads; returns their stop functions.

    Every dedicated subscriber's relay loop starts here in both modes; ``with_relay=False``
    leaves out only the relay's own pass, which ``oms worker`` runs in its main thread.
    """
    clock = clock or SystemClock()
    housekeeper = Housekeeper(
        engine,
        clock=clock,
        idempotency_retention=timedelta(hours=settings.idempotency_retention_hours),
    )
    holds = background.Periodic(
        "release-due-holds", lambda: orders.release_due_holds(uow=UnitOfWork(engine, clock))
    )
    preorders = background.Periodic(
        "release-preorders", lambda: orders.release_preorders(uow=UnitOfWork(engine, clock))
    )
    stops = [
        background.start_in_thread(
            housekeeper, settings.housekeeping_interval_seconds, "housekeeping"
        ),
        background.start_in_thread(holds, HOLD_TIMER_SECONDS, "hold-timer"),
        background.start_in_thread(preorders, PREORDER_TIMER_SECONDS, "preorder-release"),
        background.start_in_thread(
            background.Periodic("jobs", jobs.Runner(engine, job_handlers(engine, clock), clock)),
            JOBS_POLL_SECONDS,
            "jobs",
        ),
        background.start_in_thread(
            forecast_schedule(engine, settings, clock),
            FORECAST_SCHEDULE_SECONDS,
            "forecast-schedule",
        ),
        background.start_in_thread(
            customer_value_schedule(engine, settings, clock),
            FORECAST_SCHEDULE_SECONDS,
            "customer-value-schedule",
        ),
        background.start_in_thread(
            background.Periodic("report-summaries", reports.summary_keeper(engine, clock)),
            reports.REFRESH_SECONDS,
            "report-summaries",
        ),
        background.start_in_thread(
            payments_sweeper(engine, settings, clock),
            payments.SWEEP_INTERVAL_SECONDS,
            "payments-sweeper",
        ),
    ]
    stops.extend(
        background.start_in_thread(loop, interval, name)
        for name, loop, interval in notifications.background_work(engine, settings, clock)
    )
    deployment_relay = relay(engine, clock, settings)
    stops.extend(
        background.start_in_thread(loop, settings.relay_interval_seconds, loop.name)
        for loop in deployment_relay.dedicated_loops()
    )
    if with_relay:
        stops.append(
            background.start_in_thread(deployment_relay, settings.relay_interval_seconds, "relay")
        )
    return stops
