"""How gunicorn runs the portal's workers; gunicorn reads ./gunicorn.conf.py from the directory
it starts in (`make run`, the systemd unit of docs/production.md), and command-line options
override it. A `--config` of one's own can run this file first (benchmarks/worker_phases.py).
"""

import gc

# Python collects its youngest objects after every 700 more have been made. A search page makes
# thousands that live as long as the request: collections ran inside most requests, moved the
# request's objects to older generations, and so set off full collections through everything a
# worker keeps for later requests (300,000 objects, about 150 ms each time). A threshold above
# what a request makes lets them die young: garbage collection 0.17 -> 0.04 ms per search page,
# measured over 3,000 new queries in one process.
GC_THRESHOLDS = (50_000, 20, 20)


def post_fork(_server: object, _worker: object) -> None:
    gc.set_threshold(*GC_THRESHOLDS)
