"""The catalog in Neo4j 5 over Bolt, and the two local Bolt servers.

=====================  ========================================================
module                 what it holds
=====================  ========================================================
:mod:`.settings`       :class:`Neo4jSettings`, the defaults, password precedence
:mod:`.errors`         :func:`map_driver_errors`: driver errors -> ours
:mod:`.cypher`         the store's schema, load and read-back Cypher
:mod:`.codec`          node properties <-> record fields; graph -> catalog
:mod:`.writer`         :class:`Neo4jWriter`: a load in one transaction
:mod:`.reader`         :class:`Neo4jReader`: read transactions
:mod:`.store`          :class:`Neo4jStore`: the :class:`~graph.store.Store`
:mod:`.local_server`   ArcadeDB with its Bolt plugin, for development and tests
:mod:`.neo4j_server`   real Neo4j 5.26 Community, built from Maven Central
=====================  ========================================================

Import from the modules; this package imports nothing, so ``graph`` works
without the ``server`` extra.
"""
