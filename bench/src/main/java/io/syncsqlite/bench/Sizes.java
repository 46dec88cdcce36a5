package io.syncsqlite.bench;

/**
 * How much work each benchmark does: the full suite (about 10 minutes on 2 cores) or {@code --quick} (about 2).
 *
 * @param warmup          untimed rounds before the measured ones
 * @param rounds          measured rounds; each figure is the median, the spread is min..max
 * @param autocommitRows  single-row autocommit statements per round
 * @param txRows          rows per round for the one-transaction and batched inserts
 * @param wideRows        rows of the 20-column table updated per round
 * @param readRows        rows in the read benchmarks' table
 * @param syncRows        rows (5 value columns) per end-to-end sync round
 * @param syncRounds      measured end-to-end sync rounds per transport
 * @param bootstrapRows   rows a new replica bootstraps through nas
 * @param httpBootstrapRows rows a new replica bootstraps through http or ws (the quick run seeds the hub with fewer:
 *                        pushing the seed through the hub is what takes longest)
 * @param bootstrapTimeoutSeconds a bootstrap still running after this is stopped and reported as such
 * @param latencySamples  measured commits per subscriber count of the ws latency rows
 * @param rebuildRows     rows of the table a schema migration rebuilds
 */
record Sizes(int warmup, int rounds, int autocommitRows, int txRows, int wideRows, int readRows, int syncRows, int syncRounds,
             int bootstrapRows, int httpBootstrapRows, int bootstrapTimeoutSeconds, int latencySamples, int rebuildRows) {
    static Sizes full() {
        return new Sizes(2, 7, 2_000, 100_000, 10_000, 100_000, 50_000, 3, 1_000_000, 1_000_000, 150, 500, 1_000_000);
    }

    static Sizes quick() {
        return new Sizes(1, 3, 500, 100_000, 5_000, 50_000, 20_000, 2, 100_000, 50_000, 60, 200, 100_000);
    }

    /** Every transport bootstraps {@code rows} rows. */
    Sizes withBootstrapRows(int rows) {
        return new Sizes(warmup, rounds, autocommitRows, txRows, wideRows, readRows, syncRows, syncRounds, rows, rows, bootstrapTimeoutSeconds,
                latencySamples, rebuildRows);
    }

    int bootstrapRows(String transport) {
        return transport.equals("nas") ? bootstrapRows : httpBootstrapRows;
    }
}
