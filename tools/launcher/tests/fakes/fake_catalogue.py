"""The launcher, run with a table of fake services (`python -c "import fake_catalogue"`)."""

from pos_kit.catalogue import ServiceEntry, Stage
from pos_launcher.main import main

FAKES = (
    ServiceEntry("auth", "fake_auth", 0, stage=Stage.IDENTITY),
    ServiceEntry("stub", "fake_stub", 0),
    ServiceEntry("gateway", "fake_gateway", 0, store=None, stage=Stage.EDGE),
)

if __name__ == "__main__":
    raise SystemExit(main(FAKES))
