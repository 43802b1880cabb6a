"""``tacgraph db``: the store itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tacgraph import audit, devserver
from tacgraph.cli import output
from tacgraph.cli.common import DbOpt, JsonOpt, ProseGroup, StoreOpt, guarded, store_from
from tacgraph.errors import TacgraphError

app = typer.Typer(
    cls=ProseGroup, help="Create, inspect and run the graph store.", no_args_is_help=True
)
neo4j_app = typer.Typer(cls=ProseGroup, help="A local development Neo4j (jars from Maven Central).")
app.add_typer(neo4j_app, name="neo4j")

DEFAULT_HOME = Path(".tacgraph-neo4j")
HomeOpt = Annotated[Path, typer.Option("--home", help="Directory of the local Neo4j server.")]


@app.command("init")
@guarded
def init(store: StoreOpt = None, db: DbOpt = None) -> None:
    """Create the graph schema (labels, relationship types, constraints, indexes) and the
    access log's keys, kept outside the store (docs/access-log.md).

    Safe to run again: it changes nothing the second time.

    Example: tacgraph db init --db ./tacgraph-data
    """
    with store_from(store, db, create=True) as s:
        s.init_schema()
        keys = audit.ensure_keys(s)
    output.note(f"schema ready; access log keys in {keys.folder}")


@app.command("stats")
@guarded
def stats(store: StoreOpt = None, db: DbOpt = None, json: JsonOpt = False) -> None:
    """Count nodes by label and relationships by type.

    Example: tacgraph db stats --json
    """
    with store_from(store, db) as s:
        result = s.stats().to_json()
    if json:
        output.print_json(result)
        return
    output.print_table("Nodes", ["label", "count"], sorted(result["nodes"].items()))
    rels = [(k, v) for k, v in sorted(result["relationships"].items()) if v]
    output.print_table("Relationships", ["type", "count"], rels)
    output.print_line(
        f"{result['total_nodes']:,} nodes, {result['total_relationships']:,} relationships"
    )


@app.command("clear")
@guarded
def clear(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm deleting every record.")] = False,
    store: StoreOpt = None,
    db: DbOpt = None,
) -> None:
    """Delete every record in the store (the schema stays). Needs --yes.

    Example: tacgraph db clear --yes --db ./scratch
    """
    if not yes:
        raise TacgraphError("refusing to delete every record", "add --yes if you mean it")
    with store_from(store, db) as s:
        s.clear()
    output.note("store cleared")


def _server_json(info: devserver.ServerInfo | None) -> dict[str, object]:
    if info is None:
        return {"running": False}
    found: dict[str, object] = {
        "running": True,
        "pid": info.pid,
        "uri": info.uri,
        "home": str(info.home),
    }
    if info.certificate is not None:
        found["trusted_certificates"] = str(info.certificate)
    return found


@neo4j_app.command("start")
@guarded
def neo4j_start(
    home: HomeOpt = DEFAULT_HOME,
    port: Annotated[int | None, typer.Option(help="Bolt port (default: a free one).")] = None,
    heap: Annotated[str, typer.Option(help="JVM heap, e.g. 1g.")] = "1g",
    page_cache: Annotated[str, typer.Option(help="Page cache, e.g. 512m.")] = "512m",
    tls: Annotated[
        bool,
        typer.Option("--tls", help="Serve Bolt over TLS only, with a self-signed certificate."),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Start a local Neo4j Community server and wait until it answers.

    Point tacgraph at it with the NEO4J_URI it prints (and, with --tls, the
    NEO4J_TRUSTED_CERTIFICATES).

    Example: tacgraph db neo4j start --port 7687 --tls
    """
    try:
        info = devserver.start(home, port=port, heap=heap, page_cache=page_cache, tls=tls)
    except (devserver.Neo4jServerError, ValueError) as exc:
        raise TacgraphError(str(exc), "see the Neo4j logs under --home") from None
    if json:
        output.print_json(_server_json(info))
    else:
        exports = f"export NEO4J_URI={info.uri}"
        if info.certificate is not None:
            exports += f" NEO4J_TRUSTED_CERTIFICATES={info.certificate}"
        output.print_line(f"Neo4j running (pid {info.pid}): {exports}")


@neo4j_app.command("stop")
@guarded
def neo4j_stop(home: HomeOpt = DEFAULT_HOME) -> None:
    """Stop the local Neo4j server.

    Example: tacgraph db neo4j stop
    """
    stopped = devserver.stop(home)
    output.note("stopped" if stopped else "no server was running")


@neo4j_app.command("status")
@guarded
def neo4j_status(home: HomeOpt = DEFAULT_HOME, json: JsonOpt = False) -> None:
    """Say whether the local Neo4j server is running, and where.

    Example: tacgraph db neo4j status --json
    """
    info = devserver.status(home)
    if json:
        output.print_json(_server_json(info))
    elif info is None:
        output.print_line("not running")
    else:
        output.print_line(f"running (pid {info.pid}) at {info.uri}")
