package io.syncsqlite.tck;

/** The two drivers the suite compares: xerial's own URL and the same URL with its prefix swapped. */
enum Flavor {
    SQLITE("jdbc:sqlite:"),
    SYNCSQLITE("jdbc:syncsqlite:");

    final String prefix;

    Flavor(String prefix) {
        this.prefix = prefix;
    }
}
