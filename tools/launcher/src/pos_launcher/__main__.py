"""`python -m pos_launcher` (what `make run` runs)."""

from pos_launcher.main import main

raise SystemExit(main())
