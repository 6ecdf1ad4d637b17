"""The providers of a deployment, by tender kind.

``manual``, ``marketplace`` and ``pos`` are always there; ``store_credit`` works on our own
database; ``stripe`` only when a Stripe API key is configured (``OMS_STRIPE_API_KEY``):
without one a card tender is refused as a provider not configured, instead of failing at the
first call. Each process builds its own (the HTTP app per request, the worker once).
"""

from __future__ import annotations

from collections.abc import Mapping

from oms.payments.domain import ProviderName
from oms.payments.providers.base import PaymentProvider
from oms.payments.providers.manual import ManualProvider
from oms.payments.providers.marketplace import MarketplaceProvider
from oms.payments.providers.pos import PosProvider
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork


def build_providers(settings: Settings, uow: UnitOfWork) -> Mapping[ProviderName, PaymentProvider]:
    """Every provider this deployment can use; ``uow`` is for those that keep their own
    ledger in our database (store credit), outside the callers' transactions."""
    built: dict[ProviderName, PaymentProvider] = {
        ProviderName.MANUAL: ManualProvider(),
        ProviderName.MARKETPLACE: MarketplaceProvider(),
        ProviderName.POS: PosProvider(),
    }
    credit = _store_credit(uow)
    if credit is not None:
        built[ProviderName.STORE_CREDIT] = credit
    card = _stripe(settings)
    if card is not None:
        built[ProviderName.STRIPE] = card
    return built


def _store_credit(uow: UnitOfWork) -> PaymentProvider | None:
    try:
        from oms.payments.providers.store_credit import StoreCreditProvider
    except ImportError:  # a checkout without the store-credit provider
        return None
    return StoreCreditProvider(uow)


def _stripe(settings: Settings) -> PaymentProvider | None:
    if getattr(settings, "stripe_api_key", None) is None:
        return None
    try:
        from oms.payments.providers.stripe import StripeProvider
    except ImportError:  # a checkout without the Stripe provider
        return None
    return StripeProvider(settings)
