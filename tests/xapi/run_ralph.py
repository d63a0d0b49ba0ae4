"""Start Ralph's LRS API (file-system backend) for the tests: ``python run_ralph.py PORT``,
run with Ralph's own virtualenv, configured by ``RALPH_*`` variables (see lrs.py).

One adjustment to the peer, made here and nowhere else: Ralph 5.1's file-system LRS
backend writes with the data backend's default operation, ``create``, which refuses to
write to a file that exists — so it stores the first statement and answers 500 to every
later one. Appending is what an LRS file backend must do; the tests set it, and leave
everything else (API, validation, conflict checks, queries) as Ralph has it.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402 - after the adjustment above

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
