"""The launcher, run with a table of fake services (`python -c "import fake_catalogue"`)."""

from pos_launcher.catalogue import ServiceSpec, Stage
from pos_launcher.main import main

FAKES = (
    ServiceSpec("auth", "fake_auth", 0, stage=Stage.IDENTITY),
    ServiceSpec("stub", "fake_stub", 0),
    ServiceSpec("gateway", "fake_gateway", 0, stage=Stage.EDGE, has_store=False),
)

if __name__ == "__main__":
    raise SystemExit(main(FAKES))
