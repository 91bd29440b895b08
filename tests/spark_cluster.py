"""A real Apache Spark standalone cluster on loopback for the tests, started from
pyspark's own launch scripts: one master and two workers, then a driver connected to it.

Nothing is mocked and nothing runs in ``local[*]`` mode: the master
(``org.apache.spark.deploy.master.Master``) and each worker
(``org.apache.spark.deploy.worker.Worker``) are separate JVMs started with the wheel's
``bin/spark-class`` (the launcher adds the JVM options Spark 4 needs on Java 17), every
one bound to 127.0.0.1 on ports the kernel picks (``--port 0 --webui-port 0``, read back
from the logs), its output in ``<folder>/logs/``. The workers have 1 core and 1 GiB each,
so a driver gets one executor on each (``spark.executor.cores=1``).

Time zones: the JVMs of the driver and of the executors run in ``Asia/Shanghai``
(``-Duser.timezone``), as a bureau's machines do, so a test on this cluster sees any
shift of wall-clock times by the machine's zone. The records are naive local date-times
(polars ``Datetime("us")``), which Parquet stores as TIMESTAMP(isAdjustedToUTC=false);
Spark 4 reads those as ``TIMESTAMP_NTZ`` (``spark.sql.parquet.inferTimestampNTZ.enabled``,
pinned here) and Ibis maps that to a zone-less ``timestamp``: the values come back with
the same wall-clock reading whatever the zones of the JVMs and of the session
(``ibis.pyspark.connect`` sets the session's to UTC). See tests/test_spark_cluster.py.

The pytest fixtures (``spark_cluster``, ``spark_session``, ``spark_ibis``) are in
conftest.py; a ``spark`` test needs Java 17 or later and the ``spark`` extra.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKERS = 2
WORKER_CORES = 1
WORKER_MEMORY = "1g"
EXECUTOR_MEMORY = "512m"
DRIVER_MEMORY = "512m"
DAEMON_MEMORY = "256m"  # the master's and each worker's own heap
JVM_TIME_ZONE = "Asia/Shanghai"
# generous: the machines that run the suite are small and shared
START_TIMEOUT = 240.0
STOP_TIMEOUT = 30.0

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
MASTER_URL_LINE = re.compile(r"Starting Spark master at (spark://[\d.]+:\d+)")
MASTER_UI_LINE = re.compile(r"Successfully started service 'MasterUI' on port (\d+)")
JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


class SparkClusterError(RuntimeError):
    """The cluster did not start (the message holds the end of every log)."""


def java_major(version_text: str) -> int:
    """The major version in ``java -version``'s output, 0 when none is found.

    >>> java_major('openjdk version "17.0.15" 2025-04-15')
    17
    >>> java_major('openjdk version "21" 2023-09-19')
    21
    >>> java_major('java version "1.8.0_402"')
    8
    >>> java_major("bash: java: command not found")
    0
    """
    found = JAVA_VERSION.search(version_text)
    if not found:
        return 0
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def spark_missing() -> str | None:
    """Why no cluster can be started here (no Java 17+, no pyspark), or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return 'pyspark is not installed (pip install -e ".[dev,spark]"; ./run test does)'
    java = shutil.which("java")
    if java is None:
        return "no java on PATH: the Spark tests need Java 17 (apt-get install openjdk-17-jre-headless; ./run test does)"
    done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    text = done.stderr + done.stdout
    if java_major(text) < 17:
        first = text.strip().splitlines()[:1]
        return f"Spark 4 needs Java 17 or later; {java} is {first[0] if first else 'unknown'}"
    return None


def spark_home() -> Path:
    """The pyspark wheel's folder: its ``bin/``, ``jars/`` are a Spark distribution."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """The daemon gets SIGTERM when the test process dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Daemon:
    """One JVM of the cluster: its name, process (leader of its own group) and log."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to its process group (the JVM and the executors a worker started),
        SIGKILL what is left after ``timeout`` seconds."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # an executor whose worker was killed may outlive it: same group, end it too
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)


@dataclass
class SparkCluster:
    """A running cluster: the URL a driver connects to, the master's web UI (its
    ``/json/`` status), its folder (logs, work and scratch dirs) and its daemons."""

    url: str
    web_ui: str
    folder: Path
    daemons: list[Daemon] = field(default_factory=list)
    started_in: float = 0.0  # seconds from the first launch to both workers registered

    def status(self) -> dict[str, Any]:
        """The master's JSON status (workers, their cores, the running applications)."""
        with urllib.request.urlopen(f"{self.web_ui}/json/", timeout=30) as reply:
            result: dict[str, Any] = json.load(reply)
            return result

    def logs(self, tail: int = 4000) -> str:
        """The end of every daemon's log and of every executor's stderr, for a failure."""
        parts = [f"--- {d.name} ({d.log}) ---\n{d.text()[-tail:]}" for d in self.daemons]
        driver = self.folder / "logs" / "driver.log"
        if driver.exists():
            parts.append(f"--- driver ({driver}) ---\n{driver.read_text(errors='replace')[-tail:]}")
        for err in sorted(self.folder.glob("work-*/app-*/*/stderr")):
            parts.append(f"--- executor ({err}) ---\n{err.read_text(errors='replace')[-tail:]}")
        return "\n".join(parts)


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SPARK_HOME=str(spark_home()),
        # no spark-env.sh / spark-defaults.conf / log4j2.properties of anyone else
        SPARK_CONF_DIR=str(folder / "conf"),
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOCAL_HOSTNAME="127.0.0.1",
        SPARK_DAEMON_MEMORY=DAEMON_MEMORY,
        SPARK_LOG_DIR=str(folder / "logs"),
        SPARK_PID_DIR=str(folder),
        # the executors' Python (only a Python UDF starts one), this interpreter
        PYSPARK_PYTHON=sys.executable,
    )
    env.pop("SPARK_DAEMON_JAVA_OPTS", None)
    env.pop("SPARK_MASTER_OPTS", None)
    env.pop("SPARK_WORKER_OPTS", None)
    return env


def _launch(name: str, args: list[str], folder: Path, env: dict[str, str]) -> Daemon:
    log = folder / "logs" / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(spark_home() / "bin" / "spark-class"), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,  # its own group: Ctrl-C reaches pytest, which stops it
            preexec_fn=_die_with_parent,
        )
    return Daemon(name, proc, log)


def _wait(what: str, check: Any, cluster: SparkCluster, deadline: float) -> Any:
    """Poll ``check()`` until it returns something true; fail if a daemon exits or the
    deadline passes, with every log."""
    while True:
        found = check()
        if found:
            return found
        for d in cluster.daemons:
            if d.proc.poll() is not None:
                raise SparkClusterError(
                    f"Spark {d.name} exited with {d.proc.returncode} while waiting for {what}\n"
                    + cluster.logs()
                )
        if time.monotonic() > deadline:
            raise SparkClusterError(
                f"Spark cluster: no {what} after {START_TIMEOUT:.0f} s\n" + cluster.logs()
            )
        time.sleep(0.25)


def _alive_workers(cluster: SparkCluster) -> int:
    try:
        return int(cluster.status().get("aliveworkers", 0))
    except OSError:
        return 0


@contextlib.contextmanager
def running_cluster(folder: Path, workers: int = WORKERS) -> Iterator[SparkCluster]:
    """A master and ``workers`` workers running until the block ends (then stopped,
    workers first). Raises :class:`SparkClusterError` with the logs when they do not
    come up within :data:`START_TIMEOUT` seconds."""
    for sub in ("conf", "logs", "scratch"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    env = _env(folder)
    started = time.monotonic()
    deadline = started + START_TIMEOUT
    master = _launch(
        "master",
        [MASTER_CLASS, "--host", "127.0.0.1", "--port", "0", "--webui-port", "0"],
        folder,
        env,
    )
    cluster = SparkCluster(url="", web_ui="", folder=folder, daemons=[master])

    def master_address() -> tuple[str, str] | None:
        text = master.text()
        url, ui = MASTER_URL_LINE.search(text), MASTER_UI_LINE.search(text)
        return (url.group(1), f"http://127.0.0.1:{ui.group(1)}") if url and ui else None

    try:
        cluster.url, cluster.web_ui = _wait(
            "master URL and web UI", master_address, cluster, deadline
        )
        for n in range(1, workers + 1):
            work, scratch = folder / f"work-{n}", folder / "scratch" / f"worker-{n}"
            work.mkdir()
            scratch.mkdir()
            args = [WORKER_CLASS, "--host", "127.0.0.1", "--port", "0", "--webui-port", "0"]
            args += ["--cores", str(WORKER_CORES), "--memory", WORKER_MEMORY]
            args += ["--work-dir", str(work), cluster.url]
            worker_env = {**env, "SPARK_LOCAL_DIRS": str(scratch)}
            cluster.daemons.append(_launch(f"worker-{n}", args, folder, worker_env))
        _wait(
            f"{workers} workers registered with the master",
            lambda: _alive_workers(cluster) >= workers,
            cluster,
            deadline,
        )
        cluster.started_in = time.monotonic() - started
        yield cluster
    finally:
        for d in reversed(cluster.daemons):
            d.stop()


def session_config(cluster: SparkCluster) -> dict[str, str]:
    """The driver's settings for ``cluster``: loopback, no UI, small memory, one 1-core
    executor per worker and no task before both are registered, the JVMs in
    :data:`JVM_TIME_ZONE`, naive Parquet timestamps read as TIMESTAMP_NTZ, scratch
    and warehouse folders under the cluster's folder, the driver's log in
    ``logs/driver.log``."""
    folder = cluster.folder
    log4j = folder / "conf" / "driver-log4j2.properties"
    log4j.write_text(
        "rootLogger.level = info\n"
        "rootLogger.appenderRef.file.ref = file\n"
        "appender.file.type = File\n"
        "appender.file.name = file\n"
        f"appender.file.fileName = {folder / 'logs' / 'driver.log'}\n"
        "appender.file.layout.type = PatternLayout\n"
        "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex\n"
    )
    zone = f"-Duser.timezone={JVM_TIME_ZONE}"
    return {
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.driver.extraJavaOptions": f"{zone} -Dlog4j2.configurationFile=file:{log4j}",
        "spark.executor.extraJavaOptions": zone,
        "spark.executorEnv.TZ": JVM_TIME_ZONE,
        "spark.executor.memory": EXECUTOR_MEMORY,
        "spark.executor.cores": str(WORKER_CORES),
        "spark.cores.max": str(WORKER_CORES * WORKERS),
        "spark.scheduler.minRegisteredResourcesRatio": "1.0",
        "spark.scheduler.maxRegisteredResourcesWaitingTime": f"{START_TIMEOUT:.0f}s",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.local.dir": str(folder / "scratch" / "driver"),
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }


def connect_session(cluster: SparkCluster, app_name: str = "openness-tests") -> Any:
    """A ``SparkSession`` whose driver (this process) runs its tasks on ``cluster``,
    returned once an executor of every worker has registered."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(cluster.url).appName(app_name)
    for key, value in session_config(cluster).items():
        builder = builder.config(key, value)
    # the driver's JVM is started now, with this environment
    saved = {k: os.environ.get(k) for k in ("SPARK_LOCAL_IP", "SPARK_HOME")}
    os.environ.update(SPARK_LOCAL_IP="127.0.0.1", SPARK_HOME=str(spark_home()))
    try:
        session = builder.getOrCreate()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    deadline = time.monotonic() + START_TIMEOUT
    while len(executors(session)) < WORKERS:
        if time.monotonic() > deadline:
            session.stop()
            raise SparkClusterError(
                f"Spark: {len(executors(session))} of {WORKERS} executors registered "
                f"after {START_TIMEOUT:.0f} s\n" + cluster.logs()
            )
        time.sleep(0.25)
    return session


def executors(session: Any) -> list[dict[str, Any]]:
    """The session's executors (not the driver), from the driver's status store: id,
    the web UI of the worker that runs it (from its log links) and its task counts."""
    found = []
    summaries = session.sparkContext._jsc.sc().statusStore().executorList(True)
    for i in range(summaries.size()):
        e = summaries.apply(i)
        if e.id() == "driver":
            continue
        logs = e.executorLogs()
        stderr = logs.get("stderr")
        link = str(stderr.get()) if stderr.isDefined() else ""
        found.append(
            {
                "id": str(e.id()),
                "worker_ui": link.split("/logPage")[0],
                "completed_tasks": int(e.completedTasks()),
                "active": bool(e.isActive()),
            }
        )
    return found


def connect_ibis(session: Any) -> Any:
    """An Ibis connection running its queries through ``session`` on the cluster."""
    import ibis

    return ibis.pyspark.connect(session)
