package io.syncsqlite.bench;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The driver logs sync events through System.Logger (java.util.logging by default); benchmarks keep warnings only. */
final class Logging {
    private Logging() {
    }

    static void quiet() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var h : root.getHandlers()) h.setLevel(Level.WARNING);
    }
}
