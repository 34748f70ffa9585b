"""The payment service: payments, tips, refunds, cash drawers, the daily sales report."""
