"""Tandem's settings: one typed object built by the composition roots, never at import time."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tandem import storage
from tandem.errors import RuleViolation


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="ignore", hide_input_in_errors=True)

    home: Path = Field(
        default=Path("./tandem-data"),
        description="Workspace folder: the SQLite database, the customer warehouse and the secret key.",
    )
    database_url: str = Field(
        default="",
        description="Operational database URL. Empty means a SQLite file in the workspace; "
        "use postgresql+psycopg://user@host/db for PostgreSQL.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Key for signing tokens. Empty means one is generated once and kept in the workspace.",
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="How long a web session lives without activity, in hours."
    )
    cookie_secure: bool = Field(
        default=False, description="Send the session cookie only over HTTPS (turn on behind TLS)."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins for one email within the window that lock that email."
    )
    login_address_max_failures: int = Field(
        default=20, ge=1, description="Failed sign-ins from one client address within the window that lock it out."
    )
    login_window_minutes: float = Field(default=15.0, gt=0, description="The window failed sign-ins are counted in.")
    login_lockout_minutes: float = Field(
        default=15.0, gt=0, description="How long a locked email or address is refused, in minutes."
    )
    requests_in_flight: int = Field(
        default=4, ge=1, le=30, description="Requests a server process works on at once; the rest wait in its "
        "event loop, holding no thread or connection. Requests are mostly CPU in Python, so a few at a time keep a "
        "core busy without the threads fighting over the interpreter lock; raise it for a slow, remote database.",
    )
    feed_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often an open live feed checks for new activity."
    )
    debug: bool = Field(default=False, description="Show tracebacks in error pages; never in production.")
    warehouse_memory: str = Field(
        default="", pattern=r"^(\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB))?$",
        description="Memory cap for the customer pipeline's DuckDB engine, e.g. 1GB (empty: DuckDB's default, "
        "80% of RAM). A cap trades speed for memory: beyond it DuckDB spills to disk in the workspace.",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="Engine of the customer pipeline: duckdb (in process) or spark (PySpark, "
        "for data that outgrows one machine; see docs/scaling.md).",
    )
    spark_master: str = Field(
        default="local[*]", description="Spark master when TANDEM_ENGINE=spark: local[*], spark://host:7077, "
        "yarn, k8s://… or a Spark Connect URL sc://host:15002.",
    )
    spark_conf: str = Field(
        default="", description="Extra Spark settings when TANDEM_ENGINE=spark, as key=value pairs separated by "
        "commas (e.g. spark.driver.memory=8g,spark.sql.shuffle.partitions=400).",
    )
    warehouse: str = Field(
        default="", description="Where the customer warehouse lives: empty for the workspace's warehouse folder, "
        "another folder (a shared mount for a Spark cluster), or object storage such as s3://bucket/prefix "
        "(s3a:// is read the same; needs the objectstore extra). See docs/scaling.md.",
    )
    warehouse_options: SecretStr = Field(
        default=SecretStr(""), description="Options of an object-storage warehouse, as a JSON object for fsspec "
        "(e.g. {\"endpoint_url\": \"http://minio:9000\"}); credentials may also come from the usual AWS_* variables.",
    )
    warehouse_keep_versions: int = Field(
        default=5, ge=1, le=100, description="How many identity-resolution versions the warehouse keeps."
    )
    match_threshold: float = Field(
        default=0.99, gt=0, lt=1, description="Match probability two records need to be linked into one profile."
    )
    review_floor: float = Field(
        default=0.5, gt=0, lt=1, description="Pairs from this match probability up to the threshold go to review."
    )
    junk_limit: int = Field(
        default=20, ge=2, description="An identifier value shared by more records than this is junk and links no one."
    )
    query_timeout: float = Field(
        default=30.0, gt=0, le=3600, description="Time limit of one answer query, in seconds (the query is stopped)."
    )
    query_row_limit: int = Field(
        default=5000, ge=1, le=1_000_000, description="Rows an answer query returns and a run keeps; more are cut "
        "and the run is marked truncated."
    )
    query_memory: str = Field(
        default="1GB", pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="Memory limit of one answer query's DuckDB connection, e.g. 512MB (stopped beyond it).",
    )
    blocked_identifiers: str = Field(
        default="", description="Extra identifier values that never link anyone, comma separated "
        "(added to the built-in list: test@test.com, 0000000000, …)."
    )

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        self.home = self.home.expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / 'tandem.db'}"
        if "://" in self.warehouse:  # a location that cannot be opened stops the start
            try:
                storage.location(self.warehouse, self.warehouse_options.get_secret_value())
            except RuleViolation as exc:
                raise ValueError(exc.message) from None
        return self

    @property
    def warehouse_path(self) -> Path:
        """A local folder (``pathlib.Path``) or an object-storage location (``upath.UPath``); see ``storage``."""
        if not self.warehouse:
            return self.home / "warehouse"
        return storage.location(self.warehouse, self.warehouse_options.get_secret_value())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def signing_key(self) -> str:
        """The configured key, or one generated once and kept (mode 600) in the workspace."""
        if self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        path = self.home / "secret.key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@cache
def get_settings() -> Settings:
    return Settings()
