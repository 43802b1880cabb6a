"""Run a local Neo4j Community server built from Maven Central artifacts.

There is no Neo4j tarball here: the server's jars are fetched with Maven
(``scripts/neo4j/pom.xml``) into a cache directory, and the server is started
directly through ``org.neo4j.server.CommunityEntryPoint`` on Java 17+, with the
JVM options that the stock Neo4j 5.26 ``conf/neo4j.conf`` gives the JVM.

Typical use::

    info = start(Path("/tmp/neo4j-home"))
    store = Neo4jStore(StoreConfig(kind="neo4j", uri=info.uri))
    ...
    stop(info.home)

``start(home, tls=True)`` serves Bolt over TLS only, with a self-signed certificate
for 127.0.0.1 and localhost that it makes with ``cryptography``; clients
trust that certificate as their CA (``ServerInfo.certificate``).

The server runs in the background in its own process group and outlives the
Python process that started it; ``home/run/tacgraph-server.json`` records its
pid and Bolt port so that ``status``/``stop``/``kill`` work from any process.
POSIX only (process groups, ``fcntl``).

The modules: ``jars`` (fetching the jars), ``java`` (finding Java), ``config``
(``conf/neo4j.conf`` and the JVM options), ``tls`` (the certificate), ``admin`` (running
``neo4j-admin``), ``process`` (start, status, stop, kill and the run file), ``bulk``
(seeding a new home with the bulk loader) and ``tools`` (running helper programs).
Only the CLI, the tests, the benchmarks and the scripts use this package; the library
never starts a server.
"""

from tacgraph.devserver.bulk import bulk_import, bulk_import_records
from tacgraph.devserver.config import JVM_OPTIONS
from tacgraph.devserver.jars import NEO4J_VERSION, jar_dir
from tacgraph.devserver.java import MIN_JAVA_VERSION
from tacgraph.devserver.process import ServerInfo, kill, start, status, stop
from tacgraph.devserver.tls import make_certificate
from tacgraph.errors import Neo4jServerError

__all__ = [
    "JVM_OPTIONS",
    "MIN_JAVA_VERSION",
    "NEO4J_VERSION",
    "Neo4jServerError",
    "ServerInfo",
    "bulk_import",
    "bulk_import_records",
    "jar_dir",
    "kill",
    "make_certificate",
    "start",
    "status",
    "stop",
]
