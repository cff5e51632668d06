"""Background jobs on Celery: the queue (queue.py), the jobs (tasks.py), the periodic purge
(purge.py) and the worker and beat commands (worker.py)."""
