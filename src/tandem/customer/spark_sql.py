"""DuckDB SQL → Spark SQL for the customer pipeline: sqlglot's transpiler plus the few rewrites it
cannot do without knowing the tables.

The rule modules write DuckDB SQL once. sqlglot translates the dialect (QUALIFY, ANTI JOIN,
struct literals, list functions, NULLS ordering); this module adds what needs the catalogue:

* ``read_parquet([...], union_by_name = true)`` becomes a temporary view the engine registers over
  the same files (a version's table may be one file or a folder of parts);
* ``* EXCLUDE (...)`` is expanded into the remaining columns (Spark has no star exclusion);
* ``len(x)`` of a list column becomes ``size(x)`` (DuckDB's ``len`` is for strings and lists);
* ``list(DISTINCT x ORDER BY x)`` becomes ``array_sort(collect_set(x))`` (the order is kept);
* ``jaro_winkler_similarity`` is the engine's registered function of the same meaning.

A construct with no Spark equivalent raises :class:`DialectGap` naming it, never a wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlglot
from sqlglot import exp, transforms

# What the engine tells the transpiler: a view name for a set of Parquet files, and the columns
# (name, is_list) of a table or view it knows (None when it does not know the name).
ParquetView = Callable[[list[str]], str]
Columns = Callable[[str], Sequence[tuple[str, bool]] | None]
QueryColumns = Callable[[str], list[str]]  # the output columns of a Spark SQL query

JARO_WINKLER = "tandem_jaro_winkler"


class DialectGap(ValueError):
    """A DuckDB construct that has no Spark SQL translation."""


def transpile(sql: str, *, parquet_view: ParquetView, columns: Columns,
              query_columns: QueryColumns | None = None) -> list[str]:
    """Spark SQL statements for one DuckDB script (one or more statements)."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise DialectGap(f"The SQL could not be read as DuckDB SQL: {exc}") from exc
    out = []
    for tree in statements:
        tree = tree.transform(lambda node: _parquet(node, parquet_view))
        tree = tree.transform(_ordered_list)
        tree = tree.transform(_jaro_winkler)
        tree = _unique_ctes(tree)
        tree = _list_lengths(tree, columns)
        tree = tree.transform(transforms.eliminate_qualify)
        tree = _hide_qualify_column(tree)
        schema = _Schema(columns, query_columns)
        tree = _expand_stars(tree, schema)
        tree = _union_by_name(tree, schema)
        try:
            out.append(tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE))
        except sqlglot.errors.UnsupportedError as exc:
            raise DialectGap(f"Spark SQL has no equivalent for part of this query: {exc}") from exc
    return out


def _parquet(node: exp.Expression, parquet_view: ParquetView) -> exp.Expression:
    if not (isinstance(node, exp.Table) and isinstance(node.this, exp.ReadParquet)):
        return node
    files: list[str] = []
    for arg in node.this.expressions:
        if isinstance(arg, exp.Array):
            files.extend(a.name for a in arg.expressions)
        elif isinstance(arg, exp.Literal) and arg.is_string:
            files.append(arg.name)
        # named options (union_by_name = true) are what the engine's reader does anyway
    if not files:
        raise DialectGap("read_parquet needs literal file paths on Spark.")
    table = exp.to_table(parquet_view(files))
    if node.alias:
        table.set("alias", node.args.get("alias"))
    return table


def _ordered_list(node: exp.Expression) -> exp.Expression:
    """list(DISTINCT x ORDER BY x) → array_sort(collect_set(x)); list(x ORDER BY ...) is refused."""
    if not isinstance(node, exp.ArrayAgg) or not isinstance(node.this, exp.Order):
        return node
    inner, order = node.this.this, node.this.expressions
    if isinstance(inner, exp.Distinct) and len(inner.expressions) == 1 and len(order) == 1 \
            and order[0].this == inner.expressions[0] and not order[0].args.get("desc"):
        return exp.func("array_sort", exp.func("collect_set", inner.expressions[0].copy()))
    raise DialectGap("Spark has no ordered list aggregate: only list(DISTINCT x ORDER BY x) is translated.")


def _jaro_winkler(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.func(JARO_WINKLER, node.this.copy(), node.expression.copy())
    if isinstance(node, exp.Anonymous) and node.name.lower() == "jaro_winkler_similarity":
        return exp.func(JARO_WINKLER, *[a.copy() for a in node.expressions])
    return node


def _unique_ctes(tree: exp.Expression) -> exp.Expression:
    """Give every CTE its own name: Spark hoists nested WITH clauses to the top, where two
    ``WITH blk AS`` of different subqueries (one per blocking rule) would collide."""
    names = [cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)]
    if len(names) == len(set(names)):
        return tree
    for n, query in enumerate(q for q in tree.find_all(exp.Query) if q.args.get("with_")):
        for cte in query.args["with_"].expressions:
            old, new = cte.alias_or_name, f"{cte.alias_or_name}_{n}"
            for table in query.find_all(exp.Table):
                if table.name.lower() == old.lower() and not table.args.get("db"):
                    table.set("this", exp.to_identifier(new))
            cte.set("alias", exp.TableAlias(this=exp.to_identifier(new)))
    return tree


class _Schema:
    """Column names of a catalogue table or of a (Spark SQL) subquery."""

    def __init__(self, columns: Columns, query_columns: QueryColumns | None) -> None:
        self.columns, self.query_columns = columns, query_columns

    def of(self, source: exp.Expression | None) -> list[str] | None:
        if isinstance(source, exp.Table) and source.name:
            cols = self.columns(source.name)
            return [c for c, _ in cols] if cols is not None else None
        if isinstance(source, exp.Subquery) and self.query_columns is not None:
            return self.query_columns(source.this.sql(dialect="spark"))
        if isinstance(source, exp.Query) and self.query_columns is not None:
            return self.query_columns(source.sql(dialect="spark"))
        return None


def _hide_qualify_column(tree: exp.Expression) -> exp.Expression:
    """QUALIFY became ``SELECT * FROM (SELECT *, <window> AS _w ...) _t WHERE _w ...``: keep _w out."""
    for select in tree.find_all(exp.Select):
        start = select.args.get("from_")
        inner = start.this if start else None
        if isinstance(inner, exp.Subquery) and inner.alias == "_t" and len(select.expressions) == 1 \
                and isinstance(select.expressions[0], exp.Star) and not select.expressions[0].args.get("except_"):
            select.set("expressions", [exp.Star(except_=[exp.column("_w")])])
    return tree


def _sources(select: exp.Select) -> dict[str, exp.Expression]:
    """alias (or name) -> table or subquery, for this SELECT's FROM and JOINs."""
    found: dict[str, exp.Expression] = {}
    start = select.args.get("from_")
    joins = [j for j in select.args.get("joins") or [] if (j.args.get("kind") or "").upper() not in ("ANTI", "SEMI")]
    for source in [start.this if start else None, *(j.this for j in joins)]:  # a semi/anti join adds no column
        if isinstance(source, exp.Table | exp.Subquery) and source.alias_or_name:
            found[source.alias_or_name] = source
    return found


def _expand_stars(tree: exp.Expression, schema: _Schema) -> exp.Expression:
    """``* EXCLUDE (...)`` and ``* REPLACE (... AS c)`` as explicit column lists (innermost first)."""
    for select in reversed(list(tree.find_all(exp.Select))):
        sources = _sources(select)
        expanded: list[exp.Expression] = []
        changed = False
        for item in select.expressions:
            star = item.this if isinstance(item, exp.Column) and isinstance(item.this, exp.Star) else item
            excluded = star.args.get("except_") or [] if isinstance(star, exp.Star) else []
            replaced = star.args.get("replace") or [] if isinstance(star, exp.Star) else []
            if not excluded and not replaced:
                expanded.append(item)
                continue
            qualifier = item.table if isinstance(item, exp.Column) else ""
            if not qualifier and len(sources) != 1:
                raise DialectGap("SELECT * EXCLUDE/REPLACE over several tables needs a table qualifier on Spark.")
            source = sources.get(qualifier) if qualifier else next(iter(sources.values()))
            cols = schema.of(source)
            if cols is None:
                raise DialectGap(f"SELECT * EXCLUDE/REPLACE needs a known table on Spark, not '{qualifier}'.")
            drop = {e.name.lower() for e in excluded}
            swap = {r.alias.lower(): r for r in replaced}
            for c in cols:
                if c.lower() in swap:
                    expanded.append(swap[c.lower()].copy())
                elif c.lower() not in drop:
                    expanded.append(exp.column(c, table=qualifier or None, quoted=True))
            changed = True
        if changed:
            select.set("expressions", expanded)
    return tree


def _union_by_name(tree: exp.Expression, schema: _Schema) -> exp.Expression:
    """``UNION [ALL] BY NAME``: both sides select the union of the names, in the left side's order
    (a name one side lacks is NULL there), and then union by position."""
    for union in reversed(list(tree.find_all(exp.Union))):
        if not union.args.get("by_name"):
            continue
        left, right = schema.of(union.this), schema.of(union.expression)
        if left is None or right is None:
            raise DialectGap("UNION BY NAME needs to know both sides' columns on Spark.")
        names = left + [c for c in right if c.lower() not in {x.lower() for x in left}]
        for side, have in (("this", left), ("expression", right)):
            present = {c.lower() for c in have}
            cols = [exp.column(c, quoted=True) if c.lower() in present else exp.alias_(exp.null(), c, quoted=True)
                    for c in names]
            union.set(side, exp.select(*cols).from_(exp.Subquery(this=union.args[side].copy(),
                                                                  alias=exp.TableAlias(this=exp.to_identifier(
                                                                      f"_by_name_{side}")))))
        union.set("by_name", False)
    return tree


def _list_lengths(tree: exp.Expression, columns: Columns) -> exp.Expression:
    """len(col) of a list column → size(col); needs the column's type from the engine."""
    lengths = [n for n in tree.find_all(exp.Length) if isinstance(n.this, exp.Column)]
    if not lengths:
        return tree
    lists: set[str] = set()
    for table in tree.find_all(exp.Table):
        for name, is_list in columns(table.name) or ():
            if is_list:
                lists.add(name.lower())
    for node in lengths:
        if node.this.name.lower() in lists:
            node.replace(exp.ArraySize(this=node.this.copy()))
    return tree
