"""Order history: orders of the past, imported from files (the UCI "Online Retail" export or
oms's generic CSV) as completed orders with their customers, products, charges and credits."""
