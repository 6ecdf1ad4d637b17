"""Sales channels and the locations (warehouses, stores) that serve them.

Public interface for other contexts; everything else in this package is private.
"""

from oms.channels.domain import (
    Brand,
    CaptureMode,
    Channel,
    ChannelChanged,
    ChannelCreated,
    ChannelKind,
    ChannelNotFound,
    InvoiceOn,
    Location,
    LocationChanged,
    LocationCreated,
    LocationKind,
    LocationNotFound,
)
from oms.channels.services import (
    CreateChannel,
    CreateLocation,
    SetBrand,
    UpdateChannel,
    UpdateLocation,
    create_channel,
    create_location,
    get_channel,
    get_location,
    list_channels,
    list_locations,
    locations_by_codes,
    locations_by_ids,
    serving_location_ids,
    set_brand,
    update_channel,
    update_location,
)
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "Brand",
    "CaptureMode",
    "Channel",
    "ChannelChanged",
    "ChannelKind",
    "ChannelNotFound",
    "CreateChannel",
    "CreateLocation",
    "InvoiceOn",
    "Location",
    "LocationKind",
    "LocationNotFound",
    "SetBrand",
    "UpdateChannel",
    "UpdateLocation",
    "create_channel",
    "create_location",
    "get_channel",
    "get_location",
    "list_channels",
    "list_locations",
    "locations_by_codes",
    "locations_by_ids",
    "serving_location_ids",
    "set_brand",
    "update_channel",
    "update_location",
]

EVENTS: tuple[type[Event], ...] = (ChannelCreated, ChannelChanged, LocationCreated, LocationChanged)
"""The event types this context publishes (the composition root registers them)."""
