"""payment's rules: money in minor units, the ledger's sums, plain classes without I/O."""
