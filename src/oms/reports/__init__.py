"""Reports: sales, products, returns, fulfilment, inventory, payments and customers, exact to the
cent, and the Parquet export that any engine can recompute them from."""
