"""The benchmark suite of issue 10: open-loop scenarios against the whole system."""
