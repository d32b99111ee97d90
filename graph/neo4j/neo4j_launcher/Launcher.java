package org.skillgraph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import picocli.CommandLine;

/**
 * Neo4j 5.26 Community, embedded, reachable only through Bolt on 127.0.0.1.
 *
 * Arguments: DATA_DIR PORT DATABASE PAGECACHE TX_TIMEOUT_SECONDS. The password of user neo4j comes from
 * the environment variable SKILLGRAPH_NEO4J_PASSWORD (never the command line, which other users can read);
 * it is set when the data directory is created, before Bolt listens, and only checked by clients afterwards. Prints one line
 * "READY port=P database=D created=true|false" on stdout when clients may connect; SIGTERM or Ctrl-C
 * shuts the database down cleanly (a shutdown hook), then the process exits 0.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Launcher DATA_DIR PORT DATABASE PAGECACHE TX_TIMEOUT_SECONDS");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String database = args[2];
        long pageCache = parseBytes(args[3]);
        long timeout = Long.parseLong(args[4]);
        String password = System.getenv("SKILLGRAPH_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("SKILLGRAPH_NEO4J_PASSWORD must hold the password (8 characters or more)");
            System.exit(2);
        }
        boolean created = !Files.exists(home.resolve("data").resolve("databases").resolve("system"));
        if (created) {
            // The password is in place before Bolt ever listens (what neo4j-admin dbms set-initial-password
            // does): no moment where user neo4j has the well-known default.
            Path conf = home.resolve("conf");
            Files.createDirectories(conf);
            ExecutionContext context = new ExecutionContext(home, conf, System.err, System.err,
                    new DefaultFileSystemAbstraction());
            SetInitialPasswordCommand command = new SetInitialPasswordCommand(context);
            CommandLine.populateCommand(command, password);
            command.execute();
        }

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("localhost", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Community has one user database: its name is fixed when the data directory is created.
                .setConfig(GraphDatabaseSettings.initial_default_database, database)
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(timeout))
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
            // A clean stop: exit 0 rather than the JVM's 143 for SIGTERM.
            Runtime.getRuntime().halt(0);
        }, "skillgraph-neo4j-shutdown"));

        // The parent (skillgraph) holds our stdin: when it dies without stopping us, stop too.
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; only the end matters
                }
            } catch (java.io.IOException ignored) {
                // the same as the end
            }
            System.exit(0);
        }, "skillgraph-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        Object mustChange = system.executeTransactionally(
                "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' RETURN passwordChangeRequired",
                Map.of(), r -> r.hasNext() ? r.next().get("passwordChangeRequired") : Boolean.FALSE);
        if (Boolean.TRUE.equals(mustChange)) {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        }
        String actual = system.executeTransactionally(
                "SHOW DEFAULT DATABASE YIELD name RETURN name", Map.of(),
                r -> r.hasNext() ? String.valueOf(r.next().get("name")) : "");
        System.out.println("READY port=" + port + " database=" + actual + " created=" + created);
        System.out.flush();
        stopped.await();
    }

    /** "512m", "2g", "1048576" as bytes. */
    static long parseBytes(String text) {
        String t = text.trim().toLowerCase();
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k') unit = 1L << 10;
        if (last == 'm') unit = 1L << 20;
        if (last == 'g') unit = 1L << 30;
        if (unit != 1) t = t.substring(0, t.length() - 1);
        return Long.parseLong(t) * unit;
    }
}
