"""Batch transcription of recordings, for ``assistant transcribe`` and the
back-office archives.

- ``decode``: one recording through the model (``transcribe_file``).
- ``plan``: which recordings, where their outputs go, what is already done
  (SHA-256 of the recording + a fingerprint of the settings in a sidecar),
  atomic writes.
- ``worker``: the task that runs on a worker, with its process-wide model cache.
- ``cluster``: the only module that imports Dask (``distributed``): a local
  cluster (``--jobs N``) or an existing scheduler (``--scheduler``).
- ``run``: ``run_batch`` ties them together, in this process or on Dask.

Kept apart from the CLI so that benchmarks and tests drive exactly what
``assistant transcribe`` runs.
"""

from assistant.batch.decode import Progress, transcribe_file
from assistant.batch.run import BatchPlan, BatchReport, Listener, Outcome, plan_batch, run_batch

__all__ = ["BatchPlan", "BatchReport", "Listener", "Outcome", "Progress", "plan_batch",
           "run_batch", "transcribe_file"]
