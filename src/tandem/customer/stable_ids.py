"""Stable customer ids: a person keeps their id across runs; merges and splits are recorded.

Rule: every previous id goes to the new cluster that holds most of its records; a cluster keeps
the claimed id with the most records (ties: the oldest id). Clusters with no claim get new ids,
which are never reused (the counter lives in the version manifest). SQL text only.
"""

from __future__ import annotations

ID_WIDTH = 9


def format_id(number: int) -> str:
    return f"C{number:0{ID_WIDTH}d}"


def overlap_sql(labels: str, records: str, previous_links: str) -> str:
    return f"""SELECT l.cluster, p.customer_id, count(*) AS n
        FROM {labels} l JOIN {records} r USING (rid) JOIN {previous_links} p USING (source, record_key)
        GROUP BY l.cluster, p.customer_id"""


def kept_ids_sql(overlap: str) -> str:
    return f"""WITH claim AS (
            SELECT customer_id, cluster, n FROM {overlap}
            QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, cluster) = 1)
        SELECT cluster, customer_id FROM claim
        QUALIFY row_number() OVER (PARTITION BY cluster ORDER BY n DESC, customer_id) = 1"""


def fresh_clusters_sql(labels: str, kept: str) -> str:
    """The clusters no previous id went to: they get new ids, numbered from the manifest's counter in
    cluster order (``Engine.create_numbered`` on ``cluster``), so ids leave no gaps and every engine
    hands out the same ones."""
    return f"SELECT DISTINCT cluster FROM {labels} ANTI JOIN {kept} USING (cluster)"


def assign_sql(kept: str, fresh: str) -> str:
    """cluster -> customer_id: the kept ids, and the numbered fresh clusters (``num``) as new ids."""
    return f"""SELECT cluster, customer_id FROM {kept}
        UNION ALL SELECT cluster, 'C' || lpad(CAST(num AS VARCHAR), {ID_WIDTH}, '0') FROM {fresh}"""


def changes_sql(overlap: str, assigned: str) -> str:
    """Previous ids that were merged into another id, or split across several profiles."""
    return f"""
        SELECT 'merged' AS change, o.customer_id AS previous_id, a.customer_id AS customer_id
        FROM {overlap} o JOIN {assigned} a USING (cluster) WHERE o.customer_id <> a.customer_id
          AND o.customer_id NOT IN (SELECT customer_id FROM {assigned})
        UNION ALL
        SELECT 'split', o.customer_id, a.customer_id FROM {overlap} o JOIN {assigned} a USING (cluster)
        WHERE o.customer_id IN (SELECT customer_id FROM {overlap} GROUP BY 1 HAVING count(*) > 1)
          AND o.customer_id <> a.customer_id AND o.customer_id IN (SELECT customer_id FROM {assigned})"""
