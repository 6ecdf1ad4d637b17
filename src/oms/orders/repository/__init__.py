"""Reading and writing orders with SQLAlchemy Core (one module per concern)."""

from oms.orders.repository.changes import (
    change_by_id as change_by_id,
)
from oms.orders.repository.changes import (
    insert_change as insert_change,
)
from oms.orders.repository.changes import (
    list_changes as list_changes,
)
from oms.orders.repository.changes import (
    mark_confirmed as mark_confirmed,
)
from oms.orders.repository.orders import (
    FIRST_NUMBER as FIRST_NUMBER,
)
from oms.orders.repository.orders import (
    add_allocations as add_allocations,
)
from oms.orders.repository.orders import (
    add_holds as add_holds,
)
from oms.orders.repository.orders import (
    append_timeline as append_timeline,
)
from oms.orders.repository.orders import (
    due_holds as due_holds,
)
from oms.orders.repository.orders import (
    has_orders as has_orders,
)
from oms.orders.repository.orders import (
    insert_lines as insert_lines,
)
from oms.orders.repository.orders import (
    insert_order as insert_order,
)
from oms.orders.repository.orders import (
    next_number as next_number,
)
from oms.orders.repository.orders import (
    order_by_external_id as order_by_external_id,
)
from oms.orders.repository.orders import (
    order_by_id as order_by_id,
)
from oms.orders.repository.orders import (
    order_by_number as order_by_number,
)
from oms.orders.repository.orders import (
    release_hold as release_hold,
)
from oms.orders.repository.orders import (
    remove_allocations as remove_allocations,
)
from oms.orders.repository.orders import (
    save_hold_rule as save_hold_rule,
)
from oms.orders.repository.orders import (
    save_lines as save_lines,
)
from oms.orders.repository.orders import (
    save_state as save_state,
)
from oms.orders.repository.queries import (
    OrderFilter as OrderFilter,
)
from oms.orders.repository.queries import (
    allocated_by_stock as allocated_by_stock,
)
from oms.orders.repository.queries import (
    list_orders as list_orders,
)
from oms.orders.repository.queries import (
    timeline as timeline,
)
from oms.orders.repository.rows import (
    hold_values as hold_values,
)
from oms.orders.repository.rows import (
    line_values as line_values,
)
from oms.orders.repository.rows import (
    load_orders as load_orders,
)
from oms.orders.repository.rows import (
    order_values as order_values,
)
