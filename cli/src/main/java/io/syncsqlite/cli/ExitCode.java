package io.syncsqlite.cli;

/** The command line's exit codes, for scripts. */
final class ExitCode {
    static final int OK = 0;
    /** {@code diff}: the files hold different data. */
    static final int DIFFERENT = 1;
    /** Wrong usage (picocli's own code). */
    static final int USAGE = 2;
    static final int FAILED = 3;

    private ExitCode() {
    }
}
