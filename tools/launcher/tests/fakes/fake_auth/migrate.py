"""Creates the fake auth's "database"; FAKE_MIGRATE=fail makes it fail."""

import json
import os
import sys

from fakesvc import database_file, log

PREFIX = "POS_FAKE_AUTH_"

if __name__ == "__main__":
    if os.environ.get("FAKE_MIGRATE") == "fail":
        print("migration failed on purpose", flush=True)
        sys.exit(4)
    path = database_file(PREFIX)
    if not path.exists():
        path.write_text(json.dumps({"users": {}}))
    log("auth", "migrated", database=str(path))
