"""The query guard: is this text one read-only query over our views? Pure (sqlglot's parser), no DuckDB.

The sandbox (``sandbox.py``) is the second wall: even a query this guard let through runs on a
connection that cannot reach files or the network and whose configuration is locked. The guard
exists so a refusal names its reason before anything runs.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError

from tandem.errors import RuleViolation

MAX_SQL = 20_000

# The views every answer sees (sandbox.py creates them); nothing else is a table.
VIEWS = ("profiles", "records", "identifiers", "links", "events", "changes", "segments")

# Table functions that only generate values (no I/O); every other table function is refused.
SAFE_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})

# Functions that read files, reach the network, run SQL text or reveal the server.
BLOCKED_FUNCTIONS = frozenset({
    "glob", "sniff_csv", "parquet_scan", "parquet_metadata", "parquet_schema", "parquet_file_metadata",
    "parquet_kv_metadata", "parquet_bloom_probe", "getenv", "current_setting", "set_config", "query",
    "query_table", "load_extension", "checkpoint", "force_checkpoint", "arrow_scan", "arrow_scan_dumb",
    "postgres_scan", "postgres_query", "postgres_execute", "sqlite_scan", "sqlite_attach", "mysql_query",
    "st_read", "st_read_meta", "excel", "which_secret", "json_execute_serialized_sql", "sql_auto_complete",
    "summary", "enable_profiling", "disable_profiling", "httpfs", "read_blob", "read_text", "seq_scan",
    "index_scan", "pg_read_file", "file_exists", "current_database", "current_catalog", "current_schemas",
    "version", "platform", "import_database", "export_database", "repository", "delta_scan", "iceberg_scan",
    "iceberg_metadata", "iceberg_snapshots", "ducklake_snapshots",
})
BLOCKED_PREFIXES = ("read_", "duckdb_", "pragma_", "parquet_", "iceberg", "delta_", "sqlite_", "postgres_",
                    "mysql_", "http", "s3", "gcs", "azure", "test_", "pg_", "ducklake", "json_execute")

# Statement kinds with a clearer name than their class.
KINDS = {
    exp.Copy: "COPY", exp.Attach: "ATTACH", exp.Detach: "DETACH", exp.Install: "INSTALL", exp.Pragma: "PRAGMA",
    exp.Set: "SET", exp.Insert: "INSERT", exp.Update: "UPDATE", exp.Delete: "DELETE", exp.Create: "CREATE",
    exp.Drop: "DROP", exp.Alter: "ALTER", exp.Merge: "MERGE", exp.Use: "USE", exp.Describe: "DESCRIBE",
    exp.Summarize: "SUMMARIZE", exp.Show: "SHOW", exp.TruncateTable: "TRUNCATE", exp.Transaction: "BEGIN",
    exp.Commit: "COMMIT", exp.Rollback: "ROLLBACK", exp.Into: "SELECT … INTO", exp.Export: "EXPORT",
}


class Refused(RuleViolation):
    """The guard's refusal; ``reason`` is the one-line why (also the message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Query refused: {reason}", field="sql")
        self.reason = reason


@dataclass(frozen=True)
class Checked:
    sql: str
    tables: frozenset[str]
    params: frozenset[str]


def check(sql: str, *, params: Collection[str] = (), views: Collection[str] = VIEWS) -> Checked:
    """Accept exactly one SELECT/WITH query over ``views`` using only declared ``$name`` parameters."""
    text = _check_text(sql)
    tree = _parse_one(text)
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    tables = _check_nodes(tree, allowed={v.lower() for v in views}, ctes=ctes)
    used = _check_placeholders(tree, declared={p.lower() for p in params})
    return Checked(sql=text, tables=frozenset(tables), params=frozenset(used))


def _check_text(sql: str) -> str:
    text = (sql or "").strip()
    if not text:
        raise Refused("the query is empty")
    if len(text) > MAX_SQL:
        raise Refused(f"the query is {len(text):,} characters; {MAX_SQL:,} at most")
    for ch in text:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in "\t\n\r") or cat in ("Cf", "Co", "Cs", "Zl", "Zp"):
            raise Refused(f"it contains an invisible or control character (U+{ord(ch):04X})")
    return text.rstrip(";").rstrip()


def _parse_one(text: str) -> exp.Expression:
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)  # the "falling back to Command" warning is our refusal, not a log line
    try:
        trees = [t for t in sqlglot.parse(text, read="duckdb", error_level=ErrorLevel.RAISE) if t is not None]
    except (ParseError, TokenError) as exc:
        raise Refused(f"it is not valid SQL ({_first_line(str(exc))})") from None
    finally:
        logger.setLevel(level)
    if len(trees) != 1:
        raise Refused(f"it holds {len(trees)} statements; send exactly one SELECT")
    tree = trees[0]
    if not isinstance(tree, exp.Query):
        kind = _kind(tree) if _is_statement(tree) else (text.split() or ["?"])[0].upper()[:30]
        raise Refused(f"only SELECT (or WITH … SELECT) is allowed, not {kind}")
    return tree


def _check_nodes(tree: exp.Expression, *, allowed: set[str], ctes: set[str]) -> set[str]:
    tables: set[str] = set()
    for node in tree.walk():
        if isinstance(node, exp.Query | exp.Subquery):
            continue
        if _is_statement(node):
            raise Refused(f"only SELECT is allowed; it contains {_kind(node)}")
        if isinstance(node, exp.Func):
            _check_function(node)
        if isinstance(node, exp.Identifier) and not node.quoted:
            _check_lookalike(str(node.this))
        if isinstance(node, exp.Table):
            tables |= _check_table(node, allowed=allowed, ctes=ctes)
    return tables


def _is_statement(node: exp.Expression) -> bool:
    return isinstance(node, tuple(KINDS) + (exp.Command, exp.DDL, exp.DML)) and not isinstance(node, exp.Query)


def _kind(node: exp.Expression) -> str:
    for cls, name in KINDS.items():
        if isinstance(node, cls):
            return name
    if isinstance(node, exp.Command):
        return str(node.this).upper() or "a command"
    return type(node).__name__.upper()


def function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def _check_function(node: exp.Func) -> None:
    name = function_name(node)
    if name in BLOCKED_FUNCTIONS or name.startswith(BLOCKED_PREFIXES):
        raise Refused(f"the function {name}() reads files, reaches the network or the server; it is not allowed")


def _check_lookalike(name: str) -> None:
    for ch in name:
        if ord(ch) > 127 and (unicodedata.normalize("NFKC", ch) != ch or unicodedata.category(ch)[0] in "PSZ"):
            raise Refused(f"the name “{name}” uses a look-alike character (U+{ord(ch):04X}); type it plainly")


def _check_table(node: exp.Table, *, allowed: set[str], ctes: set[str]) -> set[str]:
    target = node.this
    if isinstance(target, exp.Func):
        name = function_name(target)
        if name not in SAFE_TABLE_FUNCTIONS:
            raise Refused(f"the table function {name}() is not allowed; read the warehouse views instead")
        return set()
    if not isinstance(target, exp.Identifier):
        raise Refused("a table must be one of the warehouse views")
    name = str(target.this)
    catalog, db = node.catalog.lower(), node.db.lower()
    if catalog not in ("", "memory") or db not in ("", "main"):
        qualified = ".".join(p for p in (node.catalog, node.db, name) if p)
        raise Refused(f"“{qualified}” is outside the warehouse; use the views {', '.join(sorted(allowed))}")
    if any(ch in name for ch in "/\\:") or name.lower().endswith((".csv", ".parquet", ".json", ".txt", ".gz")):
        raise Refused(f"“{name}” looks like a file; answers read only the warehouse views")
    lowered = name.lower()
    if lowered in ctes:
        return set()
    if lowered not in allowed:
        raise Refused(f"there is no view “{name}”; use one of {', '.join(sorted(allowed))}")
    return {lowered}


def _check_placeholders(tree: exp.Expression, *, declared: set[str]) -> set[str]:
    used: set[str] = set()
    for node in tree.find_all(exp.Placeholder, exp.Parameter):
        name = str(node.name or "").lower() if isinstance(node, exp.Placeholder) else node.name.lower()
        if not name or name == "?" or name.isdigit():
            raise Refused("use named parameters ($since), not ? or $1")
        if name not in declared:
            raise Refused(f"the parameter ${name} is not declared; add it to the answer's parameters")
        used.add(name)
    return used


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "parse error"
    return re.sub(r"\x1b\[[0-9;]*m", "", line)[:200]
