"""Dask for batch transcription: the only module that imports ``distributed``
(an import-linter contract keeps it so).

``DaskPool(workers=N)`` starts a local cluster of N worker processes with one
task thread each (one recording at a time per process; the model gets the
process's share of the cores). ``DaskPool(address=...)`` submits to an
existing scheduler whose workers have the project and the model installed,
and see the recordings at the same paths (a shared folder).

Every recording is one task. A worker lost mid-task is Dask's business: the
scheduler runs its tasks again on another worker (up to
``distributed.scheduler.allowed-failures`` deaths, then ``KilledWorker``);
``retries`` covers an unexpected exception in a task.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

from assistant.batch.worker import Job, JobResult, WorkerStats, run_job, worker_stats
from assistant.errors import AssistantError, InputError

RETRIES = 2
"""Extra runs of a task that raised an unexpected exception."""
WORKER_WAIT_S = 30
"""How long a scheduler may take to show its first worker."""

log = logging.getLogger(__name__)


class DaskPool:
    """A Dask client on a local cluster or on an existing scheduler."""

    def __init__(self, *, workers: int | None = None, address: str | None = None) -> None:
        if (workers is None) == (address is None):
            raise ValueError("DaskPool needs workers or address, not both")
        self.workers = workers
        self.address = address
        self._cluster: Any = None
        self._client: Any = None

    def __enter__(self) -> DaskPool:
        import distributed

        dd: Any = distributed  # untyped library: typed here as Any
        logging.getLogger("distributed").setLevel(logging.ERROR)
        try:
            if self.address is not None:
                self._client = dd.Client(self.address, timeout="15s")
                self._client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            else:
                self._cluster = dd.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR)
                self._client = dd.Client(self._cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            self.__exit__(None, None, None)
            if self.address is not None:
                raise InputError(
                    f"Impossible d'utiliser l'ordonnanceur Dask {self.address} : {exc}.",
                    "Vérifiez l'adresse (tcp://HÔTE:PORT), que « dask scheduler » tourne et "
                    "qu'au moins un « dask worker » y est connecté.") from None
            raise AssistantError(
                f"Impossible de démarrer les {self.workers} processus de calcul : {exc}.",
                "Réessayez avec moins de processus (--jobs) ou sans --jobs.") from None
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        """Submit every job; yield each result as it completes."""
        import distributed

        dd: Any = distributed
        client = self._client
        batch = uuid.uuid4().hex[:8]
        futures = {client.submit(run_job, job, key=f"transcribe-{batch}-{job.index}",
                                 retries=RETRIES, pure=False): job for job in jobs}
        for future in dd.as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except dd.KilledWorker:
                yield _failed(job, "Le traitement a arrêté plusieurs processus de calcul "
                                   "de suite ; cet enregistrement est mis de côté.")
            except Exception as exc:  # reported for this recording only
                log.debug("task failed", exc_info=True)
                yield _failed(job, f"Erreur inattendue pendant la transcription "
                                   f"({type(exc).__name__} : {exc}).")
            finally:
                future.release()

    def stats(self) -> list[WorkerStats]:
        """Peak memory, model loads and recordings of each worker still connected."""
        found: dict[str, WorkerStats] = self._client.run(worker_stats)
        return sorted(found.values(), key=lambda w: w.name)


def _failed(job: Job, message: str) -> JobResult:
    return JobResult(job.index, None, message, "?", 0, 0.0)
