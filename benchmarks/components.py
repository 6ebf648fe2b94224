"""Graph components: Spark's large-star/small-star rounds against scipy on the driver, same graphs, same run.

    python benchmarks/components.py [--nodes 20000,200000] [--spark-master local[2]]

For each size, two graphs: one chain through every node in a shuffled order (the longest path a graph of
that size can have: the worst case for propagation) and a random graph with as many links as nodes
(many small components, like customer profiles). Prints the seconds and rounds Spark took on the cluster
(large-star/small-star), Spark's driver path (links collected, scipy), DuckDB's (the same in process),
and whether all three found the same components.
"""

from __future__ import annotations

import argparse
import random
import time

import pyarrow as pa

from tandem.customer.engine import DuckEngine


def _graphs(n: int, seed: int) -> dict[str, tuple[list[int], list[int]]]:
    rng = random.Random(seed)
    order = list(range(n))
    rng.shuffle(order)
    return {"chain": (order[:-1], order[1:]),
            "random": ([rng.randrange(n) for _ in range(n)], [rng.randrange(n) for _ in range(n)])}


def _components(engine, n: int, a: list[int], b: list[int]) -> tuple[float, list[int]]:
    engine.register("bench_links", pa.table({"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())}))
    start = time.perf_counter()
    engine.create_components("bench_comp", "SELECT a, b FROM bench_links", n)
    seconds = time.perf_counter() - start
    comp = engine.fetch("SELECT comp FROM bench_comp ORDER BY rid").column(0).to_pylist()
    engine.drop("bench_comp")
    return seconds, comp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", default="20000,200000", help="graph sizes, comma separated")
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--driver-memory", default="6g", help="spark.driver.memory (the graph is sent from here)")
    args = parser.parse_args()
    from tandem.customer.spark_engine import DRIVER_GRAPH_SETTING, SparkEngine, session

    base = session(args.spark_master, {"spark.ui.enabled": "false", "spark.driver.memory": args.driver_memory})
    cluster = SparkEngine(spark=base, conf={DRIVER_GRAPH_SETTING: "0"})
    driver = SparkEngine(spark=base, conf={DRIVER_GRAPH_SETTING: str(1 << 62)})
    duck = DuckEngine()
    print(f"{'graph':<8} {'nodes':>10} {'links':>10} {'cluster s':>10} {'rounds':>7} {'driver s':>9} "
          f"{'duckdb s':>9}  same")
    for n in (int(x) for x in args.nodes.split(",")):
        for kind, (a, b) in _graphs(n, args.seed).items():
            cluster_s, cluster_comp = _components(cluster, n, a, b)
            driver_s, driver_comp = _components(driver, n, a, b)
            duck_s, duck_comp = _components(duck, n, a, b)
            same = cluster_comp == driver_comp == duck_comp
            print(f"{kind:<8} {n:>10,} {len(a):>10,} {cluster_s:>10.2f} {cluster.rounds:>7} {driver_s:>9.2f} "
                  f"{duck_s:>9.3f}  {'yes' if same else 'NO'}")
    for engine in (cluster, driver, duck):
        engine.close()


if __name__ == "__main__":
    main()
