package io.declutter.runner.purge;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Sends java.util.logging (Liquibase's logging) to SLF4J, so logback.xml decides what is shown. */
final class JulBridge {

    private static boolean installed;

    private JulBridge() {
    }

    static synchronized void install() {
        if (!installed) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
            installed = true;
        }
    }
}
